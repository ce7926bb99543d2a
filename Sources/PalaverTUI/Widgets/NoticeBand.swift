import PalaverEngine

/// A notice too long for the bottom line, shown whole, wrapped, in a band just
/// above the status bar (over the log's last rows) until it fades: at 80
/// columns many notices would otherwise lose their end, which is often the
/// part that says what to do.
struct NoticeBand: Widget {
    let state: AppState

    static func text(of notice: (text: String, isError: Bool)) -> String {
        (notice.isError ? "! " : "› ") + notice.text.sanitizedForTerminal(singleLine: true)
    }

    /// The notice's lines when it does not fit in `width` on one line; nil when it does.
    static func lines(of notice: (text: String, isError: Bool), width: Int) -> [String]? {
        let text = text(of: notice)
        guard DisplayWidth.of(text) > width, width > 4 else { return nil }
        return DisplayWidth.wrap(text, to: width - 2)
    }

    /// The rows the band takes above `status`, or nil when there is no long notice on show.
    static func rect(for state: AppState, above status: Rect) -> Rect? {
        switch state.mode {
        case .normal, .help, .detail, .inspector, .breakpoints, .mailboxes, .chart: break
        default: return nil  // typing: the bottom line is the prompt, and notices wait
        }
        guard let notice = ComposerLine.passingNotice(state), let lines = lines(of: notice, width: status.width) else { return nil }
        let rows = min(lines.count, max(0, status.y - 1))
        guard rows > 0 else { return nil }
        return Rect(x: status.x, y: status.y - rows, width: status.width, height: rows)
    }

    func render(in area: Rect, buffer: inout Buffer) {
        guard let notice = ComposerLine.passingNotice(state), let lines = Self.lines(of: notice, width: area.width) else { return }
        let theme = state.theme
        let style = Style(foreground: notice.isError ? theme.error : theme.info, background: theme.panel, attributes: notice.isError ? .bold : [])
        buffer.fill(area, with: Cell(" ", style: Style(background: theme.panel)))
        for (row, line) in lines.prefix(area.height).enumerated() {
            buffer.write(line, x: area.x + (row == 0 ? 0 : 2), y: area.y + row, style: style, limit: area.maxX)
        }
    }
}
