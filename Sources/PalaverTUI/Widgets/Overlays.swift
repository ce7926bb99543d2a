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

/// The `?` help, generated from the keymap.
struct HelpOverlay: Widget {
    let theme: Theme
    let keymap: Keymap

    func render(in area: Rect, buffer: inout Buffer) {
        let sections = keymap.helpSections
        let plainRows = sections.reduce(0) { $0 + $1.lines.count + 2 }
        // Two columns when one would not fit the screen's height.
        let twoColumns = plainRows + 3 > area.height - 2 && area.width >= 100
        // Texts too long for their column go on under themselves rather than being cut.
        let frameWidth = min(twoColumns ? 150 : 84, area.width - 2)
        let columnWidth = twoColumns ? (frameWidth - 4) / 2 : frameWidth - 4
        let textRoom = max(8, columnWidth - 15)
        let wrapped = sections.map { $0.lines.map { DisplayWidth.wrap($0.text, to: textRoom) } }
        // Split where the taller column is shortest.
        let heights = wrapped.map { $0.reduce(0) { $0 + max(1, $1.count) } + 2 }
        let rows = heights.reduce(0, +)
        var split = sections.count, tallest = rows
        if twoColumns {
            for k in 1..<sections.count {
                let left = heights[..<k].reduce(0, +)
                let candidate = max(left, rows - left)
                if candidate < tallest { tallest = candidate; split = k }
            }
        }
        let inner = Overlay.frame("Keys", width: frameWidth, height: tallest + 3, in: area, theme: theme, buffer: &buffer)
        let keyStyle = Style(foreground: theme.accent, background: theme.panel, attributes: .bold)
        let textStyle = Style(foreground: theme.text, background: theme.panel)
        var x = inner.x, y = inner.y
        for (index, section) in sections.enumerated() {
            if index == split {
                x = inner.x + columnWidth
                y = inner.y
            }
            guard y < inner.maxY - 1 else { break }
            let limit = min(inner.maxX, x + columnWidth - 1)
            buffer.write(section.title, x: x, y: y, style: Style(foreground: theme.muted, background: theme.panel, attributes: .bold), limit: limit)
            y += 1
            for (line, pieces) in zip(section.lines, wrapped[index]) where y < inner.maxY - 1 {
                buffer.write(line.keys, x: x + 2, y: y, style: keyStyle, limit: limit)
                for piece in pieces where y < inner.maxY - 1 {
                    buffer.write(piece, x: x + 14, y: y, style: textStyle, limit: limit)
                    y += 1
                }
                if pieces.isEmpty { y += 1 }
            }
            y += 1
        }
        buffer.write("Any key closes this help.", x: inner.x, y: inner.maxY - 1, style: Style(foreground: theme.muted, background: theme.panel), limit: inner.maxX)
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
        var facts = "step \(m.step) · \(MessageLog.clock(m.time)) · \(m.kind.rawValue) · message #\(m.id)"
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
