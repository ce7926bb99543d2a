import Foundation
import Testing
import PalaverEngine

/// `palaver solve` and `palaver generate` as a user runs them.
@Suite struct SolveCommandTests {
    @Test func generateThenSolveEveryWayAsJSON() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/gc.yaml"
        let gen = try PalaverProcess.run(["generate", "graph-coloring", "--variables", "12", "--colors", "3", "--density", "0.3", "--seed", "5", "-o", file])
        #expect(gen.status == 0, "\(gen.stderr)")
        var costs: [String: Double] = [:]
        for algo in ["exact", "dsa", "mgm", "maxsum"] {
            let out = try PalaverProcess.run(["solve", file, "--algo", algo, "--json"])
            #expect(out.status == 0, "\(algo): \(out.stderr)")
            let o = try #require(try JSONParser.parse(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).object)
            #expect(o["assignment"]?.object?.fields.count == 12)
            #expect(o["violations"]?.int == 0)
            #expect(o["rounds"]?.int == (algo == "exact" ? 0 : 100))
            if algo != "exact" { #expect((o["messages"]?.int ?? 0) > 0) }
            costs[algo] = o["cost"]?.double
        }
        let optimum = try #require(costs["exact"])
        for algo in ["dsa", "mgm", "maxsum"] { #expect(try #require(costs[algo]) >= optimum - 1e-9) }
    }

    @Test func jsonPrintsWholeNumbersAsIntegersAndNeverMinusZero() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/max.yaml"
        // A max problem whose best utility is 0: the minimised form is -0.
        try "objective: max\ndomains: {d: {values: [0, 1, 2]}}\nvariables: {x: {domain: d}, y: {domain: d}}\nconstraints:\n  c: {type: intention, function: '0 if x == y else -x - y'}\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let out = try PalaverProcess.run(["solve", file, "--algo", "exact", "--json"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("\"cost\":0,"), "\(out.stdout)")
        #expect(!out.stdout.contains(".0,") && !out.stdout.contains(".0}"), "\(out.stdout)")
        #expect(out.stdout.contains("\"x\":0") || out.stdout.contains("\"x\":1") || out.stdout.contains("\"x\":2"), "\(out.stdout)")
    }

    @Test func aRecordedSolveReplaysItsMessages() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = dir + "/solve.jsonl"
        let out = try PalaverProcess.run(["solve", "problems/dock-scheduling.yaml", "--algo", "mgm", "--rounds", "20", "--noise-seed", "9", "--record", session])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("hard violations: 0"))
        // The recording names its problem and holds its text and noise seed, so a replay shows the same plan anywhere.
        let reader = try SessionReader(path: session)
        #expect(reader.info.coordination?.problem == "problems/dock-scheduling.yaml")
        #expect(reader.info.coordination?.algorithm == "mgm")
        #expect(reader.info.coordination?.noiseSeed == 9)
        let text = try String(contentsOfFile: "problems/dock-scheduling.yaml", encoding: .utf8)
        #expect(reader.info.inputs.files["problems/dock-scheduling.yaml"] == text)
        let replay = try PalaverProcess.run(["replay", session, "--headless"])
        #expect(replay.status == 0)
        #expect(replay.stdout.contains("truck1 = "))
    }

    @Test func badProblemsAreOneLineNamingTheFileAndConstraint() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/bad.yaml"
        try "domains: {d: {values: [1, 2]}}\nvariables: {x: {domain: d}}\nconstraints:\n  c1: {type: intention, function: 'log(x)'}\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        for (args, mention) in [(["solve", file], "constraint 'c1': function 'log' is not supported"),
                                (["solve", dir + "/none.yaml"], "none.yaml: cannot read"),
                                (["solve", file, "--algo", "simplex"], "simplex"),
                                (["generate", "sudoku"], "sudoku")] {
            let out = try PalaverProcess.run(args)
            #expect(out.status == 2, "\(args)")
            #expect(out.stderr.split(separator: "\n").count == 1, "\(args): \(out.stderr)")
            #expect(out.stderr.contains(mention), "\(args): \(out.stderr)")
        }
    }
}

/// DPOP from the command line: exact, recorded and replayed, and refused in one line when its tables would not fit.
@Suite struct DPOPCommandTests {
    @Test func dpopFindsTheOptimumAndItsSessionReplays() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/gc.yaml", session = dir + "/dpop.jsonl"
        let gen = try PalaverProcess.run(["generate", "graph-coloring", "--variables", "14", "--density", "0.25", "--seed", "3", "-o", file])
        #expect(gen.status == 0, "\(gen.stderr)")
        let exact = try PalaverProcess.run(["solve", file, "--algo", "exact", "--json"])
        let dpop = try PalaverProcess.run(["solve", file, "--algo", "dpop", "--json", "--record", session])
        #expect(dpop.status == 0, "\(dpop.stderr)")
        func cost(_ out: String) throws -> Double? { try JSONParser.parse(out.trimmingCharacters(in: .whitespacesAndNewlines)).object?["cost"]?.double }
        #expect(try cost(dpop.stdout) != nil && cost(dpop.stdout) == cost(exact.stdout))
        let reader = try SessionReader(path: session)
        #expect(reader.info.coordination?.algorithm == "dpop")
        let replay = try PalaverProcess.run(["replay", session, "--headless"])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.contains("util v"))
        #expect(replay.stdout.contains("value v"))
        #expect(replay.stdout.contains("v1 = "))
    }

    @Test func tablesTooLargeAreRefusedInOneLine() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/big.yaml"
        let gen = try PalaverProcess.run(["generate", "graph-coloring", "--variables", "50", "--seed", "1", "-o", file])
        #expect(gen.status == 0, "\(gen.stderr)")
        let out = try PalaverProcess.run(["solve", file, "--algo", "dpop"])
        #expect(out.status == 2)
        let lines = out.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(out.stderr)")
        #expect(out.stderr.contains(file) && out.stderr.contains("induced width is") && out.stderr.contains("--algo exact"), "\(out.stderr)")
        #expect(out.stdout.isEmpty)
    }
}
