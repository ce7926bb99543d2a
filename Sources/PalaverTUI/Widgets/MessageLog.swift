import PalaverEngine

/// The live message log: every message with step, time, sender → recipients
/// and text, wrapped; it follows the newest until the user scrolls away, and
/// says which. Only the entries on screen are laid out, so a million-message
/// log costs no more per frame than a short one.
struct MessageLog: Widget {
    let state: AppState
    /// The text the filter looks for, marked wherever it shows.
    private let term: String?

    init(state: AppState) {
        self.state = state
        term = state.filterText
    }

    var focused: Bool { state.focus == .log }

    static func clock(_ seconds: Double) -> String {
        let s = CheckedNumber.clamped(seconds.rounded(.down), to: 0...Int(Int32.max))
        let m = s / 60
        return (m < 10 ? "0" : "") + "\(m):" + (s % 60 < 10 ? "0" : "") + "\(s % 60)"
    }

    /// How much of one message is laid out on screen: a 1 MB reply would
    /// otherwise be cleaned and wrapped in full every frame. The rest is noted;
    /// `palaver export` shows the whole message.
    static let shownCharacters = 16_384

    static func shown(_ text: String) -> String {
        // No more bytes than that is no more characters: nothing to count.
        guard text.utf8.count > shownCharacters, let cut = text.index(text.startIndex, offsetBy: shownCharacters, limitedBy: text.endIndex), cut < text.endIndex else {
            return text
        }
        let rest = text.utf8.count - text[..<cut].utf8.count
        return String(text[..<cut]) + " … (\(rest) more bytes: palaver export shows the whole message)"
    }

    /// Is the message still waiting in some mailbox of a run still going (so it can be edited or dropped)?
    static func isWaiting(_ entry: LogEntry, in projection: Projection) -> Bool {
        entry.isWaiting && projection.ended == nil
    }

