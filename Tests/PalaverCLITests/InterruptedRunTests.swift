import Foundation
import Testing
import PalaverEngine

/// A run stopped from outside leaves a session that reads back.
@Suite struct InterruptedRunTests {
    func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PalaverProcess.binary).standardizedFileURL
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    func waitForFile(_ path: String, minimumBytes: Int) {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            if size >= minimumBytes { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    @Test func aRunKilledMidWriteLeavesOnlyValidCompleteLines() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/killed.jsonl"
        let process = try start(["run", "--steps", "100000", "--speed", "max", "--record", path, "--headless"])
        waitForFile(path, minimumBytes: 200_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        var reader = try SessionReader(path: path)
        let events = try reader.readAll()
        #expect(events.count > 500)
        // At most the last line is torn, and the reader says so rather than failing.
        #expect(reader.warnings.count <= 1)
    }

    @Test func ctrlCStopsCleanlyWithACompleteSession() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/stopped.jsonl"
        let process = try start(["run", "--steps", "100000", "--speed", "64", "--record", path, "--headless"])
        waitForFile(path, minimumBytes: 4_000)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        var reader = try SessionReader(path: path)
        let events = try reader.readAll()
        #expect(reader.warnings.isEmpty)
        guard case .sessionEnded(let summary)? = events.last?.body else {
            Issue.record("the session does not end with session_ended")
            return
        }
        #expect(summary.reason == .stopped)
    }
}
