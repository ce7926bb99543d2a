import Foundation
import Testing
import PalaverEngine
import PalaverModels

/// Palaver against a real llama.cpp server (llama-cpp-python with SmolLM2-135M-Instruct, installed by
/// `scripts/llama-server install`), through a proxy that keeps what was actually sent. Skipped, saying
/// why, where the server is not installed.
@Suite(.serialized, .enabled(if: LlamaServer.venv != nil, Comment(rawValue: LlamaServer.unavailable)))
struct LlamaServerEndToEndTests {
    /// Three agents in turn, one with a name in Chinese, one who asks for `Name: ` in the text;
    /// short replies, so a run costs seconds even on a slow machine.
    static let scenario = """
        name: llama-e2e
        title: Where should the team picnic be?
        turns: round-robin
        max_steps: 6
        agents:
          - {id: ada, name: Ada, role: planner, persona: "The park by the river has shade and tables.", max_tokens: 24, context_tokens: 2048}
          - {id: lin, name: 林晓, role: engineer, persona: "I want somewhere we can reach by train.", max_tokens: 24, context_tokens: 2048}
          - {id: zoe, name: Zoë, role: tester, persona: "Rain is forecast, so we need a roof.", max_tokens: 24, context_tokens: 2048, name_prefix: true}
        opening:
          - {from: user, to: all, text: "Where should we hold the team picnic on Saturday?"}
        """
    static let names = ["Ada", "林晓", "Zoë"]
    static let environment = ["OPENAI_API_KEY": "none"]

    @Test func aRunCompletesSendsEachAgentItsOwnTurnsAndReplaysWithTheServerGone() async throws {
        let setup = try await Self.startProxiedServer()
        defer { setup.tearDown() }
        let (dir, server, proxy) = (setup.dir, setup.server, setup.proxy)
        let session = dir + "/run.jsonl"
        let run = try PalaverProcess.run(["run", dir + "/llama-e2e.yaml", "--model", "openai:smollm2", "--base-url", proxy.baseURL,
                                          "--record", session, "--headless"], environment: Self.environment)
        #expect(run.status == 0, "\(run.stderr)")

        // Every agent answered both its turns, with words, and nothing failed.
        var reader = try SessionReader(path: session)
        let events = try reader.readAll()
        // What was said, in order: the opening (put on the bus as the user's) and every reply.
        let sent = events.compactMap { event -> Message? in
            switch event.body {
            case .messageSent(let m), .injected(let m): m
            default: nil
            }
        }
        #expect(!events.contains { if case .agentError = $0.body { true } else { false } })
        for agent in 0..<3 {
            let replies = sent.filter { $0.sender == .agent(AgentID(agent)) }
            #expect(replies.count == 2, "\(Self.names[agent])")
            #expect(replies.allSatisfy { !$0.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }, "\(Self.names[agent])")
        }

        // Each agent's last request, as the server got it, holds the whole conversation before it in order:
        // its own turns as assistant, the others' as user with a valid name (林晓 too), Zoë's with `Name: `.
        let requests = try proxy.requests.map(Self.chatRequest)
        #expect(requests.allSatisfy { $0.model == "smollm2" })
        let wireNames = ["Ada", "lin_xiao", "Zoe"]
        for agent in 0..<3 {
            let own = requests.filter { $0.messages.first?["content"]?.hasPrefix("You are \(Self.names[agent]),") == true }
            let last = try #require(own.last, "no request for \(Self.names[agent])")
            // Turns are taken one at a time: what was said before the agent's second reply is what it was sent.
            let second = try #require(sent.indices.filter { sent[$0].sender == .agent(AgentID(agent)) }.dropFirst().first)
            let before = sent[..<second]
            let expected = before.map { message -> [String: String] in
                if message.sender == .agent(AgentID(agent)) { return ["role": "assistant", "content": message.text] }
                let speaker = message.sender.agent.map { Self.names[$0.index] } ?? "User"
                let name = message.sender.agent.map { wireNames[$0.index] } ?? "you"
                return ["role": "user", "name": name, "content": agent == 2 ? "\(speaker): \(message.text)" : message.text]
            }
            #expect(Array(last.messages.dropFirst()) == Array(expected), "\(Self.names[agent])")
            #expect(last.messages.filter { $0["role"] == "assistant" }.count == 1, "\(Self.names[agent])")
        }
        let names = requests.flatMap { $0.messages.compactMap { $0["name"] } }
        #expect(names.contains("lin_xiao"))
        #expect(names.allSatisfy { $0.range(of: "^[A-Za-z0-9_-]{1,64}$", options: .regularExpression) != nil })

        // The JSON export is what was sent: each agent's last request, plus the reply it got.
        let export = try PalaverProcess.run(["export", session, "--format", "json"])
        let agents = try #require((try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: Any])?["agents"] as? [[String: Any]])
        for agent in 0..<3 {
            let own = requests.filter { $0.messages.first?["content"]?.hasPrefix("You are \(Self.names[agent]),") == true }
            let exported = (agents[agent]["messages"] as? [[String: Any]] ?? []).map(Self.strings)
            #expect(Array(exported.dropLast()) == own.last?.messages, "\(Self.names[agent])")
        }

        // With the server gone, the recording replays exactly what the live run printed.
        server.stop()
        #expect((try? await NetworkModels.listModels(baseURL: server.baseURL, apiKey: nil, timeout: 2)) == nil)
        let replay = try PalaverProcess.run(["replay", session, "--headless"])
        #expect(replay.status == 0)
        #expect(replay.stdout == run.stdout)
    }

