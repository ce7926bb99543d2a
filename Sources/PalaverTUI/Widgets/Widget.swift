import PalaverEngine
/// Something that draws itself into a rectangle of a buffer, and nowhere else.
public protocol Widget {
    func render(in area: Rect, buffer: inout Buffer)
}

/// A bordered box with a title on the left and a note on the right; its
/// inner rectangle is where the content goes.
public struct Block: Widget {
    public var title: String
    public var titleStyle: Style
    public var note: String
    public var noteStyle: Style
    public var borderStyle: Style
    /// Heavier lines mark the focused pane.
    public var focused: Bool

    public init(title: String, titleStyle: Style, note: String = "", noteStyle: Style = .plain,
                borderStyle: Style, focused: Bool = false) {
        self.title = title
        self.titleStyle = titleStyle
        self.note = note
        self.noteStyle = noteStyle
        self.borderStyle = borderStyle
        self.focused = focused
    }

    public static func inner(_ area: Rect) -> Rect { area.inset(1) }

    public func render(in area: Rect, buffer: inout Buffer) {
        guard area.width >= 2, area.height >= 2 else { return }
        let (h, v, tl, tr, bl, br): (Unicode.Scalar, Unicode.Scalar, Unicode.Scalar, Unicode.Scalar, Unicode.Scalar, Unicode.Scalar) =
            focused ? ("━", "┃", "┏", "┓", "┗", "┛") : ("─", "│", "╭", "╮", "╰", "╯")
        let right = area.maxX - 1, bottom = area.maxY - 1
        for x in area.x...right {
            buffer.set(scalar: h, x: x, y: area.y, style: borderStyle)
            buffer.set(scalar: h, x: x, y: bottom, style: borderStyle)
        }
        for y in area.y...bottom {
            buffer.set(scalar: v, x: area.x, y: y, style: borderStyle)
            buffer.set(scalar: v, x: right, y: y, style: borderStyle)
        }
        buffer.set(scalar: tl, x: area.x, y: area.y, style: borderStyle)
        buffer.set(scalar: tr, x: right, y: area.y, style: borderStyle)
        buffer.set(scalar: bl, x: area.x, y: bottom, style: borderStyle)
        buffer.set(scalar: br, x: right, y: bottom, style: borderStyle)
        let room = area.width - 4
        guard room > 0 else { return }
        var noteText = ""
        if !note.isEmpty {
            noteText = DisplayWidth.truncate(note, to: max(0, room / 2))
        }
        let titleRoom = room - (noteText.isEmpty ? 0 : DisplayWidth.of(noteText) + 3)
        if titleRoom > 0, !title.isEmpty {
            let t = " " + DisplayWidth.truncate(title, to: titleRoom) + " "
            buffer.write(t, x: area.x + 1, y: area.y, style: titleStyle, limit: right)
        }
        if !noteText.isEmpty {
            let n = " " + noteText + " "
            buffer.write(n, x: right - DisplayWidth.of(n), y: area.y, style: noteStyle, limit: right)
        }
    }
}

/// Draws a line of styled pieces from left to right, clipped to the area.
public struct Line {
    public var spans: [(text: String, style: Style)]

    public init(_ spans: [(String, Style)]) { self.spans = spans.map { (text: $0.0, style: $0.1) } }

    public var width: Int { spans.reduce(0) { $0 + DisplayWidth.of($1.text) } }

    @discardableResult
    public func draw(x: Int, y: Int, limit: Int, buffer: inout Buffer) -> Int {
        var col = x
        for span in spans {
            col = buffer.write(span.text, x: col, y: y, style: span.style, limit: limit)
            if col >= limit { break }
        }
        return col
    }
}

extension Int {
    /// 1234 → "1.2k", 1_500_000 → "1.5M": counters that fit a pane title.
    public var compact: String {
        switch self {
        case ..<1000: return "\(self)"
        case ..<10_000: return "\(self / 1000).\((self % 1000) / 100)k"
        case ..<1_000_000: return "\(self / 1000)k"
        default: return "\(self / 1_000_000).\((self % 1_000_000) / 100_000)M"
        }
    }
}
