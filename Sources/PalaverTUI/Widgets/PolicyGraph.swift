import Foundation
import PalaverEngine

/// A learned policy as a graph: its states as nodes (inventory position and
/// incoming order), its actions as labelled edges (the order rule and how
/// often it was chosen late in training) to the state they most often led to.
/// The state the agent is in now is lit; the rows keep it in view.
struct PolicyGraph: Widget {
    let state: AppState
    let agent: Int
    let policy: LearnedPolicy

    func render(in area: Rect, buffer: inout Buffer) {
        let theme = state.theme
        let view = state.projection.agents[agent]
        let color = theme.agentColor(view.spec.color ?? agent)
        let encoder = policy.encoder
        let current = encoder.state(readings: view.readings)
        Line([(view.spec.name.sanitizedForTerminal(singleLine: true), Style(foreground: color, attributes: .bold)),
              (" · learned \(view.spec.role.sanitizedForTerminal(singleLine: true)) policy", Style(foreground: theme.muted))])
            .draw(x: area.x, y: area.y, limit: area.maxX, buffer: &buffer)
        let legend = "[stock−owed+on order | incoming] ─order incoming+x, share of late choices→ where it led · ▶ now"
        let legendLines = DisplayWidth.wrap(legend, to: area.width)
        let legendRows = area.height >= 8 + legendLines.count ? legendLines.count : 0
        let rows = Rect(x: area.x, y: area.y + 1, width: area.width, height: max(0, area.height - 1 - legendRows))
        var states = policy.reachedStates
        if let current, !states.contains(current) { states.append(current) }
        // Ordered like the table: by incoming order, then position; a window around the current state.
        states.sort()
        func ranked(_ s: Int) -> [Int] {
            let p = policy.actionProbabilities(s)
            return Array(p.indices.filter { p[$0] >= 0.1 }.sorted { p[$0] > p[$1] }.prefix(2))
        }
        let height = states.map { max(1, ranked($0).count) }
        let at = current.flatMap { states.firstIndex(of: $0) } ?? 0
        var lower = at, upper = at, used = states.isEmpty ? 0 : height[at]
        // Grow the window around the current state, below first, while rows remain.
        while true {
            if upper + 1 < states.count, used + height[upper + 1] <= rows.height { upper += 1; used += height[upper] }
            else if lower > 0, used + height[lower - 1] <= rows.height { lower -= 1; used += height[lower] }
            else { break }
            if lower > 0, used + height[lower - 1] <= rows.height { lower -= 1; used += height[lower] }
        }
        var y = rows.y
        for s in states.isEmpty ? [] : Array(states[lower...upper]) {
            guard y < rows.maxY else { break }
            let lit = s == current
            let probabilities = policy.actionProbabilities(s)
            let ranked = ranked(s)
            let nodeStyle = lit ? Style(foreground: theme.panel, background: theme.accent, attributes: .bold) : Style(foreground: theme.text)
            var spans: [(String, Style)] = [((lit ? "▶ " : "  ") + "[\(encoder.label(state: s))]", nodeStyle)]
            for (n, a) in ranked.prefix(2).enumerated() {
                let next = policy.likelySuccessor(s, a).map { "[\(encoder.label(state: $0))]" } ?? "·"
                let edge = " ─\(encoder.label(offset: a)) \(Int((probabilities[a] * 100).rounded()))%→ "
                let edgeStyle = Style(foreground: n == 0 ? (lit ? theme.accent : theme.info) : theme.muted, attributes: n == 0 && lit ? .bold : [])
                if n == 0 {
                    spans += [(edge, edgeStyle), (next, Style(foreground: theme.muted))]
                    Line(spans).draw(x: rows.x, y: y, limit: rows.maxX, buffer: &buffer)
                    y += 1
                } else if y < rows.maxY {
                    Line([("      └", Style(foreground: theme.muted)), (edge, edgeStyle), (next, Style(foreground: theme.muted))])
                        .draw(x: rows.x, y: y, limit: rows.maxX, buffer: &buffer)
                    y += 1
                }
            }
            if ranked.isEmpty {
                Line(spans).draw(x: rows.x, y: y, limit: rows.maxX, buffer: &buffer)
                y += 1
            }
        }
        if legendRows > 0 {
            for (i, line) in legendLines.enumerated() {
                buffer.write(line, x: area.x, y: area.maxY - legendRows + i, style: Style(foreground: theme.muted, attributes: .italic))
            }
        }
    }
}