    /// Pauses once the first reply is streaming, resumes as soon as the call is cancelled.
    final class PauseWhileStreaming: EventSink, @unchecked Sendable {
        let lock = NSLock()
        var inbox: Inbox?
        private var seen: [Event] = []
        private var paused = false
        var events: [Event] { lock.withLock { seen } }

        func receive(_ event: Event) {
            lock.withLock { seen.append(event) }
            let inbox = self.inbox
            switch event.body {
            case .tokenDelta where !paused:
                paused = true
                Thread.detachNewThread { inbox?.post(.pause) }
            case .callCancelled:
                Thread.detachNewThread { inbox?.post(.resume) }
            default:
                break
            }
        }
    }

    @Test func pausingCancelsTheCallStreamingFromTheServerAndResumingAsksAgain() async throws {
        let setup = try await Self.startProxiedServer()
        defer { setup.tearDown() }
        let (dir, server, proxy) = (setup.dir, setup.server, setup.proxy)
        var catalog = ModelCatalog()
        var options = NetworkModels.Options(baseURL: proxy.baseURL)
        options.environment = Self.environment
        NetworkModels.register(into: &catalog, options: options)
        let sink = PauseWhileStreaming()
        let run = try SessionRun(scenario: ScenarioLoader().load(path: dir + "/llama-e2e.yaml"),
                                 options: .init(maxSteps: 1, speed: .fastest, model: "openai:smollm2", catalog: catalog), sinks: [sink])
        sink.inbox = run.inbox
        await run.runDetached()

        let events = sink.events
        func index(_ match: (Event.Body) -> Bool) -> Int? { events.firstIndex { match($0.body) } }
        let firstToken = try #require(index { if case .tokenDelta = $0 { true } else { false } })
        let pause = try #require(index { $0 == .control(.pause) })
        let cancelled = try #require(index { if case .callCancelled(AgentID(0), "paused") = $0 { true } else { false } })
        let resume = try #require(index { $0 == .control(.resume) })
        // The call was streaming when paused, and was cancelled in the same breath; nothing streamed while paused.
        #expect(firstToken < pause && cancelled == pause + 1 && cancelled < resume)
        #expect(!events[cancelled..<resume].contains { if case .tokenDelta = $0.body { true } else { false } })
        // On resume the same request went to the server again, and its reply arrived whole.
        let requests = proxy.requests
        #expect(requests.count == 2)
        #expect(requests.first == requests.last)
        let reply = events.compactMap { if case .messageSent(let m) = $0.body, m.sender == .agent(AgentID(0)) { m.text } else { nil } }
        #expect(reply.count == 1 && !(reply.first ?? "").isEmpty)
    }
}

extension LlamaServerEndToEndTests {
    /// What each test starts from: a temporary directory holding the scenario (and the server's log),
    /// a server started there, and the proxy that keeps what was sent to it.
    struct ProxiedServer {
        let dir: String
        let server: LlamaServer
        let proxy: RecordingProxy

        /// Proxy first, then the server (which writes its log into the directory), then the directory.
        func tearDown() {
            proxy.shutdown()
            server.stop()
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    static func startProxiedServer() async throws -> ProxiedServer {
        let dir = try PalaverProcess.temporaryDirectory()
        // Until the caller holds the setup and its tearDown, a failure here cleans up after itself.
        var started = false
        defer { if !started { try? FileManager.default.removeItem(atPath: dir) } }
        try scenario.write(toFile: dir + "/llama-e2e.yaml", atomically: true, encoding: .utf8)
        let server = try await LlamaServer(logDirectory: dir)
        defer { if !started { server.stop() } }
        let proxy = try RecordingProxy(upstreamPort: server.port)
        started = true
        return ProxiedServer(dir: dir, server: server, proxy: proxy)
    }

    struct ChatRequest {
        var model: String
        var messages: [[String: String]]
    }

    static func chatRequest(_ body: String) throws -> ChatRequest {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "\(body)")
        let messages = try #require(object["messages"] as? [[String: Any]], "\(body)")
        return ChatRequest(model: object["model"] as? String ?? "", messages: messages.map(strings))
    }

    static func strings(_ entry: [String: Any]) -> [String: String] {
        entry.compactMapValues { $0 as? String }
    }
}
