import Testing
@testable import PalaverEngine
@testable import PalaverTUI

/// Screens of the debugging views, compared with snapshots.
@Suite struct DebuggingSnapshotTests {
    @Test func mailboxViewShowsWhatWaitsAndTheNextMemoryWindow() throws {
        var state = try ScreenFixtures.state(steps: 5, width: 110, height: 30)
        // Two messages wait for Otto: an injection (delivered first) and Lena's broadcast.
        let injected = Message(id: 80, step: 5, time: 12.5, sender: .user, recipients: .one(AgentID(3)), kind: .injected, text: "Otto, legal blocked Friday.")
        state.receive([Event(step: 5, time: 12.5, .injected(injected))])
        state.focus = .agent(3)
        _ = state.handle(.char("M"))
        let text = AppView.render(state).text
        assertSnapshot(text, named: "screen-mailboxes-110x30")
        let view = try #require(state.projection.mailbox(of: AgentID(3)))
        #expect(view.waiting.first?.message.id == 80, "an injection jumps the queue")
        #expect(view.waiting.count >= 2)
        #expect(text.contains("Waiting — \(view.waiting.count) messages, delivered on Otto's next turn"))
        #expect(text.contains("Otto, legal blocked Friday."))
        #expect(text.contains("Next request — system prompt + "))
        #expect(text.contains("+ new"))
        // Every agent's tab counts what waits for it.
        for (i, agent) in state.projection.agents.enumerated() {
            let count = state.projection.waiting.filter { state.projection.log[$0].pending.contains(AgentID(i)) }.count
            #expect(text.contains(" \(i + 1) \(agent.spec.name) \(count) "))
        }
    }

    @Test func theMemoryWindowLeavesOutWhatTheMemoryCannotKeep() throws {
        var scenario = Scenario.builtIn
        scenario.engine.memorySize = 3
        let state = try ScreenFixtures.state(scenario, steps: 9)
        let view = try #require(state.projection.mailbox(of: AgentID(0)))
        #expect(view.window.filter { !$0.leftOut }.count == 3)
        #expect(view.window.prefix { $0.leftOut }.count == view.window.count - 3, "the oldest go first")
        // What is kept is what the engine keeps: its newest messages.
        let kept = view.window.filter { !$0.leftOut }.map(\.message.id)
        #expect(kept == kept.sorted())
    }

    @Test func dockPlanAsAGridBesideTheList() throws {
        var state = try ScreenFixtures.state(try ScreenFixtures.scenario("dock-scheduling"), steps: 30)
        state.graphShowsPolicy = true
        let wide = { () -> String in
            var buffer = Buffer(width: 60, height: 18)
            ConversationGraph(state: state).render(in: buffer.area, buffer: &buffer)
            return buffer.text
        }
        let plan = wide()
        #expect(plan.contains("dock 1") && plan.contains("dock 2"))
        #expect(plan.contains("07") && plan.contains("12"))
        // Two trucks in one slot: the cell shows the clash.
        state.receive([Event(step: 31, time: 80, .messageSent(Message(id: 9_999, step: 31, time: 80, sender: .agent(AgentID(0)),
                                                                       recipients: .all, kind: .action, text: "truck1 = 107 (dock 1 07:00)", author: .algorithm,
                                                                       coordination: .assignment(variable: "truck1", value: .number(107), label: "dock 1 07:00")))),
                       Event(step: 31, time: 80, .messageSent(Message(id: 10_000, step: 31, time: 80, sender: .agent(AgentID(1)),
                                                                       recipients: .all, kind: .action, text: "truck2 = 107 (dock 1 07:00)", author: .algorithm,
                                                                       coordination: .assignment(variable: "truck2", value: .number(107), label: "dock 1 07:00"))))])
        let clash = wide()
        #expect(clash.contains("✗AB"))
        assertSnapshot(plan + "\n" + clash, named: "widget-dock-grid")
    }

    @Test func aNarrowPaneStacksTheGridAboveTheList() throws {
        var state = try ScreenFixtures.state(try ScreenFixtures.scenario("dock-scheduling"), steps: 30)
        state.graphShowsPolicy = true
        var buffer = Buffer(width: 40, height: 22)
        ConversationGraph(state: state).render(in: buffer.area, buffer: &buffer)
        let lines = buffer.text.split(separator: "\n").map(String.init)
        let gridRow = try #require(lines.firstIndex { $0.contains("dock 1 ") && !$0.contains(":00") })
        let listRow = try #require(lines.firstIndex { $0.contains("Ana ") && $0.contains("dock ") && $0.contains(":00") })
        #expect(gridRow < listRow)
    }
}
