import PalaverEngine

/// A box drawn over the screen, cleared inside.
struct Overlay {
    static func frame(_ title: String, width: Int, height: Int, in screen: Rect, theme: Theme, buffer: inout Buffer) -> Rect {
        let w = min(width, screen.width - 2), h = min(height, screen.height - 2)
        let rect = Rect(x: screen.x + (screen.width - w) / 2, y: screen.y + (screen.height - h) / 2, width: w, height: h)
        buffer.fill(rect, with: Cell(" ", style: Style(foreground: theme.text, background: theme.panel)))
        Block(title: title, titleStyle: Style(foreground: theme.accent, background: theme.panel, attributes: .bold),
              note: "Esc closes", noteStyle: Style(foreground: theme.muted, background: theme.panel),
              borderStyle: Style(foreground: theme.focus, background: theme.panel), focused: true)
            .render(in: rect, buffer: &buffer)
        return Rect(x: rect.x + 2, y: rect.y + 1, width: rect.width - 4, height: rect.height - 2)
    }
}

/// The `?` help, generated from the keymap: the keys of a live run or of a
/// replay, in two columns where one would not fit, scrolled where even two do not.
struct HelpOverlay: Widget {
    typealias Sections = [(title: String, lines: [(keys: String, text: String)])]

    let theme: Theme
    let sections: Sections
    let scroll: Int

    /// One row of a column: a section title, a key with the first line of its text, more of that text, or a gap.
    enum Piece { case title(String), key(String, String), more(String), gap }

    /// The help laid out for a screen: its rows (a left and maybe a right piece each) and how many show at once.
    struct Layout {
        var rows: [(left: Piece, right: Piece?)]
        var frameWidth: Int
        var columnWidth: Int
        var visible: Int
        var maxScroll: Int { max(0, rows.count - visible) }
    }

    static func layout(_ sections: Sections, in area: Rect) -> Layout {
        // The frame's borders and the closing line take 3 rows; the frame leaves a row above and below.
        let room = max(1, area.height - 2 - 3)
        func column(_ width: Int) -> [[Piece]] {
            let textRoom = max(8, width - 15)
            return sections.map { section in
                var pieces: [Piece] = [.title(section.title)]
                for line in section.lines {
                    let wrapped = DisplayWidth.wrap(line.text, to: textRoom)
                    pieces.append(.key(line.keys, wrapped.first ?? ""))
                    pieces += wrapped.dropFirst().map { Piece.more($0) }
                }
                return pieces + [.gap]
            }
        }
        let single = column(min(84, area.width - 2) - 4)
        let singleRows = single.reduce(0) { $0 + $1.count }
        // Two columns when one would not fit the screen's height.
        guard singleRows > room, area.width >= 100 else {
            let rows = single.flatMap { $0 }.map { (left: $0, right: Piece?.none) }
            return Layout(rows: rows, frameWidth: min(84, area.width - 2), columnWidth: min(84, area.width - 2) - 4, visible: min(room, rows.count))
        }
        let frameWidth = min(150, area.width - 2)
        let columnWidth = (frameWidth - 4) / 2
        let blocks = column(columnWidth)
        // Split where the taller column is shortest.
        let total = blocks.reduce(0) { $0 + $1.count }
        var split = blocks.count, tallest = total
        for k in 1..<blocks.count {
            let left = blocks[..<k].reduce(0) { $0 + $1.count }
            if max(left, total - left) < tallest { tallest = max(left, total - left); split = k }
        }
        let left = blocks[..<split].flatMap { $0 }, right = blocks[split...].flatMap { $0 }
        let rows = (0..<max(left.count, right.count)).map { i in
            (left: i < left.count ? left[i] : .gap, right: i < right.count ? right[i] : Piece?.some(.gap))
        }
        return Layout(rows: rows, frameWidth: frameWidth, columnWidth: columnWidth, visible: min(room, rows.count))
    }

