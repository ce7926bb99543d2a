import Foundation
import Testing
@testable import PalaverEngine

/// Breakpoints stop a run where the user asked: before an agent's turn (no
/// model call made), after a matching message, an error or a fallback order,
/// at a step — live, and when a recording is played back.
@Suite struct BreakpointTests {
    static func hits(_ events: [Event]) -> [(index: Int, hit: BreakpointHit, step: Int)] {
        events.enumerated().compactMap { i, e in if case .breakpointHit(let h) = e.body { (i, h, e.step) } else { nil } }
    }

    static func isCall(_ body: Event.Body, of agent: AgentID? = nil) -> Bool {
        if case .callStarted(let a, _, _) = body { return agent == nil || a == agent }
        return false
    }

    @Test func anAgentBreakpointPausesBeforeItsTurnStarts() {
        let (engine, log) = Fixtures.engine(3)
        engine.start(opening: [(.system, Outgoing(to: .all, text: "Begin."))])
        engine.apply(.setBreakpoint(.agent(AgentID(1))))
        #expect(log.events.last?.body == .breakpointSet(Breakpoint(id: 1, condition: .agent(AgentID(1)))))
        // Step 1 is agent 0's: no stop.
        #expect(!engine.breakBeforeStep())
        Fixtures.answerAll(engine, engine.beginStep())
        // Step 2 would be agent 1's: the run stops before it begins, with no call made.
        #expect(engine.breakBeforeStep())
        #expect(engine.paused && !engine.mayStep)
        let hit = Self.hits(log.events)
        #expect(hit.count == 1)
        #expect(hit.first?.hit == BreakpointHit(id: 1, agent: AgentID(1)))
        #expect(log.events.suffix(from: hit[0].index + 1).map(\.body) == [.control(.pause)])
        #expect(!log.events.contains { Self.isCall($0.body, of: AgentID(1)) })
        // Going on runs that very step, and agent 1 is asked; the stop is not met again.
        engine.apply(.resume)
        #expect(!engine.breakBeforeStep())
        #expect(engine.beginStep().map(\.agent) == [AgentID(1)])
        #expect(engine.step == 2)
    }

