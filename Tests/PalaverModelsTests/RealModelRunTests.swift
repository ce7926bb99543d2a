import Foundation
import Testing
@testable import PalaverEngine
@testable import PalaverModels

/// Whole runs with agents on an HTTP model: faults survived, secrets kept.
@Suite(.serialized) struct RealModelRunTests {
    static let key = "sk-live-DO-NOT-LEAK-7a8b9c"

    func catalog(_ server: LoopbackChatServer, key: String? = RealModelRunTests.key) -> ModelCatalog {
        var catalog = ModelCatalog()
        var options = NetworkModels.Options(baseURL: server.baseURL)
        options.environment = key.map { ["OPENAI_API_KEY": $0] } ?? [:]
        NetworkModels.register(into: &catalog, options: options)
        return catalog
    }

    @Test func aRunRecordsRepliesRetriesAndNeverTheKey() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        server.queue(.status(503, retryAfter: nil), .none, .jsonError(500, "boom with \(Self.key)"), .jsonError(500, "again"),
                     .jsonError(500, "and again"), .jsonError(500, "still"), .jsonError(500, "gone"))
        let path = NSTemporaryDirectory() + "palaver-real-\(getpid()).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }

        let log = EventLog()
        let run = try SessionRun(scenario: .builtIn,
                                 options: .init(maxSteps: 4, speed: .fastest, model: "openai:fake-model", recordPath: path, catalog: catalog(server)),
                                 sinks: [log])
        await run.runDetached()
        let events = log.events
        #expect(events.contains { if case .retrying = $0.body { return true } else { return false } })
        // Maya's first call was retried and answered; Ravi's failed for good; the others went on.
        let speakers = Set(events.sentMessages.compactMap(\.sender.agent))
        #expect(speakers.contains(AgentID(0)))
        #expect(events.contains { if case .agentError(AgentID(1), _) = $0.body { return true } else { return false } })
        #expect(speakers.contains(AgentID(2)) && speakers.contains(AgentID(3)))
        // The key went to the server, and nowhere else.
        #expect(server.requests.first?.head.headers.first(name: "Authorization") == "Bearer \(Self.key)")
        let file = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!file.contains(Self.key))
        var transcript: [String] = []
        let replay = TranscriptPrinter { transcript.append($0) }
        for event in events { replay.receive(event) }
        #expect(!transcript.joined(separator: "\n").contains(Self.key))
        #expect(file.contains("[redacted]"))
    }

    @Test func aMissingKeyIsAnErrorBeforeTheRunStarts() throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        #expect(throws: ModelCatalog.Failure.self) {
            _ = try SessionRun(scenario: .builtIn, options: .init(maxSteps: 2, speed: .fastest, model: "openai:fake-model", catalog: catalog(server, key: nil)))
        }
        #expect(server.requestCount == 0)
    }

    @Test func modelsListsWhatTheServerOffers() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        let models = try await NetworkModels.listModels(baseURL: server.baseURL, apiKey: nil)
        #expect(models == ["fake-model", "other-model"])
    }

    @Test func ollamaHostIsNormalised() {
        var options = NetworkModels.Options()
        options.environment = ["OLLAMA_HOST": "127.0.0.1:11434"]
        #expect(NetworkModels.baseURL(for: "ollama", options: options) == "http://127.0.0.1:11434/v1")
        options.environment = [:]
        #expect(NetworkModels.baseURL(for: "ollama", options: options) == "http://localhost:11434/v1")
        options.environment = ["OPENAI_BASE_URL": "http://gateway:8080/v1"]
        #expect(NetworkModels.baseURL(for: "openai", options: options) == "http://gateway:8080/v1")
        options.baseURL = "http://flag/v1"
        #expect(NetworkModels.baseURL(for: "openai", options: options) == "http://flag/v1")
    }
}

extension Array where Element == Event {
    var sentMessages: [Message] {
        compactMap { if case .messageSent(let m) = $0.body { return m } else { return nil } }
    }
}

@Suite struct ConcurrencyTests {
    /// Looser than the benchmark (which wants 200 agents in ≤ 1 s in a release build, alone on
    /// the machine): every agent's call is answered, and many are in flight at the same moment.
    @Test func manyAgentsCallOneEndpointAtOnce() async throws {
        let result = try await ModelsBenchmark.run(agents: 30, latency: 0.4)
        #expect(result.replies == 30)
        #expect(result.requests == 30)
        #expect(result.peakConcurrency >= 10)
        #expect(result.roundSeconds < 12)
    }
}
