import PalaverEngine

/// Two sessions side by side from where their conversations part: the
/// messages they shared (dimmed) and what each said after, scrolled together.
public struct DiffScreen {
    public let diff: SessionDiff
    public let nameA: String
    public let nameB: String
    public var theme: Theme
    public var offset = 0

    public init(diff: SessionDiff, nameA: String, nameB: String, theme: Theme) {
        self.diff = diff
        self.nameA = nameA
        self.nameB = nameB
        self.theme = theme
    }

    /// The lines of one side, from a little before the divergence.
    func lines(_ messages: [Message], _ info: SessionInfo?, width: Int) -> [(String, Style)] {
        guard let info else { return [] }
        let start = max(0, (diff.divergence ?? messages.count) - 2)
        var out: [(String, Style)] = []
        for (i, m) in messages.enumerated().dropFirst(start) {
            let shared = diff.divergence.map { i < $0 } ?? true
            let first = i == diff.divergence
            let color: Color
            if case .agent(let id) = m.sender { color = theme.agentColor(info.agents[id.index].color ?? id.index) } else { color = theme.warning }
            let arrow = m.kind == .injected ? " ⇒ " : " → "
            let head = "[\(m.step)] \(info.name(of: m.sender))\(arrow)\(info.names(of: m.recipients))".sanitizedForTerminal(singleLine: true)
            var headStyle = Style(foreground: shared ? theme.muted : color, attributes: shared ? [] : .bold)
            if first { headStyle = headStyle.reversed() }
            out.append(((first ? "▶ " : "  ") + head, headStyle))
            for l in DisplayWidth.wrap(m.text.sanitizedForTerminal(singleLine: true), to: max(1, width - 4)) {
                out.append(("    " + l, Style(foreground: shared ? theme.muted : theme.text)))
            }
        }
        return out
    }

    public func render(width: Int, height: Int) -> Buffer {
        var buffer = Buffer(width: width, height: height, fill: Cell(" ", style: Style(background: theme.background)))
        guard width >= 40, height >= 8 else {
            buffer.write("terminal too small for a diff", x: 0, y: 0, style: Style(foreground: theme.warning))
            return buffer
        }
        let summary: String
        if let d = diff.divergence {
            summary = d == 0 ? "the conversations differ from the first message" : "the same for \(d) message\(d == 1 ? "" : "s"), then they part at message \(d + 1) (▶)"
        } else {
            summary = "the conversations are identical (\(NumberText.counted(diff.messagesA.count, "message")))"
        }
        buffer.write(summary, x: 1, y: 0, style: Style(foreground: diff.identical ? theme.ok : theme.warning, attributes: .bold), limit: width)
        let body = Rect(x: 0, y: 1, width: width, height: height - 2)
        let (left, right) = body.splitColumns(width / 2)
        for (rect, name, messages, info) in [(left, "A · " + nameA, diff.messagesA, diff.infoA), (right, "B · " + nameB, diff.messagesB, diff.infoB)] {
            Block(title: name.sanitizedForTerminal(singleLine: true), titleStyle: Style(foreground: theme.text, attributes: .bold),
                  borderStyle: Style(foreground: theme.border)).render(in: rect, buffer: &buffer)
            let inner = Rect(x: rect.x + 2, y: rect.y + 1, width: rect.width - 4, height: rect.height - 2)
            let all = lines(messages, info, width: inner.width)
            for (row, line) in all.dropFirst(offset).prefix(inner.height).enumerated() {
                buffer.write(line.0, x: inner.x, y: inner.y + row, style: line.1, limit: inner.maxX)
            }
        }
        buffer.write("j k ↑ ↓ PgUp PgDn scroll · g G top/bottom · q quit", x: 1, y: height - 1, style: Style(foreground: theme.muted), limit: width)
        return buffer
    }

    /// Shows the diff in the terminal until the user quits.
    public mutating func run(noColor: Bool) {
        let screen = ScreenDriver(noColor: noColor)
        defer { screen.shutdown() }
        var state = AppState(theme: theme, width: screen.backend.width, height: screen.backend.height)
        while true {
            state.width = screen.backend.width
            state.height = screen.backend.height
            screen.paint(render(width: state.width, height: state.height))
            guard let input = screen.nextInput(animating: false, busy: false) else { continue }
            guard case .key(let key) = input else { continue }
            switch key {
            case .char("q"), .escape, .ctrl("c"): return
            case .char("j"), .down: offset += 1
            case .char("k"), .up: offset = max(0, offset - 1)
            case .pageDown, .char(" "): offset += max(1, state.height / 2)
            case .pageUp: offset = max(0, offset - max(1, state.height / 2))
            case .char("g"), .home: offset = 0
            case .char("G"), .end: offset = max(0, max(diff.messagesA.count, diff.messagesB.count) * 3 - state.height / 2)
            default: break
            }
        }
    }
}
