import Foundation
import Testing
@testable import PalaverEngine

/// The runner in real time, with commands arriving from another thread as the screen sends them.
@Suite struct RunnerTests {
    final class Watch: EventSink, @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [Event] = []
        var events: [Event] { lock.withLock { stored } }
        func receive(_ event: Event) { lock.withLock { stored.append(event) } }

        func wait(timeout: Double = 10, until condition: ([Event]) -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if condition(events) { return true }
                Thread.sleep(forTimeInterval: 0.005)
            }
            return false
        }
    }

    static func start(_ scenario: Scenario = .builtIn, speed: Speed, steps: Int = 1000) throws -> (SessionRun, Watch, Thread) {
        let watch = Watch()
        let run = try SessionRun(scenario: scenario, options: .init(maxSteps: steps, speed: speed), sinks: [watch])
        nonisolated(unsafe) let unsafeRun = run
        let thread = Thread { unsafeRun.run() }
        thread.start()
        return (run, watch, thread)
    }

    static func ended(_ events: [Event]) -> Bool {
        events.contains { if case .sessionEnded = $0.body { return true } else { return false } }
    }

    @Test func pausesResumesAndInjectsFromAnotherThread() throws {
        let (run, watch, _) = try Self.start(speed: .factor(64))
        #expect(watch.wait { $0.sentMessages.count >= 3 })
        run.inbox.post(.pause)
        #expect(watch.wait { $0.bodies.contains(.control(.pause)) })
        let countWhenPaused = watch.events.sentMessages.count
        Thread.sleep(forTimeInterval: 0.3)
        // At most the step that was under way finishes after a pause.
        #expect(watch.events.sentMessages.count <= countWhenPaused + 1)

        run.inbox.post(.inject(text: "Ravi, answer me directly.", from: .user, to: .one(AgentID(1))))
        #expect(watch.wait { $0.sentMessages.contains { $0.text == "Ravi, answer me directly." } })
        run.inbox.post(.resume)
        // Ravi (agent 1) receives the injection and answers.
        #expect(watch.wait { events in
            guard let injected = events.sentMessages.first(where: { $0.kind == .injected }) else { return false }
            return events.bodies.contains(.delivered(messageID: injected.id, to: AgentID(1)))
                && events.sentMessages.contains { $0.sender == .agent(AgentID(1)) && $0.id > injected.id }
        })
        run.inbox.post(.stop)
        #expect(watch.wait(until: Self.ended))
        guard case .sessionEnded(let summary)? = watch.events.last?.body else {
            Issue.record("the run did not end with a summary")
            return
        }
        #expect(summary.reason == .stopped)
    }

    @Test func streamsTokensOverTimeAtRealSpeed() throws {
        let (run, watch, _) = try Self.start(speed: .factor(4), steps: 2)
        #expect(watch.wait { $0.bodies.contains { if case .tokenDelta = $0 { return true } else { return false } } })
        // Tokens arrive spread out in time, not all at once.
        #expect(watch.wait(until: Self.ended))
        let tokenTimes = watch.events.compactMap { e -> Double? in if case .tokenDelta = e.body { return e.time } else { return nil } }
        #expect(tokenTimes.count > 10)
        #expect(tokenTimes.last! - tokenTimes.first! > 0.2)
        _ = run
    }

    @Test func aTakenOverAgentWaitsForTheUsersReply() throws {
        let (run, watch, _) = try Self.start(speed: .factor(64))
        run.inbox.post(.takeOver(AgentID(2)))
        #expect(watch.wait { $0.bodies.contains(.callStarted(agent: AgentID(2), model: "human")) })
        // Nobody else speaks while Lena's turn waits for the user.
        let waiting = watch.events.sentMessages.count
        Thread.sleep(forTimeInterval: 0.3)
        #expect(watch.events.sentMessages.count == waiting)
        run.inbox.post(.reply(AgentID(2), text: "Speaking as Lena: let's ship Tuesday."))
        #expect(watch.wait { $0.sentMessages.contains { $0.sender == .agent(AgentID(2)) && $0.text.hasPrefix("Speaking as Lena") } })
        run.inbox.post(.stop)
        #expect(watch.wait(until: Self.ended))
    }

    @Test func reactiveAgentsStreamConcurrently() throws {
        let scenario = try ScenarioLoader(directories: ["scenarios"]).load("launch-team")
        let (_, watch, _) = try Self.start(scenario, speed: .factor(16), steps: 1)
        #expect(watch.wait(until: Self.ended))
        // Within the step, tokens of different agents interleave rather than queue one after another.
        let streamers = watch.events.compactMap { e -> Int? in if case .tokenDelta(let a, _) = e.body { return a.index } else { return nil } }
        let switches = zip(streamers, streamers.dropFirst()).filter { $0 != $1 }.count
        #expect(Set(streamers).count == 5)
        #expect(switches > 10)
    }
}
