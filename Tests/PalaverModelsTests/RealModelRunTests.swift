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

    /// Pauses the run once the first call has reached the server, and resumes it a while after the call was cancelled.
    final class PauseOnFirstCall: EventSink, @unchecked Sendable {
        let lock = NSLock()
        var inbox: Inbox?
        var server: LoopbackChatServer?
        private var seen: [Event] = []
        private var paused = false
        var events: [Event] { lock.withLock { seen } }

        func receive(_ event: Event) {
            lock.withLock { seen.append(event) }
            switch event.body {
            case .callStarted where !paused:
                paused = true
                let inbox = self.inbox, server = self.server
                Thread.detachNewThread {
                    while (server?.requestCount ?? 1) == 0 { Thread.sleep(forTimeInterval: 0.005) }
                    inbox?.post(.pause)
                }
            case .callCancelled:
                let inbox = self.inbox
                Thread.detachNewThread {
                    Thread.sleep(forTimeInterval: 0.4)
                    inbox?.post(.resume)
                }
            default:
                break
            }
        }
    }

    @Test func pausingCancelsCallsInFlightAndResumingAsksAgain() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        server.latency = 1.0
        server.reply = "One two three four."
        let sink = PauseOnFirstCall()
        let run = try SessionRun(scenario: .builtIn,
                                 options: .init(maxSteps: 1, speed: .fastest, model: "openai:fake-model", catalog: catalog(server)),
                                 sinks: [sink])
        sink.inbox = run.inbox
        sink.server = server
        await run.runDetached()
        let events = sink.events
        func index(_ match: (Event.Body) -> Bool) -> Int? { events.firstIndex { match($0.body) } }
        let pause = try #require(index { $0 == .control(.pause) })
        let cancelled = try #require(index { if case .callCancelled(AgentID(0), "paused") = $0 { true } else { false } })
        let resume = try #require(index { $0 == .control(.resume) })
        // Cancelled at once, in the same breath as the pause, long before the server would have answered.
        #expect(cancelled == pause + 1)
        // Nothing streams while paused; after resuming, the call is asked again and its reply arrives whole.
        #expect(!events[cancelled..<resume].contains { if case .tokenDelta = $0.body { true } else { false } })
        #expect(events.sentMessages.first { $0.sender == .agent(AgentID(0)) }?.text == "One two three four.")
        #expect(server.requestCount == 2)
        #expect(server.abandonedCount == 1)
        // The recording, cancellation and all, rebuilds exactly (a fork can start from it).
        let rebuilt = try SessionRebuilder.rebuild(from: events, through: 1, info: run.info)
        #expect(rebuilt.events.count == events.count - 1)
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
    /// The benchmark measures the time (200 agents, ≤ 1 s, release build); this test asserts the
    /// behaviour behind it: every agent's call is answered, and many are in flight at the same moment.
    @Test func manyAgentsCallOneEndpointAtOnce() async throws {
        let result = try await ModelsBenchmark.run(agents: 30, latency: 0.4)
        #expect(result.replies == 30)
        #expect(result.requests == 30)
        #expect(result.peakConcurrency >= 10)
    }
}
