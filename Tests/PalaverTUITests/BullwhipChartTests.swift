import Testing
@testable import PalaverEngine
@testable import PalaverTUI

/// The beer game's bullwhip in the workbench: the series the projection folds
/// (the same type `eval --chart` draws as SVG), the braille chart on `w` (weeks) and `:chart`, and
/// each stage's cost kept in its pane however narrow.
@Suite struct BullwhipChartTests {
    func draw(_ widget: some Widget, width: Int, height: Int) -> String {
        var buffer = Buffer(width: width, height: height)
        widget.render(in: buffer.area, buffer: &buffer)
        return buffer.text
    }

    @Test func theProjectionFoldsOrdersStockAndDemandByWeek() {
        var p = Projection()
        let agents = BeerGameSettings.stages.enumerated().map { AgentSpec(id: "s\($0.offset)", name: $0.element, role: $0.element) }
        p.apply(Event(step: 0, time: 0, .sessionStarted(SessionInfo(scenario: "beer-game", title: "t", seed: 1, turnRule: .everyone, agents: agents, maxSteps: 36, speed: .fastest))))
        func observe(_ stage: Int, week: Int, inventory: Int, backlog: Int, incoming: Int, last: Int) {
            p.apply(Event(step: week, time: 0, .observed(agent: AgentID(stage), readings: [
                Reading("week", Double(week)), Reading("inventory", Double(inventory)), Reading("backlog", Double(backlog)),
                Reading("incoming", Double(incoming)), Reading("last_order", Double(last)), Reading("cost", Double(week))])))
        }
        observe(0, week: 1, inventory: 12, backlog: 0, incoming: 4, last: 4)
        p.apply(Event(step: 1, time: 0, .action(agent: AgentID(0), action: EnvironmentAction(value: 9, text: "order 9", valid: true))))
        #expect(p.bullwhip?.orders[0] == [9], "the order as the action states it")
        observe(0, week: 2, inventory: 8, backlog: 0, incoming: 8, last: 4)
        #expect(p.bullwhip?.orders[0] == [4], "corrected to what was placed (an opening week's fixed order)")
        observe(0, week: 3, inventory: 0, backlog: 5, incoming: 8, last: 7)
        let chart = p.bullwhip!
        #expect(chart.demand == [4, 8, 8])
        #expect(chart.netStock[0] == [12, 8, -5])
        #expect(chart.orders[0] == [4, 7])
        #expect(chart.costs[0] == 3)
        // Readings that are not the beer game's make no chart; a claimed week past the limit is ignored.
        var other = Projection()
        other.apply(Event(step: 0, time: 0, .sessionStarted(SessionInfo(scenario: "x", title: "t", seed: 1, turnRule: .everyone, agents: agents, maxSteps: 36, speed: .fastest))))
        other.apply(Event(step: 1, time: 0, .observed(agent: AgentID(0), readings: [Reading("temperature", 20)])))
        #expect(other.bullwhip == nil)
        var hostile = BullwhipChart()
        let kept = hostile.observe(stage: 0, readings: [Reading("week", 1e12), Reading("inventory", 1), Reading("backlog", 0)])
        #expect(!kept)
        #expect(hostile.weeks == 0)
    }

    @Test func evalsChartAndTheWorkbenchsFoldTheSameSeries() {
        // `play` records through `observe`, as the projection does: demand and stock agree with the game's own history.
        let settings = BeerGameSettings()
        let players = (0..<4).map { _ in BeerPlayer.sterman(StermanPolicy(parameters: .init())) }
        let chart = BullwhipChart.play(players, settings: settings, seed: 3)
        var game = BeerGame(settings: settings, seed: 3)
        var team = players
        var stock: [[Int]] = Array(repeating: [], count: 4)
        while !game.isOver {
            var orders = [0, 0, 0, 0]
            for i in 0..<4 { let o = game.observe(i); stock[i].append(o.netStock); orders[i] = team[i].order(for: o) }
            game.step(orders)
        }
        #expect(chart.demand == game.demandHistory)
        #expect(chart.netStock == stock)
        #expect(chart.orders == game.orderHistory)
        #expect(chart.weeks == settings.weeks)
    }

