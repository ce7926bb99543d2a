import Testing
@testable import PalaverEngine

@Suite struct CommandTests {
    @Test func injectReachesOneSeveralOrAllAndJumpsTheQueue() {
        let (engine, log) = Fixtures.engine(3)
        engine.start(opening: [(.system, Outgoing(to: .one(AgentID(0)), kind: .chat, text: "ordinary"))])
        engine.apply(.inject(text: "to one", from: .user, to: .one(AgentID(0))))
        engine.apply(.inject(text: "to two", from: .user, to: .some([AgentID(1), AgentID(2)])))
        engine.apply(.inject(text: "to all", from: .user, to: .all))
        #expect(engine.mailbox(of: AgentID(0)).waiting.map(\.text) == ["to one", "to all", "ordinary"])
        #expect(engine.mailbox(of: AgentID(1)).waiting.map(\.text) == ["to two", "to all"])
        #expect(engine.mailbox(of: AgentID(2)).waiting.map(\.text) == ["to two", "to all"])
        let injected = log.events.compactMap { if case .injected(let m) = $0.body { return m } else { return nil } }
        #expect(injected.map(\.text) == ["to one", "to two", "to all"])
        #expect(injected.allSatisfy { $0.kind == .injected && $0.sender == .user })
    }

    @Test func injectAsAnAgentSpeaksInItsName() {
        let (engine, _) = Fixtures.engine(3)
        engine.start()
        engine.apply(.inject(text: "I said this", from: .agent(AgentID(1)), to: .all))
        #expect(engine.mailbox(of: AgentID(1)).isEmpty)
        #expect(engine.mailbox(of: AgentID(0)).waiting.first?.sender == .agent(AgentID(1)))
    }

    @Test func injectToAnUnknownAgentOrEmptyTextIsRejected() {
        let (engine, log) = Fixtures.engine(2)
        engine.start()
        engine.apply(.inject(text: "hi", from: .user, to: .one(AgentID(7))))
        engine.apply(.inject(text: "   ", from: .user, to: .all))
        let rejections = log.events.compactMap { if case .rejected(let c, let r) = $0.body { return "\(c): \(r)" } else { return nil } }
        #expect(rejections.count == 2)
        #expect(rejections[0].contains("no agent"))
        #expect(rejections[1].contains("empty"))
    }

    @Test func editAndDropAffectOnlyWaitingMessages() {
        let (engine, log) = Fixtures.engine(2)
        engine.start(opening: [(.system, Outgoing(to: .one(AgentID(0)), kind: .chat, text: "first")),
                               (.system, Outgoing(to: .one(AgentID(1)), kind: .chat, text: "second"))])
        engine.apply(.edit(messageID: 2, text: "second, edited"))
        #expect(engine.mailbox(of: AgentID(1)).waiting.first?.text == "second, edited")
        // Agent 0 takes its turn: message 1 is delivered and can no longer be dropped.
        let turns = engine.beginStep()
        Fixtures.answerAll(engine, turns)
        engine.apply(.drop(messageID: 1))
        engine.apply(.drop(messageID: 2))
        #expect(engine.mailbox(of: AgentID(1)).waiting.map(\.id) == [3])
        #expect(log.events.bodies.contains(.edited(messageID: 2, text: "second, edited", original: "second")))
        #expect(log.events.bodies.contains(.dropped(messageID: 2, from: [AgentID(1)])))
        #expect(log.events.bodies.contains { if case .rejected("drop", let r) = $0 { return r.contains("no longer waiting") } else { return false } })
    }

    @Test func mutedAgentsReceiveButDoNotSpeak() {
        let (engine, log) = Fixtures.engine(2, rule: .reactive)
        engine.start()
        engine.apply(.mute(AgentID(1)))
        engine.apply(.inject(text: "hello", from: .user, to: .all))
        #expect(engine.beginStep().map(\.agent.index) == [0])
        #expect(engine.mailbox(of: AgentID(1)).count == 1)
        #expect(log.events.bodies.contains(.control(.mute(AgentID(1)))))
    }

    @Test func takenOverAgentWaitsForTheUserAndSpeaksTheirWords() {
        let (engine, log) = Fixtures.engine(2)
        engine.start()
        engine.apply(.takeOver(AgentID(0)))
        let turns = engine.beginStep()
        guard case .human? = turns.first?.kind else {
            Issue.record("expected a human turn, got \(turns)")
            return
        }
        #expect(engine.isStepOpen)
        engine.apply(.reply(AgentID(0), text: "typed by me"))
        #expect(!engine.isStepOpen)
        let sent = log.events.sentMessages.last
        #expect(sent?.text == "typed by me")
        #expect(sent?.sender == .agent(AgentID(0)))
        #expect(sent?.author == .person && sent?.metadata == nil)
        // Handed back: the next turn is the model's again.
        engine.apply(.handBack(AgentID(0)))
        _ = engine.beginStep() // agent 1
        Fixtures.answerAll(engine, [Turn(agent: AgentID(1), kind: .human)])
        engine.finishTurn(of: AgentID(1), text: "ok", usage: Usage(model: "t", promptTokens: 1, completionTokens: 1, latencyMs: 1))
        if case .model? = engine.beginStep().first?.kind {} else { Issue.record("agent 0 should call its model again") }
        #expect(log.events.bodies.contains(.takeover(agent: AgentID(0), active: false)))
    }

    @Test func handingBackMidTurnGivesTheWaitingTurnToTheModel() {
        let (engine, log) = Fixtures.engine(2)
        engine.start()
        engine.apply(.takeOver(AgentID(0)))
        _ = engine.beginStep()
        engine.apply(.handBack(AgentID(0)))
        // The turn stays open, now the model's: a call starts and the runner is handed the request.
        #expect(engine.isStepOpen)
        // It records the request the user's turn would have been (here: nothing remembered yet).
        #expect(log.events.last?.body == .callStarted(agent: AgentID(0), model: engine.info.agents[0].model, context: CallContext(window: [])))
        let handedBack = engine.takeHandedBackTurns()
        #expect(handedBack.map(\.agent) == [AgentID(0)])
        if case .model? = handedBack.first?.kind {} else { Issue.record("the handed-back turn should ask the model") }
        #expect(engine.takeHandedBackTurns().isEmpty, "taken once")
        #expect(!log.events.bodies.contains { if case .agentError = $0 { return true } else { return false } })
        engine.finishTurn(of: AgentID(0), text: "mine again", usage: Usage(model: "t", promptTokens: 1, completionTokens: 1, latencyMs: 1))
        #expect(!engine.isStepOpen)
        #expect(log.events.sentMessages.last?.text == "mine again")
    }

    @Test func pauseResumeStepOnceAndSpeedAreRecorded() {
        let (engine, log) = Fixtures.engine(2)
        engine.start()
        engine.apply(.pause)
        #expect(!engine.mayStep)
        engine.apply(.stepOnce)
        #expect(engine.mayStep)
        Fixtures.answerAll(engine, engine.beginStep())
        #expect(!engine.mayStep)
        engine.apply(.setSpeed(.factor(4)))
        engine.apply(.resume)
        #expect(engine.mayStep)
        engine.apply(.stop)
        #expect(!engine.mayStep)
        #expect(log.events.bodies.filter { if case .control = $0 { return true } else { return false } } ==
                [.control(.pause), .control(.stepOnce), .control(.speed(.factor(4))), .control(.resume), .control(.stop)])
    }
}
