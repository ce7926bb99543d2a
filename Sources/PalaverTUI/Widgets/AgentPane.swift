import PalaverEngine

/// One agent's pane: who it is, what it is doing, the text it is streaming
/// right now or its last messages, and its token and latency counters.
struct AgentPane: Widget {
    let index: Int
    let state: AppState

    static let spinner: [Character] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
    /// Ends the text an agent is streaming.
    static let cursor: Character = "▍"

    var view: AgentView { state.projection.agents[index] }
    var color: Color { state.theme.agentColor(view.spec.color ?? index) }
    var focused: Bool { state.focus == .agent(index) }

    /// The status word and its style, as the pane and the compact list show it.
    static func status(of view: AgentView, theme: Theme, now: Double, ended: Bool = false, paused: Bool = false) -> (String, Style) {
        let base = Style(foreground: theme.muted)
        if view.muted { return ("⏸ muted", base) }
        // Paused, a reply stands still where it was: "streaming" or a spinner would say it is still coming.
        if paused && !ended {
            if view.status == .streaming { return ("⏸ paused mid-reply", Style(foreground: theme.warning)) }
            if view.status == .thinking { return ("⏸ paused before its reply", Style(foreground: theme.warning)) }
        }
        switch view.status {
        case .thinking:
            let frame = spinner[Int(now * 10) % spinner.count]
            return ("\(frame) thinking", Style(foreground: theme.info))
        case .streaming: return ("▍ streaming", Style(foreground: theme.ok))
        case .awaitingUser: return ("✋ YOUR TURN: press r", Style(foreground: theme.warning, attributes: [.bold, .reverse]))
        case .error: return ("✗ error", Style(foreground: theme.error, attributes: .bold))
        case .retrying: return ("↻ retrying", Style(foreground: theme.warning, attributes: .bold))
        case .suspended: return ("⏸ request paused", Style(foreground: theme.warning))
        case .idle: return view.takenOver ? ("✋ taken over by you", Style(foreground: theme.warning, attributes: .bold)) : (ended ? "· done" : "· waiting", base)
        }
    }

    /// What the agent's environment shows of it: for the beer game, stock, backlog, last order, cost and
    /// bad replies. What does not fit in `width` goes, least telling first; stock, owed and the cost
    /// stay (in short form when narrow), and so does the bad-reply count.
    static func environmentLine(of view: AgentView, width: Int = .max) -> String? {
        guard let inventory = view.reading("inventory"), let backlog = view.reading("backlog") else { return nil }
        func whole(_ x: Double) -> Int { CheckedNumber.clamped(x.rounded(.towardZero), to: -Int(Int32.max)...Int(Int32.max)) }
        // (text, short text, priority): higher stays longer; 9 always stays.
        var parts: [(String, String, Int)] = [("stock \(whole(inventory))", "stk \(whole(inventory))", 9),
                                              ("owed \(whole(backlog))", "owe \(whole(backlog))", 9)]
        if let line = view.reading("supply_line") { parts.append(("on order \(whole(line))", "", 1)) }
        if let order = view.lastAction?.value { parts.append(("ordered \(order)", "", 2)) }
        let cost = MoneyText.dollars(-view.totalReward)
        parts.append((cost, cost, 9))
        if view.invalidActions > 0 { parts.append(("\(view.invalidActions) bad repl\(view.invalidActions == 1 ? "y" : "ies")", "\(view.invalidActions) bad", 9)) }
        func text(short: Bool = false) -> String { parts.map { short ? $0.1 : $0.0 }.joined(separator: short ? " " : " · ") }
        while DisplayWidth.of(text()) > width,
              let weakest = parts.indices.filter({ parts[$0].2 < 9 }).min(by: { (parts[$0].2, -$0) < (parts[$1].2, -$1) }) {
            parts.remove(at: weakest)
        }
        if DisplayWidth.of(text()) <= width { return text() }
        if DisplayWidth.of(text(short: true)) <= width { return text(short: true) }
        // Narrower still: the cost first, then whole readings while they fit (a cut "stk …" would hide the number).
        parts.removeAll { $0.0 == cost }
        var line = cost
        for part in parts where DisplayWidth.of(line) + 1 + DisplayWidth.of(part.1) <= width { line += " " + part.1 }
        return line
    }

