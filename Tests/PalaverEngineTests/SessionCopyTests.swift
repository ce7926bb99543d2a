import Foundation
import Testing
@testable import PalaverEngine

/// `:save PATH` copies the session so far: whole lines, to a new file only.
@Suite struct SessionCopyTests {
    func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "palaver-copy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func copiesWholeLinesOfASessionStillBeingWritten() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = dir + "/live.jsonl"
        try "{\"a\":1}\n{\"b\":2}\n{\"c\":".write(toFile: source, atomically: true, encoding: .utf8)
        let bytes = try SessionCopy.copy(source, to: dir + "/copy.jsonl")
        #expect(bytes == 16)
        #expect(try String(contentsOfFile: dir + "/copy.jsonl", encoding: .utf8) == "{\"a\":1}\n{\"b\":2}\n")
    }

    @Test func aRealSessionCopyReplaysLikeTheOriginal() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SessionCopy.copy("sessions/examples/ship-it.jsonl", to: dir + "/ship.jsonl")
        let original = try SessionPlayer(path: "sessions/examples/ship-it.jsonl")
        let copy = try SessionPlayer(path: dir + "/ship.jsonl")
        original.scan()
        copy.scan()
        #expect(copy.eventCount == original.eventCount)
    }

    @Test func refusesToOverwriteOrToWriteWhereItCannot() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = dir + "/live.jsonl"
        try "{}\n".write(toFile: source, atomically: true, encoding: .utf8)
        try "keep me\n".write(toFile: dir + "/taken.jsonl", atomically: true, encoding: .utf8)
        func failure(_ destination: String) -> String {
            do { try SessionCopy.copy(source, to: destination); return "copied" } catch { return error.description }
        }
        #expect(failure(dir + "/taken.jsonl") == "\(dir)/taken.jsonl already exists: choose another name (nothing was overwritten)")
        #expect(try String(contentsOfFile: dir + "/taken.jsonl", encoding: .utf8) == "keep me\n")
        #expect(failure(dir).hasPrefix("\(dir) is a directory"))
        #expect(failure(dir + "/no/such/folder/x.jsonl").contains("cannot write \(dir)/no/such/folder/x.jsonl: no such file or directory"))
        #expect(failure(source) .contains("already exists"))
    }
}
