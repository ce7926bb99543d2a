import Foundation
import Testing
@testable import PalaverEngine

/// DCOP files, the exact solver, and the algorithms as message-passing agents.
@Suite struct CoordinationTests {
    /// pyDCOP's graph-colouring tutorial problem.
    static let tutorial = """
        name: graph coloring
        objective: min
        domains:
          colors:
            values: [R, G]
        variables:
          v1:
            domain: colors
            cost_function: -0.1 if v1 == 'R' else 0.1
          v2:
            domain: colors
            cost_function: -0.1 if v2 == 'G' else 0.1
          v3:
            domain: colors
            cost_function: -0.1 if v3 == 'G' else 0.1
        constraints:
          diff_1_2:
            type: intention
            function: 10 if v1 == v2 else 0
          diff_2_3:
            type: intention
            function: 10 if v3 == v2 else 0
        agents:
          a1:
            capacity: 100
          a2:
            capacity: 100
          a3:
            capacity: 100
        """

    func names(_ p: DCOPProblem, _ a: [Int]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: p.describe(a).map { ($0.0, $0.1.description) })
    }

    @Test func thePyDCOPTutorialSolvesToItsKnownOptimum() throws {
        let p = try DCOPReader.parse(Self.tutorial)
        #expect(p.variables.map(\.name) == ["v1", "v2", "v3"])
        #expect(p.agents == ["a1", "a2", "a3"])
        let r = DCOPRun(problem: p, algorithm: .exact).run()
        #expect(names(p, r.assignment) == ["v1": "R", "v2": "G", "v3": "R"])
        #expect(abs(r.cost - -0.1) < 1e-9)
        // v1=G v2=R v3=G is a trap for one-variable moves: MGM leaves it by restarting, Max-Sum never enters it.
        for algorithm in [DCOPRun.Algorithm.mgm, .maxsum] {
            for seed in 1...5 as ClosedRange<UInt64> {
                var run = DCOPRun(problem: p, algorithm: algorithm)
                run.seed = seed
                #expect(names(p, run.run().assignment) == ["v1": "R", "v2": "G", "v3": "R"], "\(algorithm) seed \(seed)")
            }
        }
        var dsa = DCOPRun(problem: p, algorithm: .dsa)
        dsa.rounds = 30
        #expect(dsa.run().violations == 0)
    }

    @Test func extensionalConstraintsAgentListsAndMaximising() throws {
        let p = try DCOPReader.parse("""
            objective: max
            domains:
              d: {values: [0 .. 2]}
            variables:
              x: {domain: d}
              y: {domain: d}
            constraints:
              likes:
                type: extensional
                variables: [x, y]
                default: 0
                values:
                  5: 2 0 | 0 2
                  3: 1 1
            agents: [alice, bob]
            unknown_key: ignored
            """)
        #expect(p.variables[0].domain.count == 3)
        #expect(p.agents == ["alice", "bob"])
        #expect(p.variables.map(\.owner) == [0, 1])
        let r = DCOPRun(problem: p, algorithm: .exact).run()
        #expect(r.cost == 5)
        #expect(Set([names(p, r.assignment)["x"], names(p, r.assignment)["y"]]) == Set(["0", "2"]))
    }

    @Test func expressionsFollowPython() throws {
        func eval(_ text: String, _ values: [String: DCOPValue] = [:]) throws -> DCOPValue { try DCOPExpression.parse(text).evaluate(values) }
        #expect(try eval("1 + 2 * 3 - 4 / 2") == .number(5))
        #expect(try eval("2 ** 3 ** 2") == .number(512))
        #expect(try eval("-7 // 2") == .number(-4))
        #expect(try eval("7 % 3") == .number(1))
        #expect(try eval("1 < x <= 3", ["x": .number(3)]) == .bool(true))
        #expect(try eval("1 < x <= 3", ["x": .number(4)]) == .bool(false))
        #expect(try eval("not (a == 'R') and b != 'G' or False", ["a": .text("G"), "b": .text("B")]) == .bool(true))
        #expect(try eval("abs(x - y) if x > y else max(x, y, 10)", ["x": .number(2), "y": .number(5)]) == .number(10))
        #expect(try eval("min(3, 1, 2) + (True + True)") == .number(3))
    }

    @Test func badFilesNameTheConstraintAndTheProblem() {
        func failure(_ constraints: String) -> String {
            let text = """
                domains: {d: {values: [1, 2]}}
                variables: {x: {domain: d}, y: {domain: d}}
                constraints:
                \(constraints)
                """
            do { _ = try DCOPReader.parse(text, path: "bad.yaml"); return "" } catch { return error.description }
        }
        #expect(failure("  c1: {type: intention, function: 'sqrt(x)'}").contains("constraint 'c1': function 'sqrt' is not supported"))
        #expect(failure("  c2: {type: intention, function: 'x + z'}").contains("constraint 'c2': unknown variable 'z'"))
        #expect(failure("  c3: {type: intention, function: 'x ~ y'}").contains("constraint 'c3'"))
        #expect(failure("  c4: {type: extensional, variables: [x, w], values: {1: '1 1'}}").contains("constraint 'c4': unknown variable 'w'"))
        #expect(failure("  c5: {type: extensional, variables: [x, y], values: {1: '1 7'}}").contains("'7' is not in the domain of y"))
        #expect(failure("  c6: {type: extensional, variables: [x, y], values: {1: '1 1'}}").contains("no cost for 1 2 and no default"))
        #expect(failure("  c7: {type: magic, function: x}").contains("unknown type 'magic'"))
        #expect(failure("  c8: {type: intention, function: 'x if y'}").contains("'if' without 'else'"))
        #expect(failure("  c9: {type: intention}").hasPrefix("bad.yaml: constraint 'c9'"))
    }

    @Test func theExactSolverAgreesWithTryingEverything() throws {
        for seed in 1...12 {
            let p = try DCOPReader.parse(DCOPGenerator.graphColoring(variables: 7, colors: 3, density: 0.5, seed: UInt64(seed)))
            var best = Double.infinity
            var a = Array(repeating: 0, count: 7)
            func all(_ i: Int) {
                if i == 7 { best = min(best, p.internalCost(a)); return }
                for x in 0..<3 { a[i] = x; all(i + 1) }
            }
            all(0)
            #expect(abs(ExactSolver(problem: p).solve().internalCost - best) < 1e-9, "seed \(seed)")
        }
    }

    @Test(arguments: [DCOPRun.Algorithm.dsa, .mgm, .maxsum])
    func eachAlgorithmSolvesASatisfiableProblem(_ algorithm: DCOPRun.Algorithm) throws {
        // Meetings that share a person may not overlap (hard); people prefer some slots (soft).
        for seed in 1...4 as ClosedRange<UInt64> {
            let p = try DCOPReader.parse(DCOPGenerator.meetingScheduling(meetings: 10, participants: 6, slots: 6, seed: seed))
            #expect(DCOPRun(problem: p, algorithm: .exact).run().violations == 0, "seed \(seed) is satisfiable")
            var run = DCOPRun(problem: p, algorithm: algorithm)
            run.seed = seed
            let r = run.run()
            #expect(r.violations == 0, "seed \(seed)")
            #expect(r.messages > 0)
        }
    }

    @Test func runsAreDeterministicPerSeedAndTheirMessagesAreOnTheBus() throws {
        let p = try DCOPReader.parse(DCOPGenerator.graphColoring(variables: 12, colors: 3, density: 0.3, seed: 4))
        for algorithm in [DCOPRun.Algorithm.dsa, .mgm, .maxsum] {
            var run = DCOPRun(problem: p, algorithm: algorithm)
            run.rounds = 20
            let first = EventLog(), second = EventLog()
            let a = run.run(sink: first), b = run.run(sink: second)
            #expect(a.assignment == b.assignment && a.curve == b.curve)
            #expect(first.events == second.events)
            let sent = first.events.filter { if case .messageSent = $0.body { true } else { false } }.count
            #expect(sent == a.messages)
            run.seed = 99
            if algorithm == .dsa { #expect(run.run().curve != a.curve) }
        }
    }

    @Test func mgmNeverGetsWorseWithoutRestarts() throws {
        let p = try DCOPReader.parse(DCOPGenerator.graphColoring(variables: 20, colors: 3, density: 0.2, seed: 9))
        var run = DCOPRun(problem: p, algorithm: .mgm)
        run.mgmRestart = 0
        run.keepBest = false
        let curve = run.run().curve
        #expect(zip(curve, curve.dropFirst()).allSatisfy { $1 <= $0 + 1e-9 })
    }
}

