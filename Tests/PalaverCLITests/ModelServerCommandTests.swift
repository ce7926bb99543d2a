import Foundation
import Testing
import PalaverModels

/// The command line against model servers that are missing or failing.
@Suite struct ModelServerCommandTests {
    /// Nothing listens on the discard port of the loopback address.
    static let deadServer = "http://127.0.0.1:9/v1"

    @Test func aRunAgainstAServerThatIsNotThereStopsBeforeItStarts() throws {
        let out = try PalaverProcess.run(["run", "debate", "--model", "ollama:smol", "--base-url", Self.deadServer,
                                          "--steps", "3", "--no-record", "--headless"])
        #expect(out.status == 2)
        #expect(out.stdout.isEmpty)
        let lines = out.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("nothing is listening at \(Self.deadServer)") == true)
    }

    @Test func aRunWhoseEveryCallFailedExitsNonZero() throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        server.queue(.emptyBody, .emptyBody, .emptyBody, .emptyBody, .emptyBody, .emptyBody)
        let out = try PalaverProcess.run(["run", "debate", "--model", "ollama:smol", "--base-url", server.baseURL,
                                          "--steps", "3", "--no-record", "--headless"])
        #expect(out.status == 1)
        #expect(out.stdout.contains("empty reply (HTTP 200, no body)"))
        #expect(out.stderr.contains("every model call of this run failed ("))
        #expect(out.stderr.contains("model calls, none answered)"))
    }

    @Test func modelsSaysAtOnceThatNothingListens() throws {
        let out = try PalaverProcess.run(["models", "ollama", "--base-url", Self.deadServer])
        #expect(out.status == 2)
        #expect(out.stderr.contains("nothing is listening at \(Self.deadServer) (connection refused)"))
    }

    @Test func headlessLinesArriveWhileTheRunIsStillGoing() throws {
        // At 1× the debate takes many seconds: its first lines must be readable long before it ends.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PalaverProcess.binary).standardizedFileURL
        process.arguments = ["run", "debate", "--speed", "1", "--steps", "30", "--no-record", "--headless"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() }; process.waitUntilExit() }
        var received = Data()
        while !received.contains(UInt8(ascii: "\n")) {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            received += data
        }
        #expect(process.isRunning)
        #expect(String(decoding: received, as: UTF8.self).hasPrefix("palaver · debate · "))
    }
}
