import PalaverEngine

/// The beer game's bullwhip as braille line charts over the weeks so far:
/// each stage's orders above (customer demand dotted beside them) and its
/// net stock below (a dotted zero line where it goes into backlog), in the
/// stages' colours, with a legend that gives each stage's cost. It draws the
/// projection's `BullwhipChart`, the series `palaver eval --chart` writes as SVG.
struct BullwhipView: Widget {
    let state: AppState

    /// The series index the demand and zero lines draw with (stages are 0–3).
    static let demandSeries = 4

    func render(in area: Rect, buffer: inout Buffer) {
        let theme = state.theme
        let background = theme.panel
        let muted = Style(foreground: theme.muted, background: background)
        guard let chart = state.projection.bullwhip, chart.weeks > 0 else {
            buffer.write("No beer-game weeks in this session: the chart follows a beer-game run (palaver run beer-game).",
                         x: area.x, y: area.y, style: muted, limit: area.maxX)
            return
        }
        let agents = state.projection.agents
        func colour(_ stage: Int) -> Color {
            stage < agents.count ? theme.agentColor(agents[stage].spec.color ?? stage) : theme.text
        }
        // Legend: each stage with its cost (as its pane shows it), then demand; wrapped to the width.
        var items: [[(String, Style)]] = (0..<4).map { i in
            let name = i < agents.count ? agents[i].spec.name.sanitizedForTerminal(singleLine: true) : BeerGameSettings.stages[i]
            // The role as the scenario names it (a "brewery" is the factory), as its pane does.
            let spec = i < agents.count ? agents[i].spec.role.sanitizedForTerminal(singleLine: true) : ""
            let role = spec.isEmpty ? BeerGameSettings.stages[i] : spec
            let cost = i < agents.count ? -agents[i].totalReward : chart.costs[i]
            let label = name == role ? "\(name) \(MoneyText.dollars(cost))" : "\(name) (\(role)) \(MoneyText.dollars(cost))"
            return [("━ ", Style(foreground: colour(i), background: background, attributes: .bold)),
                    (label, Style(foreground: colour(i), background: background))]
        }
        items.append([("┄ customer demand", muted)])
        var y = area.y
        var x = area.x
        for item in items {
            let width = item.reduce(0) { $0 + DisplayWidth.of($1.0) }
            if x > area.x && x + width > area.maxX { y += 1; x = area.x }
            guard y < area.maxY else { break }
            x = Line(item).draw(x: x, y: y, limit: area.maxX, buffer: &buffer) + 2
        }
        y += 1
        let weeks = chart.weeks
        let footer = 1
        let room = area.maxY - y - footer
        guard room >= 6 else { return }
        let ordersHeight = room / 2
        panel("orders per week", series: chart.orders, demand: chart.demand, weeks: weeks,
              in: Rect(x: area.x, y: y, width: area.width, height: ordersHeight), colour: colour, buffer: &buffer)
        panel("net stock: stock − owed (below 0: backlog)", series: chart.netStock, demand: nil, weeks: weeks,
              in: Rect(x: area.x, y: y + ordersHeight, width: area.width, height: room - ordersHeight), colour: colour, buffer: &buffer)
        weekAxis(weeks: weeks, row: area.maxY - 1, from: area.x + Self.labelWidth, to: area.maxX, style: muted, buffer: &buffer)
    }

    /// "week 1" under the first week, "week N" under the last, and round weeks between where they fit,
    /// each under its column, so a swing can be read off by week.
    private func weekAxis(weeks: Int, row: Int, from plotX: Int, to maxX: Int, style: Style, buffer: inout Buffer) {
        buffer.write("week 1", x: plotX, y: row, style: style, limit: maxX)
        let last = "week \(weeks)"
        let lastX = max(plotX + 8, maxX - DisplayWidth.of(last))
        buffer.write(last, x: lastX, y: row, style: style, limit: maxX)
        guard weeks > 2 else { return }
        // Columns as the charts place weeks (two dots a cell, the first and last week at the edges).
        let dotWidth = (maxX - plotX) * 2
        func column(_ week: Int) -> Int { plotX + (week - 1) * (dotWidth - 1) / (weeks - 1) / 2 }
        let columnsPerWeek = Double(maxX - plotX) / Double(weeks - 1)
        guard let step = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000].first(where: { Double($0) * columnsPerWeek >= 12 }) else { return }
        var free = plotX + DisplayWidth.of("week 1") + 1
        for week in stride(from: step, to: weeks, by: step) {
            let text = String(week)
            let x = column(week) - (DisplayWidth.of(text) - 1) / 2
            guard x >= free, x + DisplayWidth.of(text) < lastX else { continue }
            buffer.write(text, x: x, y: row, style: style, limit: maxX)
            free = x + DisplayWidth.of(text) + 1
        }
    }

    /// Columns for the value labels left of a chart.
    static let labelWidth = 6

    private func panel(_ title: String, series: [[Int]], demand: [Int]?, weeks: Int, in rect: Rect,
                       colour: (Int) -> Color, buffer: inout Buffer) {
        let theme = state.theme
        let muted = Style(foreground: theme.muted, background: theme.panel)
        buffer.write(title, x: rect.x + Self.labelWidth, y: rect.y, style: Style(foreground: theme.text, background: theme.panel, attributes: .bold), limit: rect.maxX)
        let plot = Rect(x: rect.x + Self.labelWidth, y: rect.y + 1, width: max(0, rect.width - Self.labelWidth), height: max(0, rect.height - 1))
        guard plot.width >= 4, plot.height >= 2 else { return }
        let values = series.flatMap { $0 } + (demand ?? [])
        let low = min(0, values.min() ?? 0), high = max(low + 1, values.max() ?? 1)
        var canvas = BrailleCanvas(width: plot.width, height: plot.height)
        func point(_ week: Int, _ value: Int) -> (x: Int, y: Int) {
            let x = weeks <= 1 ? 0 : week * (canvas.dotWidth - 1) / (weeks - 1)
            let y = (high - value) * (canvas.dotHeight - 1) / (high - low)
            return (x, y)
        }
        func draw(_ values: [Int], series: Int, dashed: Bool) {
            guard let first = values.first else { return }
            var previous = point(0, first)
            canvas.plot(previous.x, previous.y, series: series)
            for (week, value) in values.enumerated().dropFirst() {
                let next = point(week, value)
                canvas.line(from: previous, to: next, series: series, dashed: dashed)
                previous = next
            }
        }
        if low < 0 { canvas.line(from: point(0, 0), to: (canvas.dotWidth - 1, point(0, 0).y), series: Self.demandSeries, dashed: true) }
        if let demand { draw(demand, series: Self.demandSeries, dashed: true) }
        // Upstream first, so the retailer (nearest the customer) is drawn on top.
        for stage in series.indices.reversed() { draw(series[stage], series: stage, dashed: false) }
        canvas.draw(into: &buffer, at: (plot.x, plot.y)) { s in
            s == Self.demandSeries ? muted : Style(foreground: colour(s), background: theme.panel)
        }
        func label(_ value: Int, row: Int) {
            let text = String(value)
            buffer.write(text, x: rect.x + max(0, Self.labelWidth - 1 - DisplayWidth.of(text)), y: row, style: muted, limit: plot.x)
        }
        label(high, row: plot.y)
        label(low, row: plot.maxY - 1)
        if low < 0, case let zeroRow = plot.y + point(0, 0).y / 4, zeroRow > plot.y, zeroRow < plot.maxY - 1 { label(0, row: zeroRow) }
    }
}