    /// Tokens, then time to first token, streaming speed and average latency (with the part spent
    /// queued in Palaver's own in-flight limit apart): the fullest form that fits in `room`.
    static func counters(of view: AgentView, room: Int = .max) -> String {
        // While a reply streams, its pieces count (estimated) until the call reports what it used.
        let tokens = CheckedNumber.sum(CheckedNumber.sum(view.promptTokens, view.completionTokens), view.streamedChunks)
        func ms(_ x: Double) -> Int { CheckedNumber.clamped(x.rounded(.down), to: 0...Int(Int32.max)) }
        let count = "\(tokens.compact)\(view.tokensEstimated || view.streamedChunks > 0 ? "~" : "") tok"
        guard view.calls > 0 else { return count }
        let timing = view.timing
        let latency = "\(ms(view.averageLatencyMs)) ms"
        let queued = timing.averageQueuedMs >= 1 ? " (\(ms(timing.averageQueuedMs)) queued)" : ""
        let first = timing.averageFirstTokenMs.map { "ttft \(ms($0)) ms" }
        let rate = timing.tokensPerSecond.map { "\(ms($0.rounded())) tok/s" }
        let forms: [[String?]] = [
            [count, first, rate, latency + queued],
            [count, first, rate, latency],
            [count, first, rate],
            [count, latency + queued],
            [count, latency],
        ]
        for form in forms {
            let text = form.compactMap { $0 }.joined(separator: " · ")
            if DisplayWidth.of(text) <= room { return text }
        }
        return count
    }

    func render(in area: Rect, buffer: inout Buffer) {
        let theme = state.theme
        let title = "● \(view.spec.name) · \(view.spec.role)".sanitizedForTerminal(singleLine: true)
        // A breakpoint before this agent speaks shows on its pane, where b set it.
        let breaks = state.breakpointList.contains { $0.breakpoint.condition == .agent(AgentID(index)) }
        Block(title: title, titleStyle: Style(foreground: color, attributes: .bold),
              note: (breaks ? "◉ break · " : "") + view.spec.model.sanitizedForTerminal(singleLine: true),
              noteStyle: Style(foreground: breaks ? theme.error : theme.muted),
              borderStyle: Style(foreground: focused ? theme.focus : theme.border), focused: focused)
            .render(in: area, buffer: &buffer)
        let inner = Block.inner(area)
        guard inner.width > 2, inner.height > 0 else { return }
        let content = Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height)

        let (statusText, statusStyle) = Self.status(of: view, theme: theme, now: state.now, ended: state.projection.ended != nil,
                                                    paused: state.projection.paused)
        let counters = Self.counters(of: view, room: content.width - DisplayWidth.of(statusText) - 2)
        buffer.write(statusText, x: content.x, y: content.y, style: statusStyle, limit: content.maxX)
        let countersX = content.maxX - DisplayWidth.of(counters)
        if countersX > content.x + DisplayWidth.of(statusText) + 1 {
            buffer.write(counters, x: countersX, y: content.y, style: Style(foreground: theme.muted))
        }
        var top = content.y + 1
        // The environment's numbers stay in view under the status; the talk scrolls below them.
        if let summary = Self.environmentLine(of: view, width: content.width), content.height > 2 {
            buffer.write(summary, x: content.x, y: top, style: Style(foreground: theme.accent), limit: content.maxX)
            top += 1
        }
        let body = Rect(x: content.x, y: top, width: content.width, height: content.maxY - top)
        guard body.height > 0 else { return }

