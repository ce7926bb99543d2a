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
