import Foundation
import PalaverEngine

/// Who talks to whom: agents as labelled nodes on a ring, message counts as
/// lines between them, routed at right angles on a line canvas so crossings
/// become junctions. The edges of the message just sent light up. When the
/// labels cannot be placed without overlapping, an adjacency list is shown
/// instead of a garbled drawing.
struct ConversationGraph: Widget {
    let state: AppState

    struct Node { var label: String; var x: Int; var y: Int; var width: Int; var color: Color }
    struct Pair: Hashable { var a: Int; var b: Int }

    /// Messages between each pair of nodes, both directions; the user is node n.
    func pairs() -> [Pair: (ab: Int, ba: Int)] {
        let n = state.agentCount
        var out: [Pair: (ab: Int, ba: Int)] = [:]
        for (edge, count) in state.projection.edges {
            let from: Int
            switch edge.from {
            case .agent(let id): from = id.index
            case .user where state.projection.userSpoke: from = n
            default: continue
            }
            let to = edge.to.index
            guard from != to else { continue }
            let key = Pair(a: min(from, to), b: max(from, to))
            var value = out[key] ?? (0, 0)
            if from < to { value.ab += count } else { value.ba += count }
            out[key] = value
        }
        return out
    }

    func render(in area: Rect, buffer: inout Buffer) {
        let theme = state.theme
        let focused = state.focus == .graph
        let title = state.graphShowsPolicy ? (state.coordinationProblem != nil ? "Plan" : "Policy") : "Who talks to whom"
        Block(title: title, titleStyle: Style(foreground: theme.text, attributes: .bold),
              note: state.graphShowsPolicy ? "p: who talks" : switchNote, noteStyle: Style(foreground: theme.muted),
              borderStyle: Style(foreground: focused ? theme.focus : theme.border), focused: focused)
            .render(in: area, buffer: &buffer)
        let inner = Block.inner(area)
        guard inner.width > 4, inner.height > 1 else { return }
        let content = Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height)
        if state.graphShowsPolicy, let problem = state.coordinationProblem, let spec = state.projection.info?.coordination {
            ConstraintView(state: state, problem: problem, spec: spec).render(in: content, buffer: &buffer)
            return
        }
        if state.graphShowsPolicy {
            // The focused agent's policy, else the first agent that has one.
            let agent = state.focusedAgent.flatMap { state.learnedPolicies[$0] != nil ? $0 : nil } ?? state.learnedPolicies.keys.min()
            if let agent, let policy = state.learnedPolicies[agent] {
                PolicyGraph(state: state, agent: agent, policy: policy).render(in: content, buffer: &buffer)
            } else {
                renderPolicyNote(in: content, buffer: &buffer)
            }
            return
        }
        let allPairs = pairs()
        let legendRows = min(4, max(0, content.height - 8))
        let drawing = Rect(x: content.x, y: content.y, width: content.width, height: content.height - legendRows)
        if let nodes = placeNodes(in: drawing) {
            drawGraph(nodes: nodes, pairs: allPairs, in: drawing, buffer: &buffer)
            drawLegend(pairs: allPairs, in: Rect(x: content.x, y: drawing.maxY, width: content.width, height: legendRows), buffer: &buffer)
        } else {
            drawAdjacency(in: content, buffer: &buffer)
        }
    }

    /// A `you` node only once the user has said something: a scenario's opening "from: user" is not them.
    private var hasUserNode: Bool { state.projection.userSpoke }

    /// Places the nodes on an ellipse; nil when their labels would overlap.
    func placeNodes(in rect: Rect) -> [Node]? {
        let theme = state.theme
        var labels: [(String, Color)] = state.projection.agents.enumerated().map { i, view in
            (DisplayWidth.truncate(view.spec.name.sanitizedForTerminal(singleLine: true), to: 12), theme.agentColor(view.spec.color ?? i))
        }
        if hasUserNode { labels.append(("you", theme.warning)) }
        let n = labels.count
        guard n > 0, rect.width >= 16, rect.height >= 5 else { return nil }
        let maxLabel = labels.map { DisplayWidth.of($0.0) + 2 }.max() ?? 4
        let rx = Double(rect.width - maxLabel) / 2, ry = Double(rect.height - 1) / 2
        guard rx >= 2, ry >= 1 else { return nil }
        let cx = Double(rect.x) + Double(rect.width) / 2, cy = Double(rect.y) + ry
        var nodes: [Node] = []
        for (i, label) in labels.enumerated() {
            let angle = -Double.pi / 2 + 2 * Double.pi * Double(i) / Double(n)
            let w = DisplayWidth.of(label.0) + 2
            let x = Int((cx + rx * cos(angle)).rounded()) - w / 2
            let y = Int((cy + ry * sin(angle)).rounded())
            nodes.append(Node(label: label.0, x: min(max(rect.x, x), rect.maxX - w), y: min(max(rect.y, y), rect.maxY - 1), width: w, color: label.1))
        }
        // Labels must keep a cell of space between them on the same row.
        for i in 0..<n {
            for j in (i + 1)..<n where nodes[i].y == nodes[j].y {
                let a = nodes[i], b = nodes[j]
                if a.x < b.x + b.width + 1 && b.x < a.x + a.width + 1 { return nil }
            }
        }
        return nodes
    }

    private func drawGraph(nodes: [Node], pairs: [Pair: (ab: Int, ba: Int)], in rect: Rect, buffer: inout Buffer) {
        let theme = state.theme
        var canvas = LineCanvas(width: rect.width, height: rect.height)
        let maxCount = max(1, pairs.values.map { $0.ab + $0.ba }.max() ?? 1)
        let lit = litPairs()
        var arrows: [(x: Int, y: Int, glyph: Character, rank: Int)] = []
        // Route lighter edges first so heavier ones' arrows end up on top.
        let ordered = pairs.sorted { l, r in
            let (lt, rt) = (l.value.ab + l.value.ba, r.value.ab + r.value.ba)
            return lt != rt ? lt < rt : (l.key.a, l.key.b) < (r.key.a, r.key.b)
        }
        for (pair, counts) in ordered {
            guard pair.a < nodes.count, pair.b < nodes.count else { continue }
            let a = nodes[pair.a], b = nodes[pair.b]
            let total = counts.ab + counts.ba
            let rank = lit.contains(pair) ? 3 : (total * 2 >= maxCount ? 2 : 1)
            // From the middle of a's label, across to b's column, then up or down to b.
            let ax = a.x + a.width / 2 - rect.x, ay = a.y - rect.y
            let bx = b.x + b.width / 2 - rect.x, by = b.y - rect.y
            if ay == by {
                canvas.horizontal(y: ay, from: ax, to: bx, rank: rank)
                let towardsB: Character = bx > ax ? "▸" : "◂"
                let towardsA: Character = bx > ax ? "◂" : "▸"
                if counts.ab > 0 { arrows.append((bx > ax ? b.x - 1 : b.x + b.width, b.y, towardsB, rank)) }
                if counts.ba > 0 { arrows.append((bx > ax ? a.x + a.width : a.x - 1, a.y, towardsA, rank)) }
            } else {
                canvas.horizontal(y: ay, from: ax, to: bx, rank: rank)
                canvas.vertical(x: bx, from: ay, to: by, rank: rank)
                // Into b from above or below; back into a along its row.
                if counts.ab > 0 { arrows.append((b.x + b.width / 2, by > ay ? b.y - 1 : b.y + 1, by > ay ? "▾" : "▴", rank)) }
                if counts.ba > 0 { arrows.append((bx > ax ? a.x + a.width : a.x - 1, a.y, bx > ax ? "◂" : "▸", rank)) }
            }
        }
        canvas.draw(into: &buffer, at: (rect.x, rect.y)) { rank in
            switch rank {
            case 3: return Style(foreground: theme.accent, attributes: .bold)
            case 2: return Style(foreground: theme.text)
            default: return Style(foreground: theme.muted)
            }
        }
        for arrow in arrows where rect.contains(x: arrow.x, y: arrow.y) {
            buffer.write(String(arrow.glyph), x: arrow.x, y: arrow.y, style: Style(foreground: arrow.rank == 3 ? theme.accent : theme.text, attributes: .bold))
        }
        for node in nodes {
            buffer.write(" " + node.label + " ", x: node.x, y: node.y, style: Style(foreground: node.color, attributes: [.bold, .reverse]))
        }
    }

    /// The pairs the most recent message travelled along, for a moment after it was sent.
    private func litPairs() -> Set<Pair> {
        guard state.now - state.lastMessageTime < 1.5, let last = state.projection.lastEdges else { return [] }
        let n = state.agentCount
        let from: Int
        switch last.from {
        case .agent(let id): from = id.index
        case .user: from = n
        default: return []
        }
        let targets: [Int]
        switch last.to {
        case .all: targets = Array(0..<n)
        case .one(let id): targets = [id.index]
        case .some(let ids): targets = ids.map(\.index)
        }
        return Set(targets.filter { $0 != from }.map { Pair(a: min(from, $0), b: max(from, $0)) })
    }

    private func name(_ node: Int) -> String {
        node < state.agentCount ? state.projection.agents[node].spec.name.sanitizedForTerminal(singleLine: true) : "you"
    }

    /// What `p` switches to, said only where there is one.
    private var switchNote: String {
        if state.coordinationProblem != nil { return "p: plan" }
        return state.learnedPolicies.isEmpty ? "" : "p: policy"
    }

    /// The busiest pairs under a heading that says what they are and how many there are in all.
    private func drawLegend(pairs: [Pair: (ab: Int, ba: Int)], in rect: Rect, buffer: inout Buffer) {
        guard rect.height > 1, !pairs.isEmpty else { return }
        let top = pairs.sorted { l, r in
            let (lt, rt) = (l.value.ab + l.value.ba, r.value.ab + r.value.ba)
            return lt != rt ? lt > rt : (l.key.a, l.key.b) < (r.key.a, r.key.b)
        }.prefix(rect.height - 1)
        let heading = top.count < pairs.count ? "busiest pairs (\(top.count) of \(pairs.count))" : "messages per pair"
        buffer.write(heading, x: rect.x, y: rect.y, style: Style(foreground: state.theme.muted, attributes: .italic), limit: rect.maxX)
        // Pairs and counts in columns, so the counts can be compared at a glance.
        let labels = top.map { "\(name($0.key.a)) ⇄ \(name($0.key.b))" }
        let counts = top.map { String($0.value.ab + $0.value.ba) }
        let labelWidth = labels.map(DisplayWidth.of).max() ?? 0, countWidth = counts.map(\.count).max() ?? 0
        let aligned = labelWidth + 2 + countWidth + 5 <= rect.width
        for (row, item) in top.enumerated() {
            let total = item.value.ab + item.value.ba
            let label = aligned ? labels[row] + String(repeating: " ", count: labelWidth - DisplayWidth.of(labels[row])) : labels[row]
            let count = aligned ? String(repeating: " ", count: countWidth - counts[row].count) + counts[row] : counts[row]
            let text = "\(label)  \(count) \(total == 1 ? "msg" : "msgs")"
            buffer.write(text, x: rect.x, y: rect.y + 1 + row, style: Style(foreground: state.theme.muted), limit: rect.maxX)
        }
    }

    /// Each agent and whom it has written to, most first: the fallback when the drawing does not fit.
    private func drawAdjacency(in rect: Rect, buffer: inout Buffer) {
        let theme = state.theme
        var row = 0
        for (i, view) in state.projection.agents.enumerated() where row < rect.height {
            let outgoing = state.projection.edges.filter { $0.key.from == .agent(AgentID(i)) }
                .sorted { ($0.value, $1.key.to.index) > ($1.value, $0.key.to.index) }
            let targets = outgoing.map { "\(name($0.key.to.index)) \($0.value)" }.joined(separator: " · ")
            Line([(view.spec.name.sanitizedForTerminal(singleLine: true), Style(foreground: theme.agentColor(view.spec.color ?? i), attributes: .bold)),
                  (" → ", Style(foreground: theme.muted)),
                  (targets.isEmpty ? "nobody yet" : targets, Style(foreground: theme.text))])
                .draw(x: rect.x, y: rect.y + row, limit: rect.maxX, buffer: &buffer)
            row += 1
        }
    }

    private func renderPolicyNote(in rect: Rect, buffer: inout Buffer) {
        let theme = state.theme
        // Shown only when no agent has one: the pane otherwise falls back to the first agent that does.
        let text = "No agent plays a learned policy in this run. Agents that play one (palaver train beer-game, then run beer-game --policy AGENT=learned:FILE) show their states and actions here. Press p for the conversation graph."
        for (row, line) in DisplayWidth.wrap(text, to: rect.width).prefix(rect.height).enumerated() {
            buffer.write(line, x: rect.x, y: rect.y + row, style: Style(foreground: theme.muted, attributes: .italic))
        }
    }
}
