import Testing
@testable import PalaverEngine

@Suite struct ProjectionTests {
    @Test func foldsAgentStatusStreamingTextLogEdgesAndTotals() {
        let (engine, log) = Fixtures.engine(3)
        engine.start(opening: [(.system, Outgoing(to: .all, kind: .system, text: "begin"))])
        let turns = engine.beginStep()
        var projection = Projection()
        for event in log.events { projection.apply(event) }
        #expect(projection.info?.agents.count == 3)
        #expect(projection.agents[0].status == .thinking)
        engine.streamToken("Hello", for: turns[0].agent)
        engine.streamToken(" there", for: turns[0].agent)
        for event in log.events.suffix(2) { projection.apply(event) }
        #expect(projection.agents[0].status == .streaming)
        #expect(projection.agents[0].streaming == "Hello there")

        engine.finishTurn(of: AgentID(0), text: "Hello there", usage: Usage(model: "offline", promptTokens: 10, completionTokens: 2, latencyMs: 250))
        var fresh = Projection()
        for event in log.events { fresh.apply(event) }
        #expect(fresh.agents[0].status == .idle)
        #expect(fresh.agents[0].streaming == "")
        #expect(fresh.agents[0].completionTokens == 2)
        #expect(fresh.agents[0].lastLatencyMs == 250)
        #expect(fresh.totalTokens == 12)
        #expect(fresh.log.map(\.message.text) == ["begin", "Hello there"])
        // "begin" was delivered to agent 0 only so far.
        #expect(fresh.log[0].deliveries == 1)
        #expect(fresh.edges[.init(from: .agent(AgentID(0)), to: AgentID(1))] == 1)
        #expect(fresh.edges[.init(from: .agent(AgentID(0)), to: AgentID(2))] == 1)
        #expect(fresh.edges[.init(from: .system, to: AgentID(0))] == 1)
        #expect(fresh.agents[0].recent == [2])
        #expect(fresh.eventCount == log.events.count)
    }

    @Test func showsEditsDropsMutesTakeoversErrorsAndRejections() {
        let (engine, log) = Fixtures.engine(2)
        engine.start(opening: [(.system, Outgoing(to: .one(AgentID(1)), kind: .chat, text: "waiting"))])
        engine.apply(.edit(messageID: 1, text: "changed"))
        engine.apply(.inject(text: "extra", from: .user, to: .one(AgentID(1))))
        engine.apply(.drop(messageID: 2))
        engine.apply(.drop(messageID: 42))
        engine.apply(.mute(AgentID(0)))
        engine.apply(.takeOver(AgentID(1)))
        _ = engine.beginStep()
        var p = Projection()
        for event in log.events { p.apply(event) }
        #expect(p.log[0].message.text == "changed")
        #expect(p.log[0].edited)
        #expect(p.log[1].dropped)
        #expect(p.agents[0].muted)
        #expect(p.agents[1].takenOver)
        #expect(p.agents[1].status == .awaitingUser)
        #expect(p.notices.last?.text == "can't drop: there is no message 42")
        engine.apply(.handBack(AgentID(1)))
        for event in log.events.suffix(2) { p.apply(event) }
        #expect(log.events.suffix(2).map(\.body) == [.takeover(agent: AgentID(1), active: false), .callStarted(agent: AgentID(1), model: "offline", context: CallContext(window: [1]))])
        #expect(!p.agents[1].takenOver)
        // Handed back while its turn waited: the model answers it (no error).
        #expect(p.agents[1].status == .thinking)
        #expect(p.agents[1].lastError == nil)
    }

    @Test func theSameEventsAlwaysGiveTheSameProjection() throws {
        // Two runs of the same scenario and seed, folded independently, show the same screen.
        var folds: [Fingerprint] = []
        for _ in 0..<2 {
            let log = EventLog()
            let run = try SessionRun(scenario: .builtIn, options: .init(seed: 5, maxSteps: 10, speed: .fastest), sinks: [log])
            run.run()
            var p = Projection()
            for event in log.events { p.apply(event.withTime(0)) }
            #expect(p.log.count > 5)
            folds.append(Fingerprint(p))
        }
        #expect(folds[0] == folds[1])
    }

    @Test func eachLogEntryKnowsWhoStillHasItPending() {
        let (engine, log) = Fixtures.engine(3, capacity: 2)
        engine.start(opening: [(.agent(AgentID(0)), Outgoing(to: .all, text: "first"))])
        var p = Projection()
        for event in log.events { p.apply(event) }
        #expect(p.log[0].pending.members == [AgentID(1), AgentID(2)], "a broadcast waits for everyone but its sender")
        // Agent 2's mailbox (capacity 2) fills up: the third message never reaches it.
        engine.apply(.inject(text: "second", from: .user, to: .one(AgentID(2))))
        engine.apply(.inject(text: "third", from: .user, to: .some([AgentID(1), AgentID(2)])))
        _ = engine.beginStep() // agent 0 acts, nothing delivered to 1 or 2
        engine.apply(.edit(messageID: 1, text: "first, edited"))
        var q = Projection()
        for event in log.events { q.apply(event) }
        #expect(q.log[1].pending.members == [AgentID(2)])
        #expect(q.log[2].pending.members == [AgentID(1)], "refused by agent 2's full mailbox: not waiting there for ever")
        #expect(q.log[0].originalText == "first")
        #expect(q.log[0].readBeforeEdit.isEmpty, "nobody had read it")
        engine.apply(.drop(messageID: 3))
        var r = Projection()
        for event in log.events { r.apply(event) }
        #expect(r.log[2].pending.isEmpty && r.log[2].dropped)
        #expect(r.log[2].droppedFor.members == [AgentID(1)])
    }

}

extension Event {
    /// The same event with its wall-clock stamps zeroed, for comparing runs.
    func withTime(_ t: Double) -> Event {
        var copy = self
        copy.time = t
        switch body {
        case .messageSent(let m): copy.body = .messageSent(Message(id: m.id, step: m.step, time: t, sender: m.sender, recipients: m.recipients, kind: m.kind, text: m.text, metadata: m.metadata.map { var md = $0; md.latencyMs = 0; return md }, author: m.author, coordination: m.coordination))
        case .injected(let m): copy.body = .injected(Message(id: m.id, step: m.step, time: t, sender: m.sender, recipients: m.recipients, kind: m.kind, text: m.text, metadata: m.metadata, author: m.author, coordination: m.coordination))
        case .callFinished(let agent, var usage): usage.latencyMs = 0; copy.body = .callFinished(agent: agent, usage: usage)
        case .sessionEnded(var summary): summary.durationSeconds = 0; copy.body = .sessionEnded(summary)
        default: break
        }
        return copy
    }
}
