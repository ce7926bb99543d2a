import PalaverEngine

/// A rectangle on the screen.
public struct Rect: Hashable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    public func inset(_ n: Int) -> Rect { Rect(x: x + n, y: y + n, width: width - 2 * n, height: height - 2 * n) }
    public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }

    /// Splits off `rows` from the top (negative: from the bottom).
    public func splitRows(_ rows: Int) -> (Rect, Rect) {
        let r = rows >= 0 ? min(rows, height) : max(0, height + rows)
        return (Rect(x: x, y: y, width: width, height: r), Rect(x: x, y: y + r, width: width, height: height - r))
    }

    public func splitColumns(_ columns: Int) -> (Rect, Rect) {
        let c = columns >= 0 ? min(columns, width) : max(0, width + columns)
        return (Rect(x: x, y: y, width: c, height: height), Rect(x: x + c, y: y, width: width - c, height: height))
    }
}

/// A grid of cells that widgets draw into. Knows nothing of terminals: the
/// backends turn it (or its difference from the last frame) into output.
public struct Buffer: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        let clipped = clip(rect)
        guard !clipped.isEmpty else { return }
        for y in clipped.y..<clipped.maxY {
            for x in clipped.x..<clipped.maxX { cells[y * width + x] = cell }
        }
    }

    /// Sets the style of every cell in `rect`, keeping the characters.
    public mutating func paint(_ rect: Rect, style: Style) {
        let clipped = clip(rect)
        guard !clipped.isEmpty else { return }
        for y in clipped.y..<clipped.maxY {
            for x in clipped.x..<clipped.maxX { cells[y * width + x].style = style }
        }
    }

    public func clip(_ rect: Rect) -> Rect {
        let x0 = max(0, rect.x), y0 = max(0, rect.y)
        let x1 = min(width, rect.maxX), y1 = min(height, rect.maxY)
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// Puts one narrow character at (x, y), if it is on the buffer.
    public mutating func set(_ character: Character, x: Int, y: Int, style: Style) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        put(Cell(character, width: 1, style: style), x: x, y: y)
    }

    /// Puts one narrow scalar (a border, a mark) at (x, y), if it is on the buffer.
    public mutating func set(scalar: Unicode.Scalar, x: Int, y: Int, style: Style) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        put(Cell(glyph: scalar.value, style: style), x: x, y: y)
    }

    /// Writes text from (x, y), no further than `limit` (the right edge of the
    /// widget's area). Text cut at the edge ends in "…", so a cut never reads
    /// as whole. Wide characters that would straddle the edge are left out.
    /// Text must already be clean of control characters. Returns the column
    /// after the last character written.
    @discardableResult
    public mutating func write(_ text: some StringProtocol, x: Int, y: Int, style: Style, limit: Int? = nil) -> Int {
        guard y >= 0, y < height else { return x }
        let edge = min(limit ?? width, width)
        if let end = text.utf8.withContiguousStorageIfAvailable({ writePrintableASCII($0, x: x, y: y, style: style, edge: edge) }),
           let end {
            return end
        }
        if let end = writeStandaloneScalars(text, x: x, y: y, style: style, edge: edge) { return end }
        return writeCharacters(text, x: x, y: y, style: style, edge: edge)
    }

    /// `write` for text whose every scalar is a character on its own (`DisplayWidth.standsAlone`): a cell per
    /// scalar, with no grapheme breaking; nil for any other text. The same cells as `writeCharacters`.
    mutating func writeStandaloneScalars(_ text: some StringProtocol, x: Int, y: Int, style: Style, edge: Int) -> Int? {
        let scalars = text.unicodeScalars
        for scalar in scalars where !DisplayWidth.standsAlone(scalar.value) { return nil }
        return place(scalars, x: x, y: y, style: style, edge: edge) { ($0.value, DisplayWidth.of($0)) }
    }

    mutating func writeCharacters(_ text: some StringProtocol, x: Int, y: Int, style: Style, edge: Int) -> Int {
        place(text, x: x, y: y, style: style, edge: edge) { (GraphemeTable.glyph(for: $0), DisplayWidth.of($0)) }
    }

    /// `write` for printable ASCII (most text): a character of one column per byte; nil for any other text.
    private mutating func writePrintableASCII(_ bytes: UnsafeBufferPointer<UInt8>, x: Int, y: Int, style: Style, edge: Int) -> Int? {
        for byte in bytes where !(0x20...0x7E).contains(byte) { return nil }
        return place(bytes, x: x, y: y, style: style, edge: edge) { (UInt32($0), 1) }
    }

    /// Places characters from column `x` (each given as its glyph and width), skipping those of no width.
    /// Text cut at `edge` ends in "…" in the last column written (or the one left free).
    @inline(__always)
    private mutating func place<Units: Sequence>(_ units: Units, x: Int, y: Int, style: Style, edge: Int,
                                                 glyph: (Units.Element) -> (UInt32, Int)) -> Int {
        let width = width
        return cells.withUnsafeMutableBufferPointer { cells in
            var col = x
            for unit in units {
                let (code, w) = glyph(unit)
                if w == 0 { continue }
                if col + w > edge {
                    let mark = col < edge ? col : col - 1
                    if mark >= max(0, x) {
                        Buffer.put(Cell(glyph: 0x2026, style: style), x: mark, y: y, width: width, in: cells)
                        col = mark + 1
                    }
                    break
                }
                if col >= 0 {
                    Buffer.put(Cell(glyph: code, width: UInt8(w), style: style), x: col, y: y, width: width, in: cells)
                    if w == 2 { Buffer.put(.continuation(style), x: col + 1, y: y, width: width, in: cells) }
                }
                col += w
            }
            return col
        }
    }

    /// Places a cell, repairing any wide character it cuts in half. A cell
    /// that names no background keeps the one under it, so text drawn on a
    /// theme's background (or a panel's) never shows the terminal's own.
    private mutating func put(_ cell: Cell, x: Int, y: Int) {
        let width = width
        cells.withUnsafeMutableBufferPointer { Buffer.put(cell, x: x, y: y, width: width, in: $0) }
    }

    /// `put` on the cells' memory, for loops that place many (one uniqueness check, no bounds checks).
    @inline(__always)
    private static func put(_ cell: Cell, x: Int, y: Int, width: Int, in cells: UnsafeMutableBufferPointer<Cell>) {
        let i = y * width + x
        var cell = cell
        if cell.style.background == .default { cell.style.background = cells[i].style.background }
        if cells[i].isContinuation, x > 0, cells[i - 1].width == 2 {
            cells[i - 1] = Cell(glyph: 0x20, style: cells[i - 1].style)
        }
        if cells[i].width == 2, x + 1 < width, cell.width != 2 {
            cells[i + 1] = Cell(glyph: 0x20, style: cells[i + 1].style)
        }
        cells[i] = cell
    }

    /// The buffer as text, one line per row, for snapshots and tests.
    public var text: String {
        var lines: [String] = []
        lines.reserveCapacity(height)
        for y in 0..<height {
            var line = ""
            for x in 0..<width {
                let cell = cells[y * width + x]
                if !cell.isContinuation { line.append(cell.character) }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
