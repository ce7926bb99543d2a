import PalaverEngine
import Testing
@testable import PalaverEngine
@testable import PalaverTUI

/// The call inspector and the breakpoints overlay on the test backend.
@Suite struct DebuggerScreenTests {
    @Test func enterOnAnAgentsMessageOpensTheCallThatProducedIt() throws {
        var state = try ScreenFixtures.state(steps: 6, width: 120, height: 40)
        state.focus = .log
        _ = state.handle(.enter)
        guard case .inspector(let inspection) = state.mode else {
            Issue.record("Enter opened \(state.mode), not the inspector")
            return
        }
        let call = state.projection.calls.records[inspection.call]
        #expect(call.reply == state.projection.log.last?.message.id)
        let text = AppView.render(state).text
        assertSnapshot(text, named: "screen-inspector-120x40")
        #expect(text.contains("REQUEST · "))
        #expect(text.contains("system (the agent's persona and instructions)"))
        // Scrolling reaches the reply; raw shows the JSON body; Esc closes.
        _ = state.handle(.char("G"))
        #expect(AppView.render(state).text.contains("REPLY · as streamed"))
        _ = state.handle(.char("r"))
        #expect(AppView.render(state).text.contains("\"stream\":true"))
        _ = state.handle(.char("["))
        if case .inspector(let earlier) = state.mode { #expect(earlier.call < inspection.call) }
        _ = state.handle(.escape)
        #expect(state.mode == .normal)
    }

    @Test func cOnAMessageNoModelWroteNamesItByItsStepAsTheLogDoes() throws {
        var state = try ScreenFixtures.state(steps: 2, width: 100, height: 30)
        state.focus = .log
        state.logSelection = 0  // the scenario's opening line, step 0
        _ = state.handle(.char("c"))
        let said = try #require(state.notice)
        #expect(said.isError)
        #expect(said.text.contains("message at step 0 came from no model call"))
        #expect(!said.text.contains("#"))
    }

    @Test func aMessageInjectedFromAnAttachedWorkbenchNamesWhoSentItNotYou() throws {
        var state = try ScreenFixtures.state(steps: 2, width: 120, height: 40)
        let remote = Message(id: 900, step: 3, time: 8, sender: .user, recipients: .one(AgentID(0)), kind: .injected, text: "Ship it Friday.")
        let local = Message(id: 901, step: 3, time: 9, sender: .user, recipients: .one(AgentID(0)), kind: .injected, text: "No, Monday.")
        state.receive([
            Event(step: 3, time: 8, .commanded(by: "alice@laptop", command: "inject")),
            Event(step: 3, time: 8, .injected(remote)),
            Event(step: 3, time: 9, .injected(local)),
        ])
        let text = AppView.render(state).text
        #expect(text.contains("alice@laptop ⇒"))
        #expect(text.contains("you ⇒"))
        state.focus = .log
        state.logSelection = state.visibleLog.count - 2
        _ = state.handle(.char("c"))
        #expect(state.notice?.text.contains("alice@laptop's message at step 3") == true)
        #expect(state.notice?.text.contains("alice@laptop injected it from an attached workbench") == true)
        state.logSelection = state.visibleLog.count - 1
        _ = state.handle(.char("c"))
        #expect(state.notice?.text.contains("your message at step 3") == true)
        #expect(state.notice?.text.contains("(you injected it)") == true)
    }

    @Test func theInspectorCleansWhatAModelSaid() throws {
        var state = try ScreenFixtures.state(steps: 2, width: 100, height: 30)
        let agent = AgentID(2)
        state.receive([
            Event(step: 3, time: 8, .stepStarted),
            Event(step: 3, time: 8, .callStarted(agent: agent, model: "offline", context: CallContext(window: [1]))),
            Event(step: 3, time: 9, .tokenDelta(agent: agent, text: "ok \u{1B}]0;owned\u{07}\u{1B}[2Jfine")),
            Event(step: 3, time: 9, .callFinished(agent: agent, usage: Usage(model: "offline", promptTokens: 9, completionTokens: 3, latencyMs: 800))),
            Event(step: 3, time: 9, .messageSent(Message(id: 50, step: 3, time: 9, sender: .agent(agent), recipients: .all, kind: .chat,
                                                       text: "ok \u{1B}]0;owned\u{07}\u{1B}[2Jfine"))),
        ])
        state.focus = .agent(2)
        _ = state.handle(.char("c"))
        let buffer = AppView.render(state)
        #expect(buffer.text.contains("Call · "))
        #expect(!buffer.text.contains("owned"))
        #expect(buffer.cells.allSatisfy { !$0.character.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } })
    }

    @Test func theBreakpointsOverlayListsAndDeletes() throws {
        var state = try ScreenFixtures.state(steps: 4, width: 100, height: 30)
        state.focus = .agent(1)
        #expect(state.handle(.char("b")) == [.engine(.setBreakpoint(.agent(AgentID(1))))])
        #expect(state.runCommand("break /ship.*friday/") == [.engine(.setBreakpoint(.pattern("ship.*friday")))])
        #expect(state.runCommand("break step 0") == [])
        #expect(state.notice?.isError == true)
        // What the engine answers comes back as events; the overlay lists them and the stop.
        state.receive([
            Event(step: 4, time: 10, .breakpointSet(Breakpoint(id: 1, condition: .agent(AgentID(1))))),
            Event(step: 4, time: 10, .breakpointSet(Breakpoint(id: 2, condition: .pattern("ship.*friday")))),
            Event(step: 4, time: 10, .breakpointSet(Breakpoint(id: 3, condition: .error))),
            Event(step: 4, time: 11, .breakpointHit(BreakpointHit(id: 1, agent: AgentID(1)))),
            Event(step: 4, time: 11, .control(.pause)),
        ])
        state.notice = nil
        let stopped = AppView.render(state).text
        #expect(stopped.contains("● BREAK"))
        #expect(stopped.contains("breakpoint 1: before Ravi speaks (step 5)"))
        _ = state.handle(.char("B"))
        assertSnapshot(AppView.render(state).text, named: "screen-breakpoints-100x30")
        _ = state.handle(.char("j"))
        #expect(state.handle(.char("d")) == [.engine(.clearBreakpoint(id: 2))])
        _ = state.handle(.escape)
        // At the stop, c opens the stopped agent's last call.
        state.focus = .log
        _ = state.handle(.char("c"))
        guard case .inspector(let inspection) = state.mode else {
            Issue.record("c at a stop opened \(state.mode)")
            return
        }
        #expect(state.projection.calls.records[inspection.call].agent == AgentID(1))
    }

    @Test func aStopOffersCOnlyWhereThereIsACallToOpen() throws {
        // Only Maya has spoken: a stop before Ravi's first turn has no call of his to open.
        var state = try ScreenFixtures.state(steps: 1, width: 120, height: 30)
        state.receive([
            Event(step: 1, time: 3, .breakpointSet(Breakpoint(id: 1, condition: .agent(AgentID(1))))),
            Event(step: 1, time: 3, .breakpointHit(BreakpointHit(id: 1, agent: AgentID(1)))),
            Event(step: 1, time: 3, .control(.pause)),
        ])
        state.notice = nil
        let first = try #require(AppView.render(state).text.split(separator: "\n").last)
        #expect(first.contains("before Ravi speaks"))
        #expect(!first.contains("c: "), "c would only say Ravi has made no call yet")
        // Before Maya's second turn, c opens her first call, and says so.
        state.receive([
            Event(step: 1, time: 4, .breakpointSet(Breakpoint(id: 2, condition: .agent(AgentID(0))))),
            Event(step: 1, time: 4, .breakpointHit(BreakpointHit(id: 2, agent: AgentID(0)))),
        ])
        state.notice = nil
        let second = try #require(AppView.render(state).text.split(separator: "\n").last)
        #expect(second.contains("c: Maya's last call"))
    }
}
