/// A grid of line segments that become box-drawing characters. Each cell
/// remembers which of its four sides a line leaves by, so where lines cross
/// or meet the cell turns into the proper junction (┼ ├ ┬ …) instead of one
/// line overwriting the other.
struct LineCanvas {
    struct Sides: OptionSet, Hashable {
        let rawValue: UInt8
        static let up = Sides(rawValue: 1), down = Sides(rawValue: 2), left = Sides(rawValue: 4), right = Sides(rawValue: 8)
    }

    let width: Int
    let height: Int
    private(set) var sides: [Sides]
    /// The strongest style that passed through each cell (higher rank wins).
    private(set) var ranks: [Int]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        sides = Array(repeating: [], count: width * height)
        ranks = Array(repeating: -1, count: width * height)
    }

    private mutating func mark(_ x: Int, _ y: Int, _ s: Sides, rank: Int) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        sides[y * width + x].formUnion(s)
        ranks[y * width + x] = max(ranks[y * width + x], rank)
    }

    mutating func horizontal(y: Int, from x0: Int, to x1: Int, rank: Int) {
        guard x0 != x1 else { return }
        let (a, b) = (min(x0, x1), max(x0, x1))
        for x in a...b {
            var s: Sides = []
            if x > a { s.insert(.left) }
            if x < b { s.insert(.right) }
            mark(x, y, s, rank: rank)
        }
    }

    mutating func vertical(x: Int, from y0: Int, to y1: Int, rank: Int) {
        guard y0 != y1 else { return }
        let (a, b) = (min(y0, y1), max(y0, y1))
        for y in a...b {
            var s: Sides = []
            if y > a { s.insert(.up) }
            if y < b { s.insert(.down) }
            mark(x, y, s, rank: rank)
        }
    }

    static func glyph(_ s: Sides) -> Character? {
        switch s.rawValue {
        case 0: return nil
        case Sides.up.rawValue, Sides.down.rawValue, Sides([.up, .down]).rawValue: return "│"
        case Sides.left.rawValue, Sides.right.rawValue, Sides([.left, .right]).rawValue: return "─"
        case Sides([.down, .right]).rawValue: return "┌"
        case Sides([.down, .left]).rawValue: return "┐"
        case Sides([.up, .right]).rawValue: return "└"
        case Sides([.up, .left]).rawValue: return "┘"
        case Sides([.up, .down, .right]).rawValue: return "├"
        case Sides([.up, .down, .left]).rawValue: return "┤"
        case Sides([.left, .right, .down]).rawValue: return "┬"
        case Sides([.left, .right, .up]).rawValue: return "┴"
        default: return "┼"
        }
    }

    /// Draws the lines into the buffer at an offset, styling each cell by its rank.
    func draw(into buffer: inout Buffer, at origin: (x: Int, y: Int), style: (Int) -> Style) {
        for y in 0..<height {
            for x in 0..<width {
                guard let g = Self.glyph(sides[y * width + x]) else { continue }
                buffer.set(g, x: origin.x + x, y: origin.y + y, style: style(ranks[y * width + x]))
            }
        }
    }
}
