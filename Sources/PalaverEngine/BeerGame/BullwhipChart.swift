import Foundation

/// One game's orders and net stock per stage, week by week, with customer demand:
/// the bullwhip as a picture. The same series feed `palaver eval --chart`'s SVG
/// (`play`, `svg`) and the workbench's chart (the projection folds a session's
/// beer-game observations and orders into one with `observe` and `ordered`).
public struct BullwhipChart: Sendable, Equatable {
    /// Customer demand per week (index 0 is week 1).
    public var demand: [Int] = []
    /// Per stage, downstream first: the order placed each week.
    public var orders: [[Int]] = Array(repeating: [], count: 4)
    /// Per stage: inventory − backlog at the start of each week.
    public var netStock: [[Int]] = Array(repeating: [], count: 4)
    public var costs: [Double] = Array(repeating: 0, count: 4)

    public init() {}

    /// Longest game a chart follows (a session file could claim any week).
    public static let weekLimit = 10_000

    /// The weeks the chart has any value for.
    public var weeks: Int { max(demand.count, orders.map(\.count).max() ?? 0, netStock.map(\.count).max() ?? 0) }

    /// Folds what a stage observes at the start of a week (the beer game's readings): its net stock,
    /// the customer demand (the retailer's incoming order), its cost so far, and from `last_order` the
    /// order it placed the week before, as placed. False (and nothing kept) for other readings.
    @discardableResult
    public mutating func observe(stage: Int, readings: [Reading]) -> Bool {
        func value(_ name: String) -> Int? {
            readings.first { $0.name == name }.map { CheckedNumber.clamped($0.value.rounded(.towardZero), to: -Int(Int32.max)...Int(Int32.max)) }
        }
        guard (0..<4).contains(stage), let week = value("week"), (1...Self.weekLimit).contains(week),
              let inventory = value("inventory"), let backlog = value("backlog") else { return false }
        Self.set(&netStock[stage], week - 1, inventory - backlog)
        if stage == 0, let incoming = value("incoming") { Self.set(&demand, week - 1, incoming) }
        if let cost = readings.first(where: { $0.name == "cost" })?.value, cost.isFinite { costs[stage] = cost }
        if week >= 2, let last = value("last_order") { Self.set(&orders[stage], week - 2, last) }
        return true
    }

    /// An order as the stage's action states it in `week`; the next week's observation corrects it
    /// to what was placed (the opening weeks' fixed orders, clamping).
    public mutating func ordered(stage: Int, week: Int, value: Int) {
        guard (0..<4).contains(stage), (1...Self.weekLimit).contains(week) else { return }
        Self.set(&orders[stage], week - 1, max(0, value))
    }

    /// Sets one week, carrying the last value over any weeks never reported.
    static func set(_ series: inout [Int], _ index: Int, _ value: Int) {
        while series.count < index { series.append(series.last ?? value) }
        if index < series.count { series[index] = value } else { series.append(value) }
    }

    /// Plays one game with `players` and records it.
    public static func play(_ players: [BeerPlayer], settings: BeerGameSettings, seed: UInt64) -> BullwhipChart {
        var team = players
        var game = BeerGame(settings: settings, seed: seed)
        var chart = BullwhipChart()
        for i in 0..<4 { team[i].reset() }
        while !game.isOver {
            var orders = [Int](repeating: 0, count: 4)
            for i in 0..<4 {
                let o = game.observe(i)
                chart.observe(stage: i, readings: o.readings)
                orders[i] = team[i].order(for: o)
            }
            game.step(orders)
        }
        // Orders as placed, the last week's included; costs after the last week.
        chart.orders = game.orderHistory
        chart.costs = game.totalCost
        return chart
    }

    static let colours = ["#1f77b4", "#2ca02c", "#ff7f0e", "#d62728"]

    public func svg(title: String) -> String {
        let width = 900.0, panel = 260.0, left = 60.0, top = 40.0, gap = 50.0
        let weeks = max(1, demand.count)
        func x(_ w: Int) -> Double { left + Double(w) * (width - left - 150) / Double(max(1, weeks - 1)) }
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        var out = [#"<svg xmlns="http://www.w3.org/2000/svg" width="\#(Int(width))" height="\#(Int(top + 2 * panel + gap + 40))" font-family="sans-serif" font-size="12">"#,
                   #"<rect width="100%" height="100%" fill="white"/>"#,
                   #"<text x="\#(left)" y="20" font-size="15">\#(escape(title))</text>"#]
        func panelLines(_ series: [[Int]], extra: [Int]?, y0: Double, label: String) {
            let all = series.flatMap { $0 } + (extra ?? [])
            let low = Double(min(0, all.min() ?? 0)), high = Double(max(1, all.max() ?? 1))
            func y(_ v: Int) -> Double { y0 + panel - (Double(v) - low) / (high - low) * panel }
            out.append(#"<text x="\#(left)" y="\#(y0 - 6)">\#(label)</text>"#)
            out.append(#"<rect x="\#(left)" y="\#(y0)" width="\#(width - left - 150)" height="\#(panel)" fill="none" stroke="lightgray"/>"#)
            out.append(#"<text x="\#(left - 8)" y="\#(y0 + 4)" text-anchor="end">\#(Int(high))</text>"#)
            out.append(#"<text x="\#(left - 8)" y="\#(y0 + panel)" text-anchor="end">\#(Int(low))</text>"#)
            if low < 0 { out.append(#"<line x1="\#(left)" x2="\#(width - 150)" y1="\#(y(0))" y2="\#(y(0))" stroke="gray" stroke-dasharray="2,3"/>"#) }
            func line(_ values: [Int], _ colour: String, dashed: Bool) {
                let points = values.enumerated().map { "\(String(format: "%.1f", x($0.offset))),\(String(format: "%.1f", y($0.element)))" }.joined(separator: " ")
                out.append(#"<polyline fill="none" stroke="\#(colour)" stroke-width="2"\#(dashed ? #" stroke-dasharray="6,4""# : "") points="\#(points)"/>"#)
            }
            if let extra { line(extra, "#000", dashed: true) }
            for (i, values) in series.enumerated() { line(values, Self.colours[i], dashed: false) }
        }
        panelLines(orders, extra: demand, y0: top, label: "orders per week (dashed: customer demand)")
        panelLines(netStock, extra: nil, y0: top + panel + gap, label: "net stock (inventory − backlog)")
        for (i, name) in BeerGameSettings.stages.enumerated() {
            let y = top + 20 + Double(i) * 22
            out.append(#"<rect x="\#(width - 140)" y="\#(y - 10)" width="12" height="12" fill="\#(Self.colours[i])"/>"#)
            out.append(#"<text x="\#(width - 122)" y="\#(y)">\#(name) $\#(String(format: "%.2f", costs[i]))</text>"#)
        }
        out.append(#"<text x="\#(left)" y="\#(top + 2 * panel + gap + 25)">week 1 … \#(weeks)</text>"#)
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }
}
