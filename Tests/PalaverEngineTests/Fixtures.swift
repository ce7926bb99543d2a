import Foundation
@testable import PalaverEngine

/// Small rosters and engines for tests.
enum Fixtures {
    static func agents(_ n: Int) -> [AgentSpec] {
        (0..<n).map { AgentSpec(id: "a\($0)", name: "Agent\($0)", role: "role \($0)", persona: "I care about topic \($0). Point two of \($0).") }
    }

    static func info(_ n: Int = 3, rule: TurnRule = .roundRobin, seed: UInt64 = 1, maxSteps: Int = 50) -> SessionInfo {
        SessionInfo(scenario: "test", title: "a test", seed: seed, turnRule: rule, agents: agents(n), maxSteps: maxSteps, speed: .fastest)
    }

    static func engine(_ n: Int = 3, rule: TurnRule = .roundRobin, capacity: Int = 16,
                       replyTo: EngineConfiguration.ReplyTo = .all) -> (Engine, EventLog) {
        let log = EventLog()
        let engine = Engine(info: info(n, rule: rule),
                            configuration: EngineConfiguration(mailboxCapacity: capacity, replyTo: replyTo), sink: log)
        return (engine, log)
    }

    static func message(_ id: Int, kind: MessageKind = .chat, text: String = "hi") -> Message {
        Message(id: id, step: 0, time: 0, sender: .user, recipients: .one(AgentID(0)), kind: kind, text: text)
    }

    /// Records a run of the built-in scenario to `path`, driven step by step as the workbench drives it:
    /// `intervene` acts before each step's turns (with the step, from 1), an agent taken over replies
    /// `typed(step)`, the others answer with the offline model. Returns the events as they were written.
    static func recordSteppedRun(to path: String, steps: Int, seed: UInt64? = nil,
                                 typed: (Int) -> String = { "typed at step \($0)" },
                                 intervene: (Engine, Int) -> Void) throws -> [Event] {
        let info = Scenario.builtIn.sessionInfo(seed: seed, maxSteps: steps, speed: .fastest)
        let writer = try SessionWriter(path: path)
        let log = EventLog()
        let engine = Engine(info: info, sink: EventFanout([writer, log]))
        let model = OfflineModel(settings: info.offline)
        engine.start(opening: Scenario.builtIn.openingMessages)
        for step in 1...steps {
            intervene(engine, step)
            for turn in engine.beginStep() {
                switch turn.kind {
                case .human: engine.apply(.reply(turn.agent, text: typed(step)))
                case .model(let request):
                    let script = model.makeScript(for: request)
                    for token in script.tokens { engine.streamToken(token, for: turn.agent) }
                    engine.finishTurn(of: turn.agent, text: script.text, usage: script.usage)
                }
            }
            engine.endStep()
        }
        engine.finish(.steps)
        writer.close()
        return log.events
    }

    /// Completes every open model turn with a fixed reply.
    static func answerAll(_ engine: Engine, _ turns: [Turn], text: (AgentID) -> String = { "reply from \($0.index)" }) {
        for turn in turns {
            if case .model = turn.kind {
                engine.finishTurn(of: turn.agent, text: text(turn.agent), usage: Usage(model: "test", promptTokens: 3, completionTokens: 2, latencyMs: 10))
            }
        }
    }
}

extension Array where Element == Event {
    var bodies: [Event.Body] { map(\.body) }

    var sentMessages: [Message] {
        compactMap {
            switch $0.body {
            case .messageSent(let m), .injected(let m): return m
            default: return nil
            }
        }
    }
}

/// Runs CPU-heavy test work on a thread of its own, so that the two threads
/// Swift Testing shares between suites stay free for tests that await (model
/// calls time out if starved). Expectations belong outside the closure.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}
