import PalaverEngine

/// A replay's position: time, a bar with the playhead and markers for
/// injections (▲), takeovers (◆) and errors (✗), event and step counts.
struct TimelineBar: Widget {
    let state: AppState
    let replay: ReplayStatus

    func render(in area: Rect, buffer: inout Buffer) {
        let theme = state.theme
        let left = (replay.playing ? "▶ " : "⏸ ") + MessageLog.clock(replay.currentTime) + " / " + MessageLog.clock(replay.totalTime) + " "
        var right = " event \(replay.position)/\(replay.total) · step \(state.projection.step) · \(replay.speed)"
        if replay.indexed < 1 { right += " · indexing \(Int(replay.indexed * 100))%" }
        let x = buffer.write(left, x: area.x, y: area.y, style: Style(foreground: replay.playing ? theme.ok : theme.warning, attributes: .bold))
        let rightWidth = DisplayWidth.of(right)
        let barStart = x, barEnd = area.maxX - rightWidth
        buffer.write(right, x: barEnd, y: area.y, style: Style(foreground: theme.muted), limit: area.maxX)
        let width = barEnd - barStart
        guard width >= 4 else { return }
        let total = max(1, replay.total)
        let head = min(width - 1, replay.position * width / total)
        for i in 0..<width {
            buffer.set(i < head ? "━" : "─", x: barStart + i, y: area.y, style: Style(foreground: i < head ? theme.accent : theme.border))
        }
        for marker in replay.markers {
            let col = barStart + min(width - 1, marker.event * width / total)
            switch marker.kind {
            case .injection: buffer.set("▲", x: col, y: area.y, style: Style(foreground: theme.warning, attributes: .bold))
            case .takeover: buffer.set("◆", x: col, y: area.y, style: Style(foreground: theme.special, attributes: .bold))
            case .error: buffer.set("✗", x: col, y: area.y, style: Style(foreground: theme.error, attributes: .bold))
            }
        }
        buffer.set("●", x: barStart + head, y: area.y, style: Style(foreground: theme.accent, attributes: .bold))
    }
}
