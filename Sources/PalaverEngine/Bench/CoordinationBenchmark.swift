/// Graph colouring instances solved exactly and by each algorithm: how far
/// each lands from the optimum on average, and how long an exact solve takes.
public enum CoordinationBenchmark {
    public struct Result: Sendable {
        public var instances: Int
        /// Mean of (cost / optimum − 1) per algorithm, after `rounds` rounds.
        public var gaps: [DCOPRun.Algorithm: Double]
        public var worstExactSeconds: Double
        public var medianExactSeconds: Double
        public var messages: [DCOPRun.Algorithm: Int]
        /// Plain MGM (no restarts), for comparison.
        public var plainMGMGap: Double
    }

    public static func run(instances: Int = 50, variables: Int = 20, colors: Int = 3, density: Double = 0.2, rounds: Int = 100) throws -> Result {
        var gapSums: [DCOPRun.Algorithm: Double] = [:]
        var messages: [DCOPRun.Algorithm: Int] = [:]
        var exactTimes: [Double] = []
        var plain = 0.0
        for i in 0..<instances {
            let text = DCOPGenerator.graphColoring(variables: variables, colors: colors, density: density, seed: UInt64(i + 1))
            let problem = try DCOPReader.parse(text, path: "instance \(i + 1)")
            let started = MonotonicClock.seconds()
            let exact = DCOPRun(problem: problem, algorithm: .exact).run()
            exactTimes.append(MonotonicClock.seconds() - started)
            for algorithm in [DCOPRun.Algorithm.dsa, .mgm, .maxsum] {
                var run = DCOPRun(problem: problem, algorithm: algorithm)
                run.rounds = rounds
                run.seed = UInt64(i + 1)
                let r = run.run()
                gapSums[algorithm, default: 0] += exact.cost > 0 ? r.cost / exact.cost - 1 : (r.cost > 1e-9 ? 1 : 0)
                messages[algorithm, default: 0] += r.messages
            }
            var run = DCOPRun(problem: problem, algorithm: .mgm)
            run.rounds = rounds
            run.seed = UInt64(i + 1)
            run.mgmRestart = 0
            plain += exact.cost > 0 ? run.run().cost / exact.cost - 1 : 0
        }
        exactTimes.sort()
        return Result(instances: instances, gaps: gapSums.mapValues { $0 / Double(instances) },
                      worstExactSeconds: exactTimes.last ?? 0, medianExactSeconds: exactTimes[exactTimes.count / 2],
                      messages: messages.mapValues { $0 / instances }, plainMGMGap: plain / Double(instances))
    }
}
