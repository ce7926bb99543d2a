import ArgumentParser
import Foundation
import PalaverEngine

extension DCOPRun.Algorithm: ExpressibleByArgument {}
extension DSAAgent.Variant: ExpressibleByArgument {}

struct SolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Solve a DCOP file (pyDCOP's YAML format) with agents exchanging messages, or exactly.",
        discussion: """
            Examples: palaver solve problem.yaml --algo mgm --rounds 100
                      palaver generate graph-coloring --variables 20 --colors 3 --density 0.2 -o gc.yaml && palaver solve gc.yaml --algo exact --json
            DSA, MGM, Max-Sum and DPOP run as one Palaver agent per problem agent, exchanging messages on the bus; --record keeps them as a session to replay.
            """
    )

    @Argument(help: "A DCOP file in pyDCOP's YAML format.") var file: String
    @Option(help: "dsa, mgm, maxsum, dpop (exact, by messages along a pseudo-tree) or exact (branch and bound).") var algo: DCOPRun.Algorithm = .mgm
    @Option(help: "Rounds of the algorithm.") var rounds: Int = 100
    @Option(help: "Seed for the start and for DSA's coin flips.") var seed: UInt64 = 1
    @Option(help: "Seed for the noise pyDCOP's noise_level adds to a variable's costs at load (same seed, same problem).") var noiseSeed: UInt64 = 0
    @Flag(help: "One JSON object: assignment, cost, violations, messages, rounds.") var json = false
    @Option(help: "Record the agents' messages as a session file.") var record: String?
    @Option(help: "DSA: variant A (move only to improve), B (also sideways while in conflict) or C (also sideways always).") var dsaVariant: DSAAgent.Variant = .b
    @Option(help: "DSA: chance that a variable makes a move its variant allows (default 0.9 when every cost is soft, 0.7 with hard limits).") var dsaProbability: Double?
    @Option(help: "exact: seconds before it stops and reports the best assignment found and its proven bound.") var timeout: Double = 60
    @Option(help: "MGM: chance that a variable whose neighbourhood has settled tries a random value (0 for plain MGM).") var mgmRestart: Double = 0.1
    @Option(help: "dpop: refuse when a UTIL table would have more cells than this.") var dpopMaxCells: Double = 10_000_000

    func validate() throws {
        if !(timeout > 0 && timeout <= 1e6) { throw ValidationError("--timeout must be a number of seconds above 0 (got \(timeout))") }
        if let dsaProbability, !(dsaProbability > 0 && dsaProbability <= 1) { throw ValidationError("--dsa-probability must be above 0 and at most 1 (got \(dsaProbability))") }
        if rounds < 1 { throw ValidationError("--rounds must be at least 1 (got \(rounds))") }
        if !(dpopMaxCells >= 1 && dpopMaxCells <= 1e12) { throw ValidationError("--dpop-max-cells must be between 1 and 10^12 (got \(dpopMaxCells))") }
        if !(0...1).contains(mgmRestart) { throw ValidationError("--mgm-restart must be between 0 and 1 (got \(mgmRestart))") }
    }

    func run() throws {
        let problem: DCOPProblem
        do { problem = try DCOPReader.read(file, noiseSeed: noiseSeed) } catch { throw BadInput(error) }
        var run = DCOPRun(problem: problem, algorithm: algo)
        run.rounds = rounds
        run.seed = seed
        run.mgmRestart = mgmRestart
        run.dsaVariant = dsaVariant
        run.dsaProbability = dsaProbability
        run.problemPath = file
        run.noiseSeed = noiseSeed
        run.inputs = SessionInputs.reading(paths: [file])
        run.exactTimeout = timeout
        run.dpopMaxCells = dpopMaxCells
        if let refusal = run.refusal() { throw BadInput("\(file): \(refusal)") }
        if isatty(2) != 0 {
            run.exactProgress = { p in
                FileHandle.standardError.write(Data(String(format: "\rexact: %.0f s, %d nodes, best so far %@, nothing better than %@ ", p.seconds, p.nodes, NumberText.thousandths(p.best * problem.sign + 0), NumberText.thousandths(p.bound * problem.sign + 0)).utf8))
            }
        }
        let started = MonotonicClock.seconds()
        let result: DCOPRun.Result
        if let record {
            let writer: SessionWriter
            do { writer = try SessionWriter(path: record) } catch { throw BadInput("\(record): \(error)") }
            result = run.run(sink: writer)
            writer.close()
        } else {
            result = run.run()
        }
        let seconds = MonotonicClock.seconds() - started
        if run.exactProgress != nil && seconds >= 1 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        let pairs = problem.describe(result.assignment)
        if json {
            var w = JSONWriter()
            w.beginObject()
            w.key("algorithm"); w.string(algo.rawValue)
            w.key("assignment"); w.beginObject()
            for (name, value) in pairs {
                w.key(name)
                if case .number(let x) = value { Self.number(x, &w) } else { w.string(value.description) }
            }
            w.endObject()
            w.key("cost"); Self.number((result.cost * 1e6).rounded() / 1e6, &w)
            w.key("violations"); w.int(result.violations)
            w.key("messages"); w.int(result.messages)
            w.key("rounds"); w.int(result.rounds)
            if algo == .exact {
                w.key("optimal"); w.bool(result.optimal)
                if let bound = result.bound { w.key("bound"); Self.number((bound * 1e6).rounded() / 1e6, &w) }
            }
            w.key("seconds"); w.number(seconds)
            w.endObject()
            print(String(decoding: w.bytes, as: UTF8.self))
            return
        }
        print("\(problem.name) · \(NumberText.counted(problem.variables.count, "variable")) · \(NumberText.counted(problem.constraints.count, "constraint")) · \(NumberText.counted(problem.agents.count, "agent")) · \(algo.rawValue)")
        let line = pairs.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
        print("assignment: \(line)")
        print(String(format: "cost: %@  hard violations: %d  messages: %d  rounds: %d  (%.2f s)",
                     NumberText.thousandths(result.cost), result.violations, result.messages, result.rounds, seconds))
        if result.curve.count > 1 { print("cost by round: \(Sparkline.render(result.curve))") }
        if algo == .exact {
            if result.optimal { print("optimal (proven)") } else {
                let bound = NumberText.thousandths(result.bound ?? 0)
                print("stopped after \(NumberText.thousandths(timeout)) s (--timeout): best found above; no assignment does better than \(bound)")
            }
        }
    }
}

