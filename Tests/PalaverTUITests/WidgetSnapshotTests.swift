import Testing
@testable import PalaverEngine
@testable import PalaverTUI

/// Each widget on its own, drawn into a small buffer and compared with a snapshot.
@Suite struct WidgetSnapshotTests {
    func draw(_ widget: some Widget, width: Int, height: Int) -> String {
        var buffer = Buffer(width: width, height: height)
        widget.render(in: buffer.area, buffer: &buffer)
        return buffer.text
    }

    @Test func agentPaneWhileStreaming() throws {
        var state = try ScreenFixtures.state(steps: 5)
        state.receive([Event(step: 6, time: 15, .callStarted(agent: AgentID(1), model: "offline")),
                       Event(step: 6, time: 15, .tokenDelta(agent: AgentID(1), text: "The migration still")),
                       Event(step: 6, time: 15, .tokenDelta(agent: AgentID(1), text: " worries me"))])
        assertSnapshot(draw(AgentPane(index: 1, state: state), width: 44, height: 8), named: "widget-agent-pane-streaming")
        #expect(draw(AgentPane(index: 1, state: state), width: 44, height: 8).contains("▍ streaming"))
        // Paused mid-reply, the pane says so rather than "streaming" while nothing comes.
        state.receive([Event(step: 6, time: 16, .control(.pause))])
        let paused = draw(AgentPane(index: 1, state: state), width: 44, height: 8)
        #expect(paused.contains("⏸ paused mid-reply"))
        #expect(paused.contains("The migration still worries me"))
        state.receive([Event(step: 6, time: 17, .control(.resume))])
        #expect(draw(AgentPane(index: 1, state: state), width: 44, height: 8).contains("▍ streaming"))
        // Each piece streamed counts, as an estimate, until the call reports what it used.
        state.receive([Event(step: 6, time: 17, .tokenDelta(agent: AgentID(1), text: " a lot"))])
        #expect(draw(AgentPane(index: 1, state: state), width: 44, height: 8).contains("158~ tok"))
        state.receive([Event(step: 6, time: 18, .callFinished(agent: AgentID(1), usage: Usage(model: "offline", promptTokens: 20, completionTokens: 6, latencyMs: 800)))])
        #expect(draw(AgentPane(index: 1, state: state), width: 44, height: 8).contains("181 tok"))
    }

    @Test func agentPaneTakenOverAndMuted() throws {
        var state = try ScreenFixtures.state(steps: 5)
        state.receive([Event(step: 6, time: 15, .takeover(agent: AgentID(2), active: true)),
                       Event(step: 6, time: 15, .callStarted(agent: AgentID(2), model: "human")),
                       Event(step: 6, time: 15, .control(.mute(AgentID(3))))])
        assertSnapshot(draw(AgentPane(index: 2, state: state), width: 44, height: 6) + "\n" +
                       draw(AgentPane(index: 3, state: state), width: 44, height: 6), named: "widget-agent-pane-takeover-muted")
    }

    @Test func messageLogWithInjectionEditAndDrop() throws {
        var state = try ScreenFixtures.state(steps: 3)
        let injected = Message(id: 5, step: 3, time: 7.5, sender: .user, recipients: .one(AgentID(1)), kind: .injected, text: "Ravi, be specific.")
        state.receive([Event(step: 3, time: 7.5, .injected(injected)),
                       Event(step: 3, time: 7.5, .edited(messageID: 5, text: "Ravi, be specific please.", original: "Ravi, be specific.")),
                       Event(step: 3, time: 7.5, .dropped(messageID: 4, from: nil))])
        assertSnapshot(draw(MessageLog(state: state), width: 70, height: 16), named: "widget-log")
    }

    @Test func conversationGraphAndItsFallback() throws {
        let state = try ScreenFixtures.state(steps: 8)
        assertSnapshot(draw(ConversationGraph(state: state), width: 46, height: 18), named: "widget-graph")
        // Too narrow to draw: the adjacency list instead.
        let narrow = draw(ConversationGraph(state: state), width: 19, height: 7)
        #expect(narrow.contains("Maya → "))
        assertSnapshot(narrow, named: "widget-graph-adjacency")
    }

    @Test func beerGamePanesPolicyGraphAndStatus() throws {
        var scenario = try ScreenFixtures.scenario("beer-game")
        scenario.environment?.policies[0] = "learned:policies/beer-team.json"
        var state = try ScreenFixtures.state(scenario, steps: 12)
        let pane = draw(AgentPane(index: 0, state: state), width: 60, height: 6)
        #expect(pane.contains("stock ") && pane.contains(" · owed ") && pane.contains(" · ordered "))
        state.graphShowsPolicy = true
        let graph = draw(ConversationGraph(state: state), width: 46, height: 18)
        #expect(graph.contains("Rosa · learned retailer policy"))
        #expect(graph.contains("▶ ["), "the current state is lit")
        #expect(graph.contains("%→"))
        assertSnapshot(pane + "\n" + graph, named: "widget-beer-game")
        let status = draw(StatusBar(state: state), width: 110, height: 1)
        #expect(status.contains("week 12/12 · team $"))
        // An agent without a learned policy says how to get one.
        state.focus = .agent(1)
        state.learnedPolicies = [:]
        #expect(draw(ConversationGraph(state: state), width: 46, height: 18).contains("No agent plays a learned policy"))
    }

    @Test func dockSchedulingPlanView() throws {
        var state = try ScreenFixtures.state(try ScreenFixtures.scenario("dock-scheduling"), steps: 30)
        #expect(state.coordinationProblem != nil)
        state.graphShowsPolicy = true
        let plan = draw(ConversationGraph(state: state), width: 46, height: 16)
        #expect(plan.contains("Plan"))
        #expect(plan.contains("mgm · cost "))
        #expect(plan.contains("Ana") && plan.contains("dock "))
        assertSnapshot(plan, named: "widget-dock-plan")
        // A clash shows in red with its constraint named.
        state.receive([Event(step: 31, time: 80, .messageSent(Message(id: 9_999, step: 31, time: 80, sender: .agent(AgentID(0)),
                                                                       recipients: .all, kind: .action, text: "truck1 = 107 (dock 1 07:00)", author: .algorithm,
                                                                       coordination: .assignment(variable: "truck1", value: .number(107), label: "dock 1 07:00")))),
                       Event(step: 31, time: 80, .messageSent(Message(id: 10_000, step: 31, time: 80, sender: .agent(AgentID(1)),
                                                                       recipients: .all, kind: .action, text: "truck2 = 107 (dock 1 07:00)", author: .algorithm,
                                                                       coordination: .assignment(variable: "truck2", value: .number(107), label: "dock 1 07:00"))))])
        let clash = draw(ConversationGraph(state: state), width: 46, height: 16)
        #expect(clash.contains("✗ one_truck_per_slot_1_2"))
    }

    @Test func statusBarRunningAndPaused() throws {
        var state = try ScreenFixtures.state(steps: 4)
        let running = draw(StatusBar(state: state), width: 110, height: 1)
        state.receive([Event(step: 4, time: 10, .control(.pause))])
        let paused = draw(StatusBar(state: state), width: 110, height: 1)
        assertSnapshot(running + "\n" + paused, named: "widget-status-bar")
        #expect(paused.contains("PAUSED"))
    }
}
