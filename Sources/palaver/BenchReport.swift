import Foundation
import PalaverEngine

/// What one benchmark measured: a JSON line for scripts, and a short table of
/// its figures against the targets the README promises, for people.
struct BenchReport {
    /// A figure, how it came out, and its target if it has one.
    struct Row {
        var figure: String
        var measured: String
        var target: String
        /// nil: the figure has no target (shown for context).
        var met: Bool?

        init(_ figure: String, _ measured: String, target: String = "—", met: Bool? = nil) {
            self.figure = figure
            self.measured = measured
            self.target = target
            self.met = met
        }

        /// A figure that must be at least `floor`.
        static func atLeast(_ figure: String, _ value: Double, _ floor: Double, unit: String) -> Row {
            Row(figure, "\(BenchReport.number(value)) \(unit)", target: "≥ \(BenchReport.number(floor)) \(unit)", met: value >= floor)
        }

        /// A figure that must be at most `ceiling`.
        static func atMost(_ figure: String, _ value: Double, _ ceiling: Double, unit: String) -> Row {
            Row(figure, "\(BenchReport.number(value)) \(unit)", target: "≤ \(BenchReport.number(ceiling)) \(unit)", met: value <= ceiling)
        }
    }

    var name: String
    var json: String
    var rows: [Row]

    /// The table: one line per figure, columns aligned, ✓ or ✗ where a target applies.
    var table: String {
        let header = Row("figure", "measured", target: "target")
        let all = [header] + rows
        let w0 = all.map { DisplayWidth.of($0.figure) }.max() ?? 0
        let w1 = all.map { DisplayWidth.of($0.measured) }.max() ?? 0
        let w2 = all.map { DisplayWidth.of($0.target) }.max() ?? 0
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - DisplayWidth.of(s))) }
        var lines = ["bench \(name)"]
        for (i, row) in all.enumerated() {
            let mark = i == 0 ? "" : row.met.map { $0 ? "✓" : "✗" } ?? ""
            let line = "  " + pad(row.figure, w0) + "  " + pad(row.measured, w1) + "  " + pad(row.target, w2) + "  " + mark
            lines.append(String(line.reversed().drop { $0 == " " }.reversed()))
        }
        let judged = rows.compactMap(\.met)
        if !judged.isEmpty {
            let missed = judged.filter { !$0 }.count
            lines.append(missed == 0 ? "all \(judged.count) targets met" : "\(missed) of \(judged.count) targets not met")
        }
        return lines.joined(separator: "\n")
    }

    /// Whole numbers with thousands separators; fractions to three significant places.
    static func number(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        if abs(x) >= 100 || x == x.rounded() {
            let whole = Int(x.rounded())
            let digits = String(abs(whole))
            var grouped = ""
            for (i, c) in digits.enumerated() {
                if i > 0, (digits.count - i) % 3 == 0 { grouped.append(",") }
                grouped.append(c)
            }
            return (whole < 0 ? "-" : "") + grouped
        }
        if abs(x) >= 10 { return String(format: "%.1f", x) }
        if abs(x) >= 1 { return String(format: "%.2f", x) }
        return String(format: "%.3f", x)
    }

    /// Prints the table (or the JSON line with `json`).
    func print(json asJSON: Bool) {
        Swift.print(asJSON ? json : table)
    }

    /// Figures from a debug build say little about speed: said once, on stderr, so the JSON stays clean.
    static func warnIfDebugBuild() {
        #if DEBUG
        Palaver.warn("this is a debug build: figures are far slower than a release build's (swift build -c release, then .build/release/palaver bench …)")
        #endif
    }
}
