import Foundation

/// One game's orders and net stock per stage, week by week, with customer demand:
/// the bullwhip as a picture. `svg()` draws it for a report.
public struct BullwhipChart: Sendable {
    public var demand: [Int] = []
    /// Per stage, downstream first.
    public var orders: [[Int]] = Array(repeating: [], count: 4)
    public var netStock: [[Int]] = Array(repeating: [], count: 4)
    public var costs: [Double] = Array(repeating: 0, count: 4)

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
                chart.netStock[i].append(o.netStock)
                orders[i] = team[i].order(for: o)
            }
            game.step(orders)
        }
        chart.demand = game.demandHistory
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
