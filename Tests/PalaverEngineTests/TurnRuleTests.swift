import Testing
@testable import PalaverEngine

@Suite struct TurnRuleTests {
    @Test func roundRobinTakesAgentsInOrderAndSkipsMuted() {
        let (engine, _) = Fixtures.engine(3)
        engine.start()
        var speakers: [Int] = []
        for step in 0..<6 {
            if step == 2 { engine.apply(.mute(AgentID(1))) }
            let turns = engine.beginStep()
            speakers += turns.map(\.agent.index)
            Fixtures.answerAll(engine, turns)
            engine.endStep()
        }
        #expect(speakers == [0, 1, 2, 0, 2, 0])
    }

    @Test func reactiveRunsEveryAgentWithMailAndNoOneElse() {
        let (engine, _) = Fixtures.engine(4, rule: .reactive, replyTo: .sender)
        engine.start(opening: [(.user, Outgoing(to: .some([AgentID(1), AgentID(3)]), kind: .injected, text: "hello"))])
        let turns = engine.beginStep()
        #expect(turns.map(\.agent.index) == [1, 3])
        #expect(engine.openTurns == [AgentID(1), AgentID(3)])
        // Replies go back to the sender (the user is not an agent, so: everyone).
        Fixtures.answerAll(engine, turns)
        #expect(!engine.isStepOpen)
    }

    @Test func reactiveTurnsFinishInAnyOrder() {
        let (engine, log) = Fixtures.engine(3, rule: .reactive)
        engine.start(opening: [(.system, Outgoing(to: .all, kind: .system, text: "go"))])
        let turns = engine.beginStep()
        #expect(turns.count == 3)
        // The slowest agent answering last does not hold the others' messages back.
        engine.finishTurn(of: AgentID(2), text: "fast", usage: Usage(model: "t", promptTokens: 1, completionTokens: 1, latencyMs: 1))
        #expect(log.events.sentMessages.last?.text == "fast")
        #expect(engine.isStepOpen)
        engine.finishTurn(of: AgentID(0), text: "slow", usage: Usage(model: "t", promptTokens: 1, completionTokens: 1, latencyMs: 9))
        engine.finishTurn(of: AgentID(1), text: "slower", usage: Usage(model: "t", promptTokens: 1, completionTokens: 1, latencyMs: 9))
        #expect(!engine.isStepOpen)
    }

    @Test func reactiveIsQuietWhenNoMailIsLeft() {
        let (engine, _) = Fixtures.engine(2, rule: .reactive)
        engine.start()
        #expect(engine.isQuiet)
        #expect(engine.beginStep().isEmpty)
    }

    @Test func selectorPrefersTheAgentNamedInTheLastMessage() {
        let (engine, _) = Fixtures.engine(4, rule: .selector)
        engine.start(opening: [(.user, Outgoing(to: .all, kind: .injected, text: "Agent2, what do you think?"))])
        let turns = engine.beginStep()
        #expect(turns.map(\.agent.index) == [2])
    }

    @Test func selectorIsDeterministicForASeedAndNeverPicksTheLastSpeakerTwice() {
        func speakers(seed: UInt64) -> [Int] {
            let log = EventLog()
            let engine = Engine(info: Fixtures.info(4, rule: .selector, seed: seed), sink: log)
            engine.start(opening: [(.system, Outgoing(to: .all, kind: .system, text: "begin"))])
            var out: [Int] = []
            for _ in 0..<12 {
                let turns = engine.beginStep()
                out += turns.map(\.agent.index)
                Fixtures.answerAll(engine, turns) { "note about topic \($0.index)" }
            }
            return out
        }
        let a = speakers(seed: 9)
        #expect(a == speakers(seed: 9))
        #expect(zip(a, a.dropFirst()).allSatisfy { $0 != $1 })
        // Over a dozen turns everyone gets the floor.
        #expect(Set(a).count == 4)
    }
}
