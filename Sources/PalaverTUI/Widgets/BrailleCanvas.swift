/// A grid of braille cells used as dots, 2 across and 4 down per cell, for
/// line charts at four times the rows a terminal has. Each cell remembers the
/// series that drew in it last, for its colour.
struct BrailleCanvas {
    let width: Int
    let height: Int
    private(set) var dots: [UInt8]
    private(set) var series: [Int]

    init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        dots = Array(repeating: 0, count: self.width * self.height)
        series = Array(repeating: -1, count: self.width * self.height)
    }

    var dotWidth: Int { width * 2 }
    var dotHeight: Int { height * 4 }

    /// Braille dot bits by row (0–3) and column (0–1) inside a cell.
    static let bits: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]

    mutating func plot(_ x: Int, _ y: Int, series s: Int) {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
        let cell = (y / 4) * width + x / 2
        dots[cell] |= Self.bits[y % 4][x % 2]
        series[cell] = s
    }

    /// A straight line of dots (Bresenham); `dashed` leaves gaps every other pair of columns.
    mutating func line(from a: (x: Int, y: Int), to b: (x: Int, y: Int), series s: Int, dashed: Bool = false) {
        var x = a.x, y = a.y
        let dx = abs(b.x - a.x), dy = -abs(b.y - a.y)
        let sx = a.x < b.x ? 1 : -1, sy = a.y < b.y ? 1 : -1
        var error = dx + dy
        while true {
            if !dashed || (x / 2) % 2 == 0 { plot(x, y, series: s) }
            if x == b.x && y == b.y { break }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x += sx }
            if e2 <= dx { error += dx; y += sy }
        }
    }

    func draw(into buffer: inout Buffer, at origin: (x: Int, y: Int), style: (Int) -> Style) {
        for row in 0..<height {
            for column in 0..<width where dots[row * width + column] != 0 {
                let glyph = Character(Unicode.Scalar(0x2800 + UInt32(dots[row * width + column]))!)
                buffer.set(glyph, x: origin.x + column, y: origin.y + row, style: style(series[row * width + column]))
            }
        }
    }
}
