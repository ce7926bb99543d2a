import PalaverEngine

/// The breakpoints overlay (`B`): what is set, which one the run stands at,
/// and how to add and clear them.
struct BreakpointList: Widget {
    let state: AppState
    let selection: Int

    func render(in area: Rect, buffer: inout Buffer) {
        let theme = state.theme
        let list = state.breakpointList
        let info = state.projection.info
        let label = Style(foreground: theme.muted, background: theme.panel)
        let value = Style(foreground: theme.text, background: theme.panel)
        var lines: [Line] = []
        let stop = state.breakStop
        if list.isEmpty {
            lines.append(Line([("No breakpoints.", value)]))
        }
        for (i, item) in list.enumerated() {
            let here = stop?.hit.id == item.breakpoint.id
            var text = " \(item.breakpoint.id)  " + item.breakpoint.condition.describe(in: info).sanitizedForTerminal(singleLine: true)
            if item.recorded { text += "  (recorded)" }
            if here { text += "  ← stopped here" }
            let style = i == selection ? Style(foreground: theme.text, background: theme.selection, attributes: .bold) : value
            lines.append(Line([(i == selection ? "▸" : " ", Style(foreground: theme.accent, background: theme.panel)), (text, style)]))
        }
        lines.append(Line([]))
        if let stop { lines.append(Line([("Stopped at " + stop.describe(in: info).sanitizedForTerminal(singleLine: true), Style(foreground: theme.warning, background: theme.panel, attributes: .bold))])) }
        let width = min(90, area.width - 2)
        let help = [
            "j k select · d deletes · Esc closes",
            "b on an agent's pane: break before it speaks (b again clears it)",
            ":break agent NAME · :break text WORDS · :break /REGEX/",
            ":break error · :break fallback · :break step N",
        ] + DisplayWidth.wrap((state.replay == nil ? "A hit pauses the run before that turn (no model call made) or just after the event;"
                                                   : "In a replay, playing stops at the run's recorded stops and at your own;")
                              + " space goes on, c inspects the call it concerns.", to: max(8, width - 4))
        for h in help { lines.append(Line([(h, label)])) }
        let inner = Overlay.frame("Breakpoints", width: width, height: min(area.height - 2, lines.count + 2), in: area, theme: theme, buffer: &buffer)
        for (row, line) in lines.prefix(inner.height).enumerated() {
            line.draw(x: inner.x, y: inner.y + row, limit: inner.maxX, buffer: &buffer)
        }
    }
}
