import Foundation
import Testing
@testable import PalaverEngine

/// Undoing a drop: the message goes back where it waited, is delivered as if
/// never dropped, and the restore is recorded so replay and fork repeat it.
@Suite struct RestoreTests {
    @Test func aRestoredMessageGoesBackInItsPlaceAndIsDelivered() {
        let (engine, log) = Fixtures.engine(2)
        engine.start(opening: [(.system, Outgoing(to: .one(AgentID(1)), kind: .chat, text: "first")),
                               (.system, Outgoing(to: .one(AgentID(1)), kind: .chat, text: "second")),
                               (.system, Outgoing(to: .one(AgentID(1)), kind: .chat, text: "third"))])
        engine.apply(.drop(messageID: 2))
        #expect(engine.mailbox(of: AgentID(1)).waiting.map(\.text) == ["first", "third"])
        engine.apply(.restore(messageID: 2))
        #expect(engine.mailbox(of: AgentID(1)).waiting.map(\.text) == ["first", "second", "third"], "in id order, as if never dropped")
        #expect(log.events.bodies.contains(.restored(messageID: 2)))
        // Agent 1's turn delivers it.
        Fixtures.answerAll(engine, engine.beginStep())
        Fixtures.answerAll(engine, engine.beginStep())
        #expect(log.events.bodies.contains(.delivered(messageID: 2, to: AgentID(1))))
    }

    @Test func restoreIsRefusedWithAReasonUnlessTheMessageIsDropped() {
        let (engine, log) = Fixtures.engine(2)
        engine.start(opening: [(.system, Outgoing(to: .one(AgentID(0)), kind: .chat, text: "read at once"))])
        engine.apply(.restore(messageID: 1))
        engine.apply(.restore(messageID: 99))
        engine.apply(.drop(messageID: 1))
        engine.apply(.restore(messageID: 1))
        Fixtures.answerAll(engine, engine.beginStep())
        // Delivered now: a second restore has nothing to put back.
        engine.apply(.restore(messageID: 1))
        let reasons = log.events.compactMap { if case .rejected("restore", let r) = $0.body { return r } else { return nil } }
        #expect(reasons.count == 3)
        #expect(reasons[0] == "message 1 is not dropped (it was delivered or is still waiting)")
        #expect(reasons[1] == "there is no message 99")
        #expect(reasons[2].hasPrefix("message 1 is not dropped"))
        #expect(log.events.bodies.contains(.delivered(messageID: 1, to: AgentID(0))))
    }

    @Test func aFullMailboxRefusesTheRestoreAsItWouldANewMessage() {
        let (engine, log) = Fixtures.engine(2, capacity: 1)
        engine.start(opening: [(.system, Outgoing(to: .one(AgentID(1)), kind: .chat, text: "dropped"))])
        engine.apply(.drop(messageID: 1))
        engine.apply(.inject(text: "fills the box", from: .user, to: .one(AgentID(1))))
        engine.apply(.restore(messageID: 1))
        #expect(engine.mailbox(of: AgentID(1)).waiting.map(\.text) == ["fills the box"])
        #expect(Array(log.events.bodies.suffix(2)) == [.restored(messageID: 1), .mailboxFull(agent: AgentID(1), messageID: 1)])
        var projection = Projection()
        for event in log.events { projection.apply(event) }
        #expect(projection.log[0].pending.isEmpty && !projection.log[0].dropped)
    }

    @Test func theProjectionShowsTheRestoredMessageWaitingAgain() {
        let (engine, log) = Fixtures.engine(3)
        engine.start(opening: [(.user, Outgoing(to: .some([AgentID(1), AgentID(2)]), kind: .injected, text: "both"))])
        engine.apply(.drop(messageID: 1))
        var projection = Projection()
        for event in log.events { projection.apply(event) }
        #expect(projection.log[0].dropped && projection.waiting.isEmpty)
        engine.apply(.restore(messageID: 1))
        projection.apply(log.events.last!)
        #expect(!projection.log[0].dropped)
        #expect(projection.log[0].pending.members == [AgentID(1), AgentID(2)])
        #expect(projection.log[0].restoredFor.members == [AgentID(1), AgentID(2)])
        #expect(Array(projection.waiting) == [0])
    }