/// The dock-scheduling scenario: trucks settle slots by MGM over the bus while they talk.
@Suite struct DockSchedulingTests {
    @Test func trucksSettleAPlanWithoutClashesAndTalkAboutIt() async throws {
        let scenario = try ScenarioLoader(directories: ["scenarios"]).load("dock-scheduling")
        #expect(scenario.agents.count >= 8)
        let log = EventLog()
        try await SessionRun(scenario: scenario, options: .init(speed: .fastest), sinks: [log]).runDetached()
        let messages = log.events.compactMap { e -> Message? in if case .messageSent(let m) = e.body { m } else { nil } }
        let algorithm = messages.filter { $0.kind == .action }
        let talk = messages.filter { $0.kind == .chat && $0.sender.agent != nil }
        #expect(algorithm.count > 20)
        #expect(talk.count >= 8)
        #expect(talk.contains { $0.text.contains("dock ") })
        // The plan the bus ends on breaks no hard limit.
        let problem = try DCOPReader.read("problems/dock-scheduling.yaml")
        var run = DCOPRun(problem: problem, algorithm: .mgm)
        run.seed = scenario.seed
        var assignment = run.start()
        for m in algorithm {
            guard let said = ValueMessage.parse(m.text) else { continue }
            if let v = problem.variables.firstIndex(where: { $0.name == said.name }),
               let x = problem.variables[v].domain.firstIndex(where: { $0.description == said.value }) { assignment[v] = x }
        }
        #expect(problem.violations(assignment).isEmpty)
        #expect(problem.cost(assignment) < 20)
    }

    @Test func aMissingProblemFileIsAnErrorNamingIt() throws {
        var scenario = try ScenarioLoader(directories: ["scenarios"]).load("dock-scheduling")
        scenario.coordination?.problem = "scenarios/nowhere.yaml"
        #expect(throws: EngineAttachments.Failure.self) { try SessionRun(scenario: scenario) }
    }
}