extension SolveCommand {
    /// Whole numbers as integers (`3`, not `3.0`; never `-0`), others exactly.
    static func number(_ x: Double, _ w: inout JSONWriter) {
        if x == x.rounded(), abs(x) < 9e15 { w.int(Int64(x)) } else { w.exactNumber(x) }
    }
}

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a benchmark DCOP in pyDCOP's YAML format.",
        discussion: "KIND is graph-coloring or meeting-scheduling."
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable { case graphColoring = "graph-coloring", meetingScheduling = "meeting-scheduling" }

    @Argument(help: "graph-coloring or meeting-scheduling.") var kind: Kind
    @Option(help: "graph-coloring: variables.") var variables: Int = 20
    @Option(help: "graph-coloring: colours.") var colors: Int = 3
    @Option(help: "graph-coloring: probability of an edge between two variables.") var density: Double = 0.2
    @Flag(inversion: .prefixedNo, help: "graph-coloring: a random cost (0…9) for each pair of colours on an edge (else a hard limit on equal colours).") var soft = true
    @Option(help: "meeting-scheduling: meetings.") var meetings: Int = 10
    @Option(help: "meeting-scheduling: people.") var participants: Int = 6
    @Option(help: "meeting-scheduling: time slots.") var slots: Int = 8
    @Option(help: "Seed.") var seed: UInt64 = 1
    @Option(name: .shortAndLong, help: "Write to this file instead of stdout.") var output: String?

    func validate() throws {
        if variables < 2 { throw ValidationError("--variables must be at least 2 (got \(variables))") }
        if colors < 2 { throw ValidationError("--colors must be at least 2 (got \(colors))") }
        if !(0...1).contains(density) { throw ValidationError("--density must be between 0 and 1 (got \(density))") }
        if meetings < 1 || participants < 1 || slots < 1 { throw ValidationError("--meetings, --participants and --slots must be at least 1") }
    }

    func run() throws {
        let text: String
        switch kind {
        case .graphColoring: text = DCOPGenerator.graphColoring(variables: variables, colors: colors, density: density, soft: soft, seed: seed)
        case .meetingScheduling: text = DCOPGenerator.meetingScheduling(meetings: meetings, participants: participants, slots: slots, seed: seed)
        }
        try TextOutput.emit(text, to: output)
    }
}