    /// A parent run on the built-in scenario: a message to Otto is dropped after step 1 and restored after step 2.
    static func recordParent(to path: String) throws -> (events: [Event], id: Int) {
        var id = 0
        let events = try Fixtures.recordSteppedRun(to: path, steps: 8) { engine, step in
            switch step {
            case 2:
                engine.apply(.inject(text: "Otto, legal blocked Friday.", from: .user, to: .one(AgentID(3))))
                id = engine.nextMessageID - 1
                engine.apply(.drop(messageID: id))
            case 3: engine.apply(.restore(messageID: id))
            default: break
            }
        }
        return (events, id)
    }

    @Test func aRestoredMessageReplaysAndForksExactly() throws {
        let path = ForkTests.path("restore")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (events, id) = try Self.recordParent(to: path)
        let parent = events.map(\.withoutWallClock)
        #expect(parent.contains { $0.body == .delivered(messageID: id, to: AgentID(3)) && $0.step == 4 }, "Otto reads it on his turn")
        // Replay reads back exactly what was recorded.
        var reader = try SessionReader(path: path)
        var replayed: [Event] = []
        try reader.forEachEvent { replayed.append($0.withoutWallClock); return true }
        #expect(replayed == parent)
        // Forks after the restore go on exactly like the parent.
        for k in [3, 5] {
            let fork = try ForkTests.fork(path, at: k).map(\.withoutWallClock)
            #expect(fork == parent, "fork at step \(k)")
        }
        // A fork between the drop and the restore holds the dropped message, and can restore it itself.
        let rebuilt = try SessionRebuilder.rebuild(from: events, through: 1, info: reader.info)
        #expect(!rebuilt.engine.mailbox(of: AgentID(3)).contains(id))
        rebuilt.engine.sink = EventLog()
        rebuilt.engine.apply(.restore(messageID: id))
        #expect(rebuilt.engine.mailbox(of: AgentID(3)).contains(id))
    }
}

/// Models for a fork, for all agents or per agent, checked before anything starts.
@Suite struct ModelChoiceTests {
    let agents = Scenario.builtIn.agents

    @Test func oneForAllPerAgentOrBoth() throws {
        #expect(try ModelChoice.parse("offline", agents: agents) == ModelChoice(all: "offline"))
        #expect(try ModelChoice.parse("maya=ollama:llama3", agents: agents) == ModelChoice(perAgent: [0: "ollama:llama3"]))
        let both = try ModelChoice.parse("openai:gpt-4o-mini, Otto=offline", agents: agents)
        #expect(both == ModelChoice(all: "openai:gpt-4o-mini", perAgent: [3: "offline"]))
        var specs = agents
        both.apply(to: &specs)
        #expect(specs.map(\.model) == ["openai:gpt-4o-mini", "openai:gpt-4o-mini", "openai:gpt-4o-mini", "offline"])
        // A replay path may hold '=' after its ':'.
        #expect(try ModelChoice.parse("replay:/tmp/a=b.jsonl", agents: agents).all == "replay:/tmp/a=b.jsonl")
    }

    @Test func mistakesAreNamed() {
        func reason(_ text: String) -> String {
            do { _ = try ModelChoice.parse(text, agents: agents); return "" } catch { return error.reason }
        }
        #expect(reason("ollama").hasPrefix("unknown model 'ollama' (use offline, openai:NAME"))
        #expect(reason("gemini:pro").hasPrefix("unknown provider 'gemini'"))
        #expect(reason("zed=offline").hasPrefix("no agent 'zed' (agents: maya, ravi, lena, otto)"))
        #expect(reason("maya=").hasPrefix("a model is missing after '='"))
        #expect(reason("offline ollama:x").hasPrefix("two models for all agents"))
        #expect(reason("maya=offline maya=ollama:x") == "two models for maya")
    }

    @Test func aForkTakesAModelPerAgent() throws {
        let path = ForkTests.path("per-agent-model")
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try ForkTests.record(.builtIn, steps: 4, to: path)
        // Providers are those the run's catalog has: with a fake one registered, Ravi alone switches to it.
        var catalog = ModelCatalog()
        catalog.register("fake") { _, _ in OfflineModel() }
        let run = try SessionRun(forking: path, at: 2, options: .init(speed: .fastest, model: "ravi=fake:one", catalog: catalog))
        #expect(run.info.agents.map(\.model) == ["offline", "fake:one", "offline", "offline"])
        #expect(throws: ModelCatalog.Failure.self) { try SessionRun(forking: path, at: 2, options: .init(model: "zed=offline")) }
        #expect(throws: ModelCatalog.Failure.self) { try SessionRun(forking: path, at: 2, options: .init(model: "ravi=fake:one")) }
    }
}
