import PalaverEngine

/// A replay's position: time, a bar with the playhead and markers for
/// injections (▲), takeovers (◆), errors (✗) and the pauses playback skips (‖), event and step counts.
struct TimelineBar: Widget {
    let state: AppState
    let replay: ReplayStatus

    func render(in area: Rect, buffer: inout Buffer) {
        let theme = state.theme
        let left = (replay.playing ? "▶ " : "⏸ ") + MessageLog.clock(replay.currentTime) + " / " + MessageLog.clock(replay.totalTime) + " "
        var right = " event \(replay.position)/\(replay.total) · step \(state.projection.step) · \(replay.speed)"
        if replay.indexed < 1 { right += " · indexing \(Int(replay.indexed * 100))%" }
        // A pause the run stood in, just played past: skipped, with how long it really was.
        if let span = replay.pausedSpans.last(where: { $0.event < replay.position && replay.position - $0.event <= 40 }) {
            right = " ‖ paused \(Self.span(span.seconds)) skipped ·" + right
        }
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
        for span in replay.pausedSpans {
            buffer.set("‖", x: barStart + min(width - 1, span.event * width / total), y: area.y, style: Style(foreground: theme.muted, attributes: .bold))
        }
        for marker in replay.markers {
            let col = barStart + min(width - 1, marker.event * width / total)
            switch marker.kind {
            case .injection: buffer.set("▲", x: col, y: area.y, style: Style(foreground: theme.warning, attributes: .bold))
            case .takeover: buffer.set("◆", x: col, y: area.y, style: Style(foreground: theme.special, attributes: .bold))
            case .error: buffer.set("✗", x: col, y: area.y, style: Style(foreground: theme.error, attributes: .bold))
            case .breakpoint: buffer.set("◉", x: col, y: area.y, style: Style(foreground: theme.error, attributes: .bold))
            }
        }
        buffer.set("●", x: barStart + head, y: area.y, style: Style(foreground: theme.accent, attributes: .bold))
    }

    /// A pause's real length, short: `42s`, `3m30s`, `2h05m`.
    static func span(_ seconds: Double) -> String {
        let s = CheckedNumber.clamped(seconds.rounded(), to: 0...Int(Int32.max))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" + (s % 60 < 10 ? "0" : "") + "\(s % 60)s" }
        let m = (s % 3600) / 60
        return "\(s / 3600)h" + (m < 10 ? "0" : "") + "\(m)m"
    }
}
