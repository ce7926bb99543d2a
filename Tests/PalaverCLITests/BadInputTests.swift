import Foundation
import Testing
import PalaverEngine

/// Bad input gets one clear line on stderr, naming what and where, and exit code 2.
@Suite struct BadInputTests {
    func expectBadInput(_ arguments: [String], mentions: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let out = try PalaverProcess.run(arguments, in: FileManager.default.currentDirectoryPath)
        #expect(out.status == 2, "exit status for \(arguments)", sourceLocation: sourceLocation)
        let lines = out.stderr.split(separator: "\n")
        #expect(lines.count == 1, "one line, got: \(out.stderr)", sourceLocation: sourceLocation)
        #expect(out.stderr.hasPrefix("palaver: "), sourceLocation: sourceLocation)
        #expect(out.stderr.contains(mentions), "\(out.stderr) should mention \(mentions)", sourceLocation: sourceLocation)
        #expect(out.stdout.isEmpty, sourceLocation: sourceLocation)
    }

    @Test func unknownScenario() throws {
        try expectBadInput(["run", "no-such-scenario", "--no-record"], mentions: "no such scenario")
    }

    @Test func badFlags() throws {
        try expectBadInput(["run", "--frobnicate"], mentions: "--frobnicate")
        try expectBadInput(["run", "--speed", "100", "--no-record"], mentions: "0.25 to 64")
        try expectBadInput(["run", "--steps", "0", "--no-record"], mentions: "--steps")
        try expectBadInput(["run", "--model", "gpt-9", "--no-record"], mentions: "gpt-9")
        try expectBadInput(["bench", "everything"], mentions: "everything")
    }

    @Test func negativeNumbersSayWhatIsWrongNotThatAValueIsMissing() throws {
        try expectBadInput(["run", "--steps", "-3", "--no-record"], mentions: "--steps must be at least 1 (got -3)")
        // More than a session file may hold would record a run that could not be replayed.
        try expectBadInput(["run", "--steps", "2000000000000", "--no-record"], mentions: "--steps must be at most 10000000")
        try expectBadInput(["run", "--seed", "-1", "--no-record"], mentions: "'-1' is invalid for '--seed")
        try expectBadInput(["run", "--speed", "-2", "--no-record"], mentions: "0.25 to 64")
        try expectBadInput(["fork", "x.jsonl", "--at", "-1"], mentions: "--at must be a step, 0 or more (got -1)")
        try expectBadInput(["bench", "engine", "--count", "-5"], mentions: "--count must be at least 1 (got -5)")
    }

    @Test func aFileThatIsNoScenarioIsToldApartFromAnUnknownName() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "# Notes\n\nNot a scenario.\n".write(toFile: dir + "/NOTES.md", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/plans", withIntermediateDirectories: true)
        func run(_ name: String) throws -> PalaverProcess.Output { try PalaverProcess.run(["run", name, "--no-record", "--headless"], in: dir) }
        let markdown = try run("NOTES.md")
        #expect(markdown.status == 2)
        #expect(markdown.stderr == "palaver: NOTES.md: not a scenario file: it is a .md file, and a scenario is a YAML file ending in .yaml or .yml (names: palaver list)\n")
        let folder = try run("plans")
        #expect(folder.status == 2)
        #expect(folder.stderr.contains("plans: not a scenario file: it is a directory"))
        let typo = try run("nonesuch")
        #expect(typo.stderr.contains("nonesuch: no such scenario"))
    }

    @Test func invalidScenarioFileNamesFileLineAndField() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/broken.yaml"
        try "name: broken\nagents:\n  - id: a\n    name: A\n".write(toFile: path, atomically: true, encoding: .utf8)
        try expectBadInput(["run", path, "--no-record"], mentions: "\(path):3: agents[0].role")
    }

    @Test func unreadableOrInvalidSessionFiles() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try expectBadInput(["replay", dir + "/missing.jsonl", "--headless"], mentions: "missing.jsonl")
        let notSession = dir + "/notes.jsonl"
        try "{\"hello\":1}\n".write(toFile: notSession, atomically: true, encoding: .utf8)
        try expectBadInput(["replay", notSession, "--headless"], mentions: "\(notSession):1: not a Palaver session")
        let future = dir + "/future.jsonl"
        try "{\"palaver\":\"session\",\"version\":99}\n".write(toFile: future, atomically: true, encoding: .utf8)
        try expectBadInput(["replay", future, "--headless"], mentions: "version 99")
        try expectBadInput(["replay", dir, "--headless"], mentions: "directory")
    }

    @Test func anUnwritableRecordPathIsBadInput() throws {
        try expectBadInput(["run", "--record", "/proc/palaver/x.jsonl", "--steps", "1"], mentions: "/proc/palaver")
    }
}