    /// The lines of one entry: a head line with who and when, then the text wrapped under it.
    func lines(for entry: LogEntry, at position: Int, width: Int, selected: Bool) -> [Line] {
        let theme = state.theme
        let info = state.projection.info
        let m = entry.message
        // Injected from an attached workbench: that person's name, not "you" (who is at this screen).
        let attachedSender = m.kind == .injected ? state.projection.injectedBy[position] : nil
        let senderName = m.sender == .user ? attachedSender ?? info?.name(of: m.sender) : info?.name(of: m.sender)
        let senderColor: Color
        switch m.sender {
        case .agent(let id): senderColor = theme.agentColor(info?.agents[id.index].color ?? id.index)
        case .user: senderColor = theme.warning
        case .system, .environment: senderColor = theme.muted
        }
        var base = Style(foreground: theme.text)
        if selected { base = base.on(theme.selection) }
        let muted = Style(foreground: theme.muted, background: base.background)
        let step = String(m.step)
        if m.kind == .error {
            // A model call that failed for good: who, and why, in the error colour.
            var out = [Line([
                (String(repeating: " ", count: max(0, 4 - step.count)) + step + " ", muted),
                (Self.clock(m.time) + " ", muted),
                ((info?.name(of: m.sender) ?? "?").sanitizedForTerminal(singleLine: true), Style(foreground: senderColor, background: base.background, attributes: .bold)),
                ("  ✗ model call failed", Style(foreground: theme.error, background: base.background, attributes: .bold)),
            ])]
            let indent = width >= 50 ? 6 : 2
            for l in DisplayWidth.wrap(Self.shown(m.text).sanitizedForTerminal(singleLine: true), to: max(1, width - indent)) {
                out.append(Line([(String(repeating: " ", count: indent), base), (l, Style(foreground: theme.error, background: base.background))]))
            }
            return out
        }
        var head: [(String, Style)] = [
            (String(repeating: " ", count: max(0, 4 - step.count)) + step + " ", muted),
            (Self.clock(m.time) + " ", muted),
            ((senderName ?? "?").sanitizedForTerminal(singleLine: true), Style(foreground: senderColor, background: base.background, attributes: .bold)),
            (m.kind == .injected ? " ⇒ " : " → ", m.kind == .injected ? Style(foreground: theme.warning, background: base.background, attributes: .bold) : muted),
            ((info?.names(of: m.recipients) ?? "?").sanitizedForTerminal(singleLine: true), muted),
        ]
        if m.kind == .injected { head.append(("  injected" + ((m.sender == .user ? nil : attachedSender).map { " by " + $0.sanitizedForTerminal(singleLine: true) } ?? ""), Style(foreground: theme.warning, background: base.background, attributes: .bold))) }
        // A turn of a taken-over agent is the user's words, not its model's.
        if m.author == .person { head.append(("  ✍ typed by you", Style(foreground: theme.warning, background: base.background, attributes: .bold))) }
        let live = state.replay == nil && state.projection.ended == nil
        if entry.dropped { head.append(("  ✗ dropped" + (entry.droppedFor.isEmpty ? "" : " for " + names(entry.droppedFor)) + (live ? " · u restores" : ""),
                                        Style(foreground: theme.error, background: base.background))) }
        else if Self.isWaiting(entry, in: state.projection) {
            // Who it still waits for: the mailbox view (M) has the rest.
            head.append(("  ⧗ waiting: " + names(entry.pending), Style(foreground: theme.info, background: base.background)))
        }
        if !entry.restoredFor.isEmpty { head.append(("  ↺ restored", Style(foreground: theme.info, background: base.background))) }
        if entry.edited { head.append(("  ✎ edited", Style(foreground: theme.info, background: base.background))) }
        let indent = width >= 50 ? 6 : 2
        // Marks that do not fit beside who and when go on a line of their own, whole, rather than cut at the edge.
        var out: [Line] = []
        let who = 5
        if Line(head).width > width, head.count > who {
            var first = Array(head.prefix(who)), rest: [(String, Style)] = []
            for tag in head.dropFirst(who) {
                if rest.isEmpty && Line(first + [tag]).width <= width { first.append(tag) } else { rest.append(tag) }
            }
            out.append(Line(first))
            if !rest.isEmpty {
                rest[0].0 = String(rest[0].0.drop { $0 == " " })
                out.append(Line([(String(repeating: " ", count: indent), base)] + rest))
            }
        } else {
            out.append(Line(head))
        }
        var textStyle = base
        if m.kind == .system { textStyle = muted.fg(theme.muted) }
        if m.kind == .injected { textStyle = Style(foreground: theme.warning, background: base.background) }
        if entry.dropped { textStyle = muted.dim() }
        let pad = (String(repeating: " ", count: indent), base)
        // An edit shows what it replaced: the original, dimmed, then → the text now.
        if let original = entry.originalText {
            for l in DisplayWidth.wrap(Self.shown(original).sanitizedForTerminal(singleLine: true), to: max(1, width - indent)) {
                out.append(Line([pad, (l, muted.dim())]))
            }
        }
        let text = (entry.originalText == nil ? "" : "→ ") + Self.shown(m.text).sanitizedForTerminal(singleLine: true)
        for l in DisplayWidth.wrap(text, to: max(1, width - indent)) {
            out.append(Line([pad] + highlighted(l, style: textStyle)))
        }
        return out
    }

    /// Short names of a set of agents: three, then how many more.
    func names(_ mask: AgentMask) -> String {
        let members = mask.members
        let shown = members.prefix(3).map { (state.projection.info?.name(of: .agent($0)) ?? "?").sanitizedForTerminal(singleLine: true) }
        return shown.joined(separator: ", ") + (members.count > 3 ? " +\(members.count - 3)" : "")
    }