    @Test func theRunnerMakesNoCallForAnAgentItStoppedBefore() throws {
        let (run, watch, thread) = try RunnerTests.start(speed: .fastest, steps: 40)
        run.inbox.post(.setBreakpoint(.agent(AgentID(2))))
        #expect(watch.wait { !Self.hits($0).isEmpty })
        let hit = try #require(Self.hits(watch.events).first)
        #expect(hit.hit.agent == AgentID(2))
        // Stopped before the step in which agent 2 acts: nothing more happens until the user goes on.
        #expect(watch.wait { $0.last?.body == .control(.pause) })
        #expect(!watch.events.suffix(from: hit.index).contains { Self.isCall($0.body) })
        run.inbox.post(.clearBreakpoint(id: hit.hit.id))
        run.inbox.post(.resume)
        #expect(watch.wait { events in
            events.contains { $0.step == hit.step + 1 && Self.isCall($0.body, of: AgentID(2)) }
        })
        run.inbox.post(.stop)
        #expect(watch.wait(until: RunnerTests.ended))
        _ = thread
    }

    @Test func aRegexBreakpointStopsJustAfterAMatchingMessage() {
        let (engine, log) = Fixtures.engine(2)
        engine.start(opening: [(.system, Outgoing(to: .all, text: "Begin."))])
        engine.apply(.setBreakpoint(.pattern("(?i)ship.*friday")))
        Fixtures.answerAll(engine, engine.beginStep()) { _ in "We could wait a week." }
        #expect(!engine.paused)
        Fixtures.answerAll(engine, engine.beginStep()) { _ in "Let's SHIP it on Friday." }
        #expect(engine.paused)
        let hit = try? #require(Self.hits(log.events).first)
        let matched = log.events.sentMessages.last
        #expect(hit?.hit == BreakpointHit(id: 1, agent: AgentID(1), messageID: matched?.id))
        // Text breakpoints ignore case; bad patterns are refused, not set.
        engine.apply(.setBreakpoint(.text("WAIT A WEEK")))
        engine.apply(.setBreakpoint(.pattern("(unclosed")))
        #expect(engine.breakpoints.map(\.condition) == [.pattern("(?i)ship.*friday"), .text("WAIT A WEEK")])
        #expect(BreakCondition.text("WAIT A WEEK").matches(text: "We could wait a week."))
        #expect(log.events.contains { if case .rejected("break", let r) = $0.body { r.contains("not a valid regular expression") } else { false } })
    }

    @Test func anErrorBreakpointStopsAfterAFailedTurn() {
        let (engine, log) = Fixtures.engine(2)
        engine.start(opening: [(.system, Outgoing(to: .all, text: "Begin."))])
        engine.apply(.setBreakpoint(.error))
        let turns = engine.beginStep()
        engine.failTurn(of: turns[0].agent, reason: "connection refused")
        #expect(engine.paused)
        #expect(Self.hits(log.events).map(\.hit) == [BreakpointHit(id: 1, agent: turns[0].agent)])
    }

    @Test func aStepBreakpointStopsBeforeThatStepAndIsRefusedForAPastOne() {
        let (engine, log) = Fixtures.engine(2)
        engine.start()
        engine.apply(.setBreakpoint(.step(3)))
        for _ in 1...2 {
            #expect(!engine.breakBeforeStep())
            Fixtures.answerAll(engine, engine.beginStep())
        }
        #expect(engine.breakBeforeStep())
        #expect(engine.step == 2)
        engine.apply(.setBreakpoint(.step(1)))
        #expect(log.events.contains { if case .rejected("break", let r) = $0.body { r.contains("already begun") } else { false } })
        engine.apply(.clearBreakpoint(id: 9))
        #expect(log.events.last?.body == .rejected(command: "clear breakpoint", reason: "there is no breakpoint 9"))
    }

    @Test func aFallbackBreakpointStopsTheBeerGameAfterAReplyWithNoOrder() throws {
        var catalog = ModelCatalog()
        catalog.register("parrot") { text, _ in BeerGameRunTests.Parrot(text: text) }
        var scenario = try ScenarioLoader(directories: ["scenarios"]).load("beer-game")
        scenario.agents[0].model = "parrot:Let us see how it goes."
        let watch = RunnerTests.Watch()
        let run = try SessionRun(scenario: scenario, options: .init(maxSteps: 10, speed: .fastest, catalog: catalog), sinks: [watch])
        run.inbox.post(.setBreakpoint(.fallback))
        nonisolated(unsafe) let unsafeRun = run
        let thread = Thread { unsafeRun.run() }
        thread.start()
        #expect(watch.wait { !Self.hits($0).isEmpty })
        let hit = try #require(Self.hits(watch.events).first)
        #expect(hit.hit.agent == AgentID(0))
        // The event just before the stop is the retailer's fallback order.
        guard case .action(AgentID(0), let action) = watch.events[hit.index - 1].body else {
            Issue.record("the stop does not follow the fallback action: \(watch.events[hit.index - 1].body)")
            return
        }
        #expect(!action.valid)
        run.inbox.post(.stop)
        #expect(watch.wait(until: RunnerTests.ended))
    }

    @Test func breakpointEventsRoundTripThroughTheSessionFile() throws {
        let info = Fixtures.info(2)
        let bodies: [Event.Body] = [
            .sessionStarted(info),
            .breakpointSet(Breakpoint(id: 1, condition: .agent(AgentID(1)))),
            .breakpointSet(Breakpoint(id: 2, condition: .text("legal blocked"))),
            .breakpointSet(Breakpoint(id: 3, condition: .pattern("^ship\\b"))),
            .breakpointSet(Breakpoint(id: 4, condition: .error)),
            .breakpointSet(Breakpoint(id: 5, condition: .fallback)),
            .breakpointSet(Breakpoint(id: 6, condition: .step(12))),
            .breakpointHit(BreakpointHit(id: 3, agent: AgentID(0), messageID: 7)),
            .breakpointHit(BreakpointHit(id: 6)),
            .breakpointCleared(id: 2),
            .callStarted(agent: AgentID(0), model: "offline", context: CallContext(window: [1, 2, 5], trimmed: 3,
                         prompt: ChatMessage(role: .user, name: "environment", content: "Week 3. How many?"))),
            .callStarted(agent: AgentID(1), model: "human"),
        ]
        var encoder = EventEncoder()
        var decoder = EventDecoder()
        for body in bodies {
            let line = encoder.line(Event(step: 4, time: 1.5, body))
            let back = try decoder.decode(line: line)
            if case .sessionStarted = body { continue }
            #expect(back.body == body, "\(line)")
        }
    }
}
