import Foundation
import Testing
@testable import PalaverEngine
@testable import PalaverModels

/// What an agent's model is actually sent, read from the request the server captured.
@Suite(.serialized) struct ConversationTruthTests {
    func catalog(_ server: LoopbackChatServer) -> ModelCatalog {
        var catalog = ModelCatalog()
        var options = NetworkModels.Options(baseURL: server.baseURL)
        options.environment = ["OPENAI_API_KEY": "sk-test-key-for-truth"]
        NetworkModels.register(into: &catalog, options: options)
        return catalog
    }

    static let trio = Scenario.trio()
}

extension Scenario {
    /// Three agents, one with `name_prefix` (Zoë), taking turns against the loopback server.
    static func trio(contextTokens: Int? = nil, opening: String = "Plan the release.") -> Scenario {
        var zoe = AgentSpec(id: "zoe", name: "Zoë", role: "tester")
        zoe.namePrefix = true
        var ada = AgentSpec(id: "ada", name: "Ada", role: "planner")
        ada.contextTokens = contextTokens
        return Scenario(
        name: "truth", title: "Who goes first?", turnRule: .roundRobin, maxSteps: 7,
        engine: EngineConfiguration(mailboxCapacity: 16, memorySize: 50, replyTo: .all),
        agents: [ada, AgentSpec(id: "lin", name: "林晓", role: "engineer"), zoe],
        opening: [.init(from: .user, to: .all, text: opening)])
    }
}

extension ConversationTruthTests {
    /// Runs the trio against the loopback server, each reply naming its turn so turns can be told apart.
    func run(_ scenario: Scenario, server: LoopbackChatServer) async throws -> [Event] {
        let log = EventLog()
        let run = try SessionRun(scenario: scenario, options: .init(speed: .fastest, model: "openai:fake-model", catalog: catalog(server)),
                                 sinks: [log])
        await run.runDetached()
        return log.events
    }

    /// The `messages` of a captured request body, as role/name/content triples.
    func messages(inBody body: String) throws -> [[String: String]] {
        let object = try #require(try JSONParser.parse(body).object)
        let list = try #require(object["messages"]?.array)
        return list.map(Self.strings)
    }

    static func strings(_ entry: JSONValue) -> [String: String] {
        var out: [String: String] = [:]
        for field in entry.object?.fields ?? [] { out[field.key] = field.value.string ?? "" }
        return out
    }

    @Test func agentsHearTheirOwnEarlierRepliesAsAssistantInOrder() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        _ = try await run(Self.trio, server: server)
        let bodies = server.requests.map(\.body)
        #expect(bodies.count == 7)
        // Ada speaks at steps 1, 4 and 7: her third request holds her two earlier replies, in order among the others'.
        let adaLast = try messages(inBody: bodies[6])
        let adaRoles = adaLast.map { $0["role"] ?? "" }
        #expect(adaRoles == ["system", "user", "assistant", "user", "user", "assistant", "user", "user"])
        #expect(adaLast.filter { $0["role"] == "assistant" }.allSatisfy { $0["name"] == nil && $0["content"] == server.reply })
        // Every speaker keeps a valid name: 林晓 is transliterated, Zoë loses only her diaeresis.
        #expect(adaLast.compactMap { $0["name"] } == ["you", "lin_xiao", "Zoe", "lin_xiao", "Zoe"])
        let assistantCounts = try bodies.map { try messages(inBody: $0).filter { $0["role"] == "assistant" }.count }
        #expect(assistantCounts == [0, 0, 0, 1, 1, 1, 2])
    }

    @Test func theJSONExportIsWhatWasSent() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        let events = try await run(Self.trio, server: server)
        let bodies = server.requests.map(\.body)
        let export = try #require(try JSONParser.parse(SessionExporter.export(events, format: .json)).object)
        let agents = try #require(export["agents"]?.array)
        // Each agent's last request, plus the reply it got, is its whole exported conversation
        // (what was sent to it after its last turn was never delivered, so it never saw it).
        for (index, requestIndex) in [(0, 6), (1, 4), (2, 5)] {
            let exported = try #require(agents[index].object?["messages"]?.array).map(Self.strings)
            let sent = try messages(inBody: bodies[requestIndex])
            #expect(Array(exported.dropLast()) == sent, "agent \(index)")
            #expect(exported.last == ["role": "assistant", "content": server.reply])
        }
    }

    @Test func nameprefixPutsTheSpeakerInTheTextForThoseWhoAskForIt() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        _ = try await run(Self.trio, server: server)
        let zoeFirst = try messages(inBody: server.requests[2].body)
        #expect(zoeFirst.dropFirst().map { $0["content"] ?? "" } == ["User: Plan the release.", "Ada: \(server.reply)", "林晓: \(server.reply)"])
        // Ada did not ask for it.
        let adaSecond = try messages(inBody: server.requests[3].body)
        #expect(adaSecond[3]["content"] == server.reply)
    }

    @Test func aLongConversationIsTrimmedToTheContextWindowKeepingTheNewest() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        server.reply = String(repeating: "word ", count: 60) + "end."
        // Ada's window: 700 tokens, 512 of them kept for the reply.
        _ = try await run(.trio(contextTokens: 700), server: server)
        let sent = try messages(inBody: server.requests[6].body)
        let estimate = sent.reduce(0) { $0 + TokenEstimate.tokens(in: $1["content"] ?? "") + 4 }
        #expect(estimate <= 700 - 512)
        #expect(sent.first?["role"] == "system")
        // The newest turn (Zoë's, at step 6) is there; the opening was left out.
        #expect(sent.last?["name"] == "Zoe")
        #expect(!sent.contains { $0["content"] == "Plan the release." })
        #expect(sent.count < 8)
    }
}
