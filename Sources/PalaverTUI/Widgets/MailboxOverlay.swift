import PalaverEngine

/// `M`: one agent's mailbox and memory. What waits for it (from whom, since
/// which step and time, in delivery order), then the memory window its next
/// request will carry once that mail is in: the newest messages the memory
/// keeps, minus what the context budget leaves out. Tabs across the top give
/// every agent's count of waiting messages.
struct MailboxOverlay: Widget {
    let state: AppState
    let agent: Int
    let scroll: Int

    func render(in area: Rect, buffer: inout Buffer) {
        let theme = state.theme
        let p = state.projection
        guard let info = p.info, agent < p.agents.count, let view = p.mailbox(of: AgentID(agent)) else { return }
        let inner = Overlay.frame("Mailboxes and memory", width: min(112, area.width - 2), height: area.height - 2, in: area, theme: theme, buffer: &buffer)
        guard inner.height > 3, inner.width > 20 else { return }
        let panel = theme.panel
        let text = Style(foreground: theme.text, background: panel)
        let muted = Style(foreground: theme.muted, background: panel)
        let bold = Style(foreground: theme.accent, background: panel, attributes: .bold)
        func clean(_ s: String) -> String { s.sanitizedForTerminal(singleLine: true) }

        // Tabs: every agent with how many messages wait for it.
        var tabs: [(String, Style)] = []
        for (i, a) in p.agents.enumerated() {
            let count = p.ended == nil ? p.waiting.reduce(0) { $0 + (p.log[$1].pending.contains(AgentID(i)) ? 1 : 0) } : 0
            let label = " \(i + 1) \(clean(a.spec.name)) \(count) "
            let color = theme.agentColor(a.spec.color ?? i)
            // The chosen tab in reverse, so it shows without colour too.
            tabs.append((label, i == agent ? Style(foreground: color, background: panel, attributes: [.bold, .reverse]) : Style(foreground: color, background: panel)))
            tabs.append((" ", text))
        }
        Line(tabs).draw(x: inner.x, y: inner.y, limit: inner.maxX, buffer: &buffer)

        let spec = p.agents[agent].spec
        let name = clean(spec.name)
        var lines: [Line] = []
        var state = "\(clean(spec.role)) · \(clean(spec.model)) · " + (p.ended != nil ? "done" : p.agents[agent].status.rawValue)
        if p.agents[agent].muted { state += " · muted: its mail waits until unmuted" }
        if p.agents[agent].takenOver { state += " · taken over by you" }
        lines.append(Line([(name + " · ", bold), (clean(state), muted)]))
        lines.append(Line([("", text)]))

        let n = view.waiting.count
        let waitingHead = p.ended != nil ? "Waiting — nothing: the run has ended"
            : n == 0 ? "Waiting — nothing" : "Waiting — \(n) message\(n == 1 ? "" : "s"), delivered on \(name)'s next turn, in this order"
        lines.append(Line([(waitingHead, bold)]))
        for item in view.waiting { lines.append(row(item, info: info, width: inner.width, note: item.message.kind.isPriority ? "first" : "")) }
        lines.append(Line([("", text)]))

        let kept = view.window.filter { !$0.leftOut }.count
        let head = p.ended != nil ? "Memory at the end — " : "Next request — "
        let plural = view.window.count == 1 ? "" : "s"
        // Shorter words rather than a cut where the overlay is narrow: every number stays.
        let requestHead = [
            head + "system prompt + \(kept) of \(view.window.count) message\(plural) ≈ \(view.requestTokens.compact) of \(view.budget.compact) tokens · memory keeps \(view.memorySize)",
            head + "prompt + \(kept) of \(view.window.count) msg\(plural) ≈ \(view.requestTokens.compact) of \(view.budget.compact) tok · memory \(view.memorySize)",
        ].first { DisplayWidth.of($0) <= inner.width } ?? head + "\(kept)/\(view.window.count) msgs ≈ \(view.requestTokens.compact)/\(view.budget.compact) tok · memory \(view.memorySize)"
        lines.append(Line([(requestHead, bold)]))
        if view.window.isEmpty { lines.append(Line([("  nothing yet: only the system prompt", muted)])) }
        for item in view.window {
            let note = item.leftOut ? "left out" : item.waiting ? "+ new" : ""
            lines.append(row(item, info: info, width: inner.width, note: note))
        }

        let body = Rect(x: inner.x, y: inner.y + 2, width: inner.width, height: inner.height - 3)
        let top = min(scroll, max(0, lines.count - body.height))
        for (row, line) in lines.dropFirst(top).prefix(body.height).enumerated() {
            line.draw(x: body.x, y: body.y + row, limit: body.maxX, buffer: &buffer)
        }
        let more = lines.count - top - body.height
        let footer = "← → agent · 1–9 pick · j k scroll" + (more > 0 ? " (\(more) more)" : "") + " · Esc closes"
        buffer.write(footer, x: inner.x, y: inner.maxY - 1, style: muted, limit: inner.maxX)
    }

    /// One message: when it was sent, who sent it, a note, and as much of the text as fits.
    func row(_ item: MailboxView.Item, info: SessionInfo, width: Int, note: String) -> Line {
        let theme = state.theme
        let panel = theme.panel
        let m = item.message
        let dim = item.leftOut
        var textStyle = Style(foreground: m.kind == .injected ? theme.warning : theme.text, background: panel)
        var meta = Style(foreground: theme.muted, background: panel)
        if dim { textStyle = textStyle.fg(theme.muted).dim(); meta = meta.dim() }
        let senderColor: Color
        switch m.sender {
        case .agent(let id): senderColor = theme.agentColor(info.agents[id.index].color ?? id.index)
        case .user: senderColor = theme.warning
        default: senderColor = theme.muted
        }
        // Numbered by step, as everywhere on screen.
        let when = "step \(m.step) \(MessageLog.clock(m.time))"
        let sender = info.name(of: m.sender).sanitizedForTerminal(singleLine: true)
        var spans: [(String, Style)] = [
            ("  " + when.padding(toLength: 17, withPad: " ", startingAt: 0), meta),
            (DisplayWidth.truncate(sender, to: 10).padding(toLength: 11, withPad: " ", startingAt: 0), Style(foreground: senderColor, background: panel, attributes: dim ? .dim : .bold)),
        ]
        let noteStyle = Style(foreground: note == "+ new" || note == "first" ? theme.info : theme.muted, background: panel)
        spans.append((note.padding(toLength: 9, withPad: " ", startingAt: 0), noteStyle))
        let used = Line(spans).width
        spans.append((DisplayWidth.truncate(item.text.sanitizedForTerminal(singleLine: true), to: max(1, width - used)), textStyle))
        return Line(spans)
    }
}