    func render(in area: Rect, buffer: inout Buffer) {
        let layout = Self.layout(sections, in: area)
        let first = min(max(0, scroll), layout.maxScroll)
        let title = layout.maxScroll > 0 ? "Keys · \(first + 1)–\(first + layout.visible) of \(layout.rows.count) rows" : "Keys"
        let inner = Overlay.frame(title, width: layout.frameWidth, height: layout.visible + 3, in: area, theme: theme, buffer: &buffer)
        let keyStyle = Style(foreground: theme.accent, background: theme.panel, attributes: .bold)
        let textStyle = Style(foreground: theme.text, background: theme.panel)
        let titleStyle = Style(foreground: theme.muted, background: theme.panel, attributes: .bold)
        func draw(_ piece: Piece, x: Int, y: Int) {
            let limit = min(inner.maxX, x + layout.columnWidth - 1)
            switch piece {
            case .title(let text): buffer.write(text, x: x, y: y, style: titleStyle, limit: limit)
            case .key(let keys, let text):
                buffer.write(keys, x: x + 2, y: y, style: keyStyle, limit: limit)
                buffer.write(text, x: x + 14, y: y, style: textStyle, limit: limit)
            case .more(let text): buffer.write(text, x: x + 14, y: y, style: textStyle, limit: limit)
            case .gap: break
            }
        }
        for (row, pieces) in layout.rows.dropFirst(first).prefix(layout.visible).enumerated() where inner.y + row < inner.maxY - 1 {
            draw(pieces.left, x: inner.x, y: inner.y + row)
            if let right = pieces.right { draw(right, x: inner.x + layout.columnWidth, y: inner.y + row) }
        }
        let footer: String
        if layout.maxScroll == 0 {
            footer = "Any key closes this help."
        } else {
            let more = first < layout.maxScroll ? "↓ more below · " : first > 0 ? "↑ more above · " : ""
            let arrow = first < layout.maxScroll ? "↓ " : "↑ "
            // The longest that fits the frame: at 40 columns the short form, rather than a cut.
            footer = [more + "j k ↑ ↓ PgUp PgDn scroll · any other key closes", more + "j k PgDn scroll · other keys close",
                      arrow + "j k scroll · other keys close"].first { DisplayWidth.of($0) <= inner.width } ?? arrow + "j k scroll"
        }
        buffer.write(footer, x: inner.x, y: inner.maxY - 1, style: Style(foreground: theme.muted, background: theme.panel), limit: inner.maxX)
    }
}

/// A message in full, with what is known about it.
struct MessageDetail: Widget {
    let state: AppState
    let messageID: Int

    func render(in area: Rect, buffer: inout Buffer) {
        let theme = state.theme
        guard let i = state.projection.logPosition(of: messageID), let info = state.projection.info else { return }
        let entry = state.projection.log[i]
        let m = entry.message
        let width = min(100, area.width - 2) - 4
        var lines: [(String, Style)] = []
        let label = Style(foreground: theme.muted, background: theme.panel)
        let value = Style(foreground: theme.text, background: theme.panel)
        lines.append(("\(info.name(of: m.sender)) → \(info.names(of: m.recipients))".sanitizedForTerminal(singleLine: true), value.bold()))
        var facts = "step \(m.step) · \(MessageLog.clock(m.time)) · \(m.kind.rawValue) · id \(m.id) in the session file"
        if let meta = m.metadata { facts += " · \(meta.model) · \(meta.promptTokens)+\(meta.completionTokens) tok · \(CheckedNumber.clamped(meta.latencyMs.rounded(.down), to: 0...Int(Int32.max))) ms" }
        lines.append((facts.sanitizedForTerminal(singleLine: true), label))
        func names(_ mask: AgentMask) -> String { mask.members.map { info.name(of: .agent($0)) }.joined(separator: ", ") }
        var fate: String
        if entry.dropped {
            fate = "dropped before \(names(entry.droppedFor)) read it" + (entry.readBy.isEmpty ? "" : " · read by \(names(entry.readBy))")
        } else if MessageLog.isWaiting(entry, in: state.projection) {
            fate = "waiting for \(names(entry.pending)): e edits, d drops (from the log)"
        } else if entry.isWaiting {
            fate = "never read by \(names(entry.pending)) (the run ended)"
        } else {
            fate = entry.readBy.isEmpty ? "not delivered" : "delivered"
        }
        if let original = entry.originalText {
            fate += " · edited in flight" + (entry.readBeforeEdit.isEmpty ? "" : " (\(names(entry.readBeforeEdit)) read the original: “\(DisplayWidth.truncate(original, to: 40))”)")
        }
        lines.append((fate, label))
        lines.append(("", value))
        for l in DisplayWidth.wrap(MessageLog.shown(m.text).sanitizedForTerminal(), to: width) { lines.append((l, value)) }
        let inner = Overlay.frame("Message", width: width + 4, height: min(area.height - 2, lines.count + 2), in: area, theme: theme, buffer: &buffer)
        for (row, line) in lines.prefix(inner.height).enumerated() {
            buffer.write(line.0, x: inner.x, y: inner.y + row, style: line.1, limit: inner.maxX)
        }
    }
}

/// Shown instead of the workbench when the terminal is below 40×12.
struct TooSmallNotice: Widget {
    let theme: Theme

    func render(in area: Rect, buffer: inout Buffer) {
        let lines = ["terminal too small", "(\(area.width)×\(area.height); Palaver needs \(ScreenLayout.minimumWidth)×\(ScreenLayout.minimumHeight))", "q quits"]
        let top = max(0, area.height / 2 - 1)
        for (i, line) in lines.enumerated() where top + i < area.height {
            let text = DisplayWidth.truncate(line, to: area.width)
            buffer.write(text, x: max(0, (area.width - DisplayWidth.of(text)) / 2), y: top + i,
                         style: Style(foreground: i == 0 ? theme.warning : theme.muted, attributes: i == 0 ? .bold : []))
        }
    }
}