    /// A line of text with what the filter looks for marked.
    func highlighted(_ line: String, style: Style) -> [(String, Style)] {
        guard let term, !term.isEmpty else { return [(line, style)] }
        let ranges = LogFilter.occurrences(of: term, in: line)
        guard !ranges.isEmpty else { return [(line, style)] }
        let mark = state.theme.isMonochrome ? style.reversed() : Style(foreground: state.theme.panel, background: state.theme.warning, attributes: .bold)
        let chars = Array(line)
        var spans: [(String, Style)] = []
        var at = 0
        for r in ranges {
            if r.lowerBound > at { spans.append((String(chars[at..<r.lowerBound]), style)) }
            spans.append((String(chars[r]), mark))
            at = r.upperBound
        }
        if at < chars.count { spans.append((String(chars[at...]), style)) }
        return spans
    }

    func render(in area: Rect, buffer: inout Buffer) {
        let theme = state.theme
        let visible = state.visibleLog
        let following = state.logSelection == nil
        var note = following ? "following" : "scrolled · G to follow"
        if !state.logFilter.isEmpty { note = "filter “\(state.logFilter)” · \(visible.count) of \(state.projection.log.count)" + (following ? "" : " · G") }
        // Algorithm chatter: say whether it is shown, and the key.
        if state.hideChatter { note = "chatter hidden (a) · " + note }
        else if state.projection.info?.coordination != nil { note = "a hides chatter · " + note }
        let title = state.projection.info.map { "Log · " + $0.title.sanitizedForTerminal(singleLine: true) } ?? "Log"
        Block(title: title, titleStyle: Style(foreground: theme.text, attributes: .bold),
              note: note, noteStyle: Style(foreground: following && state.logFilter.isEmpty ? theme.muted : theme.warning),
              borderStyle: Style(foreground: focused ? theme.focus : theme.border), focused: focused)
            .render(in: area, buffer: &buffer)
        let inner = Block.inner(area)
        guard inner.width > 4, inner.height > 0 else { return }
        let content = Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height)
        guard visible.count > 0 else {
            var hint = state.logFilter.isEmpty ? (state.hideChatter && state.projection.log.count > 0 ? "only algorithm chatter so far (a shows it)" : "no messages yet")
                                               : "nothing matches “\(state.logFilter)” (Esc clears the filter)"
            if let problem = state.filterProblem { hint = "filter: \(problem) (Esc clears it)" }
            buffer.write(hint, x: content.x, y: content.y, style: Style(foreground: theme.muted, attributes: .italic), limit: content.maxX)
            return
        }
        let selected = min(state.logSelection ?? visible.count - 1, visible.count - 1)
        // Keep a few entries after the selection in view, for context.
        let bottom = following ? visible.count - 1 : min(visible.count - 1, selected + 2)
        var rows: [Line] = []
        var i = bottom
        while i >= 0 && rows.count < content.height {
            let entry = state.projection.log[visible[i]]
            rows.insert(contentsOf: lines(for: entry, at: visible[i], width: content.width, selected: focused && i == selected), at: 0)
            i -= 1
        }
        // Near the top of the log there is too little above to fill the pane: what follows fills it instead.
        var below = bottom + 1
        while rows.count < content.height && below < visible.count {
            rows += lines(for: state.projection.log[visible[below]], at: visible[below], width: content.width, selected: focused && below == selected)
            below += 1
        }
        // Cut what does not fit from the top, unless the log's first entry is in view: then from the bottom.
        let overflow = max(0, rows.count - content.height)
        let shown = i < 0 && below > bottom + 1 ? Array(rows.prefix(content.height)) : Array(rows.dropFirst(overflow))
        for (row, line) in shown.enumerated() {
            let y = content.y + row
            if line.spans.first.map({ $0.style.background != .default }) == true {
                buffer.paint(Rect(x: content.x, y: y, width: content.width, height: 1), style: line.spans[0].style)
            }
            line.draw(x: content.x, y: y, limit: content.maxX, buffer: &buffer)
        }
    }
}