        // Each piece of text (an error, a message, the stream) wraps on its own; the newest sits at the bottom.
        var pieces: [(text: String, style: Style)] = []
        if view.status == .error || view.status == .retrying, let error = view.lastError {
            pieces.append((error.sanitizedForTerminal(singleLine: true), Style(foreground: theme.error)))
        }
        var recent = view.recent.compactMap { state.projection.message(id: $0) }
        // An agent that both talks and runs an algorithm: its pane shows the talk; the log has the rest.
        let talk = recent.filter { $0.kind != .action }
        if !talk.isEmpty { recent = talk }
        for (i, message) in recent.enumerated() {
            let latest = i == recent.count - 1 && view.streaming.isEmpty
            pieces.append((MessageLog.shown(message.text).sanitizedForTerminal(singleLine: true), Style(foreground: latest ? theme.text : theme.muted)))
        }
        // The stream ends with a cursor, which wraps as a letter would.
        var cursorPiece: Int?
        if !view.streaming.isEmpty {
            // Only the end of a long stream can be on screen; clean no more than that.
            cursorPiece = pieces.count
            pieces.append((String(view.streaming.suffix(body.width * body.height * 2)).sanitizedForTerminal(singleLine: true),
                           Style(foreground: theme.text, attributes: .bold)))
        }
        if pieces.isEmpty {
            pieces.append((view.muted ? "muted: it hears everything but says nothing" : "nothing said yet", Style(foreground: theme.muted, attributes: .italic)))
        }
        // Wrapped newest first. Following the newest text, wrapping stops once the pane is full and one
        // line more shows whether its top piece is cut; scrolled back, every piece is wrapped.
        let wanted = (state.agentOffsets[index] ?? 0) > 0 ? Int.max : body.height + 1
        var lines: [(String, Style)] = []
        var pieceOf: [Int] = []
        for p in pieces.indices.reversed() where lines.count < wanted {
            let wrapped = p == cursorPiece ? DisplayWidth.wrap(pieces[p].text, to: body.width, endingWith: Self.cursor)
                                           : DisplayWidth.wrap(pieces[p].text, to: body.width)
            for l in wrapped.reversed() {
                lines.append((l, pieces[p].style))
                pieceOf.append(p)
            }
        }
        lines.reverse()
        pieceOf.reverse()
        // The newest text sits at the bottom; scrolling up reveals older lines.
        let maxOffset = max(0, lines.count - body.height)
        let offset = min(state.agentOffsets[index] ?? 0, maxOffset)
        let end = lines.count - offset
        let start = max(0, end - body.height)
        var shown = Array(lines[start..<end])
        // A piece cut at the top starts at a word after "… ", not mid-sentence or mid-number.
        if start > 0, pieceOf[start] == pieceOf[start - 1] {
            let p = pieceOf[start]
            let rows = pieceOf[start..<end].filter { $0 == p }.count
            if end == lines.count || pieceOf[end] != p {
                let tail = TextTail.cut(pieces[p].text, width: body.width, rows: rows, endingWith: p == cursorPiece ? Self.cursor : nil)
                shown.replaceSubrange(0..<rows, with: tail.map { ($0, pieces[p].style) })
                shown.insert(contentsOf: Array(repeating: ("", pieces[p].style), count: rows - tail.count), at: 0)
            } else {
                shown[0].0 = "…" + DisplayWidth.prefix(Substring(shown[0].0), fitting: body.width - 1).text
            }
        }
        for (row, line) in shown.enumerated() {
            buffer.write(line.0, x: body.x, y: body.y + row, style: line.1, limit: body.maxX)
        }
        if offset > 0 {
            let marker = "↑\(offset)"
            buffer.write(marker, x: body.maxX - DisplayWidth.of(marker), y: body.maxY - 1, style: Style(foreground: theme.accent))
        }
    }
}

/// Agents one line each, when the screen has no room for panes.
struct CompactAgentList: Widget {
    let state: AppState

    func render(in area: Rect, buffer: inout Buffer) {
        let theme = state.theme
        let focusedHere = state.focusedAgent != nil
        Block(title: "Agents", titleStyle: Style(foreground: theme.text, attributes: .bold),
              note: "\(state.agentCount)", noteStyle: Style(foreground: theme.muted),
              borderStyle: Style(foreground: focusedHere ? theme.focus : theme.border), focused: focusedHere)
            .render(in: area, buffer: &buffer)
        let rows = state.layout.agents
        for (i, view) in state.projection.agents.enumerated() where i < rows.count && !rows[i].isEmpty {
            let row = rows[i]
            let selected = state.focus == .agent(i)
            let nameStyle = Style(foreground: theme.agentColor(view.spec.color ?? i), attributes: selected ? [.bold, .reverse] : .bold)
            var x = buffer.write("● " + DisplayWidth.truncate(view.spec.name.sanitizedForTerminal(singleLine: true), to: 12), x: row.x + 1, y: row.y, style: nameStyle, limit: row.maxX)
            let (status, statusStyle) = AgentPane.status(of: view, theme: theme, now: state.now, ended: state.projection.ended != nil,
                                                         paused: state.projection.paused)
            x = buffer.write(" " + status + " ", x: x, y: row.y, style: statusStyle, limit: row.maxX)
            let latest = view.streaming.isEmpty ? (view.recent.last.flatMap { state.projection.message(id: $0)?.text } ?? "") : view.streaming
            buffer.write(latest.sanitizedForTerminal(singleLine: true), x: x + 1, y: row.y, style: Style(foreground: theme.muted), limit: row.maxX)
        }
    }
}
