import Foundation

/// Graph colouring instances solved exactly and by each algorithm (DPOP where its
/// tables fit): how far
/// each lands from the optimum, and how long an exact solve takes. Two
/// families: our small ones (20 variables) and the size pyDCOP users
/// benchmark with (`pydcop generate graph_coloring -v 50 -c 3 -g random -p 0.2
/// --soft`: 50 variables, 3 colours, an edge with probability 0.2, a random
/// cost 0…9 for each pair of colours).
public enum CoordinationBenchmark {
    public struct Family: Sendable {
        public var variables: Int
        public var instances: Int
        /// Median and mean of (cost / optimum − 1) per algorithm, after `rounds` rounds.
        public var medianGaps: [DCOPRun.Algorithm: Double]
        public var meanGaps: [DCOPRun.Algorithm: Double]
        public var maxGaps: [DCOPRun.Algorithm: Double]
        public var medianExactSeconds: Double
        public var worstExactSeconds: Double
        /// The same in processor time: on a shared machine, wall time also counts other programs' turns.
        public var medianExactCPUSeconds: Double
        public var worstExactCPUSeconds: Double
        /// Mean messages per run.
        public var messages: [DCOPRun.Algorithm: Int]
        /// Plain MGM (no restarts), mean gap, for comparison.
        public var plainMGMGap: Double
        /// Instances the exact solver proved optimal within its time limit (gaps are to the best it found otherwise).
        public var proven: Int
        /// Instances whose UTIL tables fit DPOP's default limit (its gaps and messages are over those).
        public var dpopFits: Int
    }

    public static let heuristics: [DCOPRun.Algorithm] = [.dsa, .mgm, .maxsum]

    public static func run(instances: Int, variables: Int, colors: Int = 3, density: Double = 0.2, rounds: Int = 100, exactTimeout: Double? = nil) throws -> Family {
        var gaps: [DCOPRun.Algorithm: [Double]] = [:]
        var messages: [DCOPRun.Algorithm: Int] = [:]
        var exactTimes: [Double] = []
        var exactCPU: [Double] = []
        var plain = 0.0
        var proven = 0
        var dpopFits = 0
        func gap(_ cost: Double, _ optimum: Double) -> Double { optimum > 0 ? cost / optimum - 1 : (cost > 1e-9 ? 1 : 0) }
        for i in 0..<instances {
            let text = DCOPGenerator.graphColoring(variables: variables, colors: colors, density: density, seed: UInt64(i + 1))
            let problem = try DCOPReader.parse(text, path: "instance \(i + 1)")
            let started = MonotonicClock.seconds(), cpu = Self.cpuSeconds()
            var exactRun = DCOPRun(problem: problem, algorithm: .exact)
            exactRun.exactTimeout = exactTimeout
            let exact = exactRun.run()
            exactTimes.append(MonotonicClock.seconds() - started)
            exactCPU.append(Self.cpuSeconds() - cpu)
            if exact.optimal { proven += 1 }
            for algorithm in heuristics {
                var run = DCOPRun(problem: problem, algorithm: algorithm)
                run.rounds = rounds
                run.seed = UInt64(i + 1)
                let r = run.run()
                gaps[algorithm, default: []].append(gap(r.cost, exact.cost))
                messages[algorithm, default: 0] += r.messages
            }
            let dpop = DCOPRun(problem: problem, algorithm: .dpop)
            if dpop.refusal() == nil {
                let r = dpop.run()
                gaps[.dpop, default: []].append(gap(r.cost, exact.cost))
                messages[.dpop, default: 0] += r.messages
                dpopFits += 1
            }
            var run = DCOPRun(problem: problem, algorithm: .mgm)
            run.rounds = rounds
            run.seed = UInt64(i + 1)
            run.mgmRestart = 0
            plain += gap(run.run().cost, exact.cost)
        }
        exactTimes.sort()
        func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s.isEmpty ? 0 : s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2 }
        return Family(variables: variables, instances: instances, medianGaps: gaps.mapValues(median),
                      meanGaps: gaps.mapValues { $0.reduce(0, +) / Double(max(1, $0.count)) }, maxGaps: gaps.mapValues { $0.max() ?? 0 },
                      medianExactSeconds: median(exactTimes), worstExactSeconds: exactTimes.last ?? 0,
                      medianExactCPUSeconds: median(exactCPU), worstExactCPUSeconds: exactCPU.max() ?? 0,
                      messages: messages.mapValues { $0 / max(1, instances) }.merging([.dpop: (messages[.dpop] ?? 0) / max(1, dpopFits)]) { $1 },
                      plainMGMGap: plain / Double(max(1, instances)), proven: proven, dpopFits: dpopFits)
    }

    /// Processor time this process has used (the solves are single-threaded).
    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