    @Test func aWholeWorkbenchRunChartsWhatEvalChartsForTheSameTeam() throws {
        // The offline beer-game scenario plays Sterman's rule at every stage; eval --chart plays it
        // without the engine. Classic demand has no randomness, so both charts must be the same to the week.
        let state = try ScreenFixtures.state(try ScreenFixtures.scenario("beer-game"), steps: 36)
        let live = try #require(state.projection.bullwhip)
        let players = (0..<4).map { _ in BeerPlayer.sterman(StermanPolicy(parameters: .init())) }
        let played = BullwhipChart.play(players, settings: BeerGameSettings(), seed: BeerTrainer.heldOutSeed)
        #expect(live.weeks == 36)
        #expect(live.demand == played.demand)
        #expect(live.netStock == played.netStock)
        #expect(live.orders == played.orders)
        #expect(live.costs == played.costs)
    }

    @Test func wOpensTheChartWithALegendInTheStagesColoursAndCosts() throws {
        var state = try ScreenFixtures.state(try ScreenFixtures.scenario("beer-game"), steps: 14, width: 80, height: 24)
        let chart = try #require(state.projection.bullwhip)
        #expect(chart.weeks == 14)
        #expect(chart.netStock.allSatisfy { $0.count == 14 })
        let view = draw(BullwhipView(state: state), width: 76, height: 20)
        #expect(view.contains("━ Rosa (retailer) $"))
        #expect(view.contains("┄ customer demand"))
        #expect(view.contains("orders per week") && view.contains("net stock: stock − owed (below 0: backlog)"))
        #expect(view.contains("week 1") && view.contains("week 14"))
        #expect(view.contains("Fritz (brewery)"), "the role as the scenario and the pane name it")
        let axis = try #require(view.split(separator: "\n").last)
        #expect(axis.contains(" 5 ") && axis.contains(" 10 "), "round weeks between the ends: \(axis)")
        #expect(view.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }, "braille lines")
        assertSnapshot(view, named: "widget-bullwhip")
        // Colours: each stage's line in its pane's colour.
        var buffer = Buffer(width: 76, height: 20)
        BullwhipView(state: state).render(in: buffer.area, buffer: &buffer)
        let lineColours = Set(buffer.cells.filter { $0.character.unicodeScalars.first.map { (0x2801...0x28FF).contains($0.value) } ?? false }.map(\.style.foreground))
        for i in 0..<4 { #expect(lineColours.contains(state.theme.agentColor(state.projection.agents[i].spec.color ?? i))) }

        #expect(state.handle(.char("w")).isEmpty)
        #expect(state.mode == .chart)
        let screen = AppView.render(state).text
        #expect(screen.contains("Bullwhip: orders and stock by week · week 14"))
        #expect(screen.contains("w close chart"))
        _ = state.handle(.char("w"))
        #expect(state.mode == .normal)
        #expect(AppView.render(state).text.contains("w weeks chart"))
        #expect(AppState.keymap.helpSections.flatMap(\.lines).contains { $0.keys == "w" && $0.text.contains("bullwhip chart") })
        // b stays the breakpoint key, the chart open or not.
        #expect(AppState.keymap.action(for: .char("b")) == .toggleBreakpoint)
        // The command line opens it too; Esc closes it.
        _ = state.runCommand("chart")
        #expect(state.mode == .chart)
        _ = state.handle(.escape)
        #expect(state.mode == .normal)
    }

    @Test func wSaysWhyWhenTheSessionHasNoBeerGame() throws {
        var state = try ScreenFixtures.state(steps: 3)
        _ = state.handle(.char("w"))
        #expect(state.mode == .normal)
        #expect(state.notice?.text.contains("beer-game run") == true)
        _ = state.runCommand("bullwhip")
        #expect(state.mode == .normal)
        #expect(state.notice?.isError == true)
    }

    @Test func eachPaneKeepsItsCostAt140ColumnsAndNarrower() throws {
        let state = try ScreenFixtures.state(try ScreenFixtures.scenario("beer-game"), steps: 12, width: 140, height: 40)
        // A pane at 140 columns is 35 wide; at 80, 40; the cost stays down to very narrow panes.
        var panes: [String] = []
        for width in [35, 24, 16] {
            let pane = draw(AgentPane(index: 1, state: state), width: width, height: 5)
            let cost = MoneyText.dollars(-state.projection.agents[1].totalReward)
            #expect(pane.contains(cost), "width \(width): \(pane)")
            panes.append(pane)
        }
        // Readings go whole or not at all: the line fits its width (but for the cost alone, which always stays).
        let cost = MoneyText.dollars(-state.projection.agents[1].totalReward)
        for width in 4...40 {
            let line = try #require(AgentPane.environmentLine(of: state.projection.agents[1], width: width))
            #expect(line.contains(cost))
            #expect(DisplayWidth.of(line) <= width || line == cost, "width \(width): \(line)")
        }
        assertSnapshot(panes.joined(separator: "\n"), named: "widget-beer-pane-cost")
    }
}
