/// Reduces theme colours to what a terminal can show: 256 colours, 16, 8, or none.
public struct TerminalColors: Sendable {
    public let count: Int

    public init(count: Int) { self.count = count }

    /// The terminal colour number for a colour; -1 is the terminal's default.
    public func number(for color: Color) -> Int {
        switch color {
        case .default: return -1
        case .indexed(let n): return Int(n) < count ? Int(n) : nearestBasic(Self.rgbOfIndex(Int(n)))
        case .rgb(let r, let g, let b):
            if count >= 256 { return Self.nearest256(r, g, b) }
            return nearestBasic((r, g, b))
        }
    }

    /// The xterm 256-colour cube and grey ramp entry closest to an RGB colour.
    static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        func level(_ v: UInt8) -> Int { v < 48 ? 0 : v < 115 ? 1 : (Int(v) - 35) / 40 }
        let steps = [0, 95, 135, 175, 215, 255]
        let (ri, gi, bi) = (level(r), level(g), level(b))
        let cube = 16 + 36 * ri + 6 * gi + bi
        let cubeRGB = (steps[ri], steps[gi], steps[bi])
        let average = (Int(r) + Int(g) + Int(b)) / 3
        let greyIndex = average > 238 ? 23 : max(0, (average - 3) / 10)
        let greyValue = 8 + 10 * greyIndex
        func distance(_ c: (Int, Int, Int)) -> Int {
            let dr = c.0 - Int(r), dg = c.1 - Int(g), db = c.2 - Int(b)
            return dr * dr + dg * dg + db * db
        }
        return distance((greyValue, greyValue, greyValue)) < distance(cubeRGB) ? 232 + greyIndex : cube
    }

    static let basic: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    func nearestBasic(_ rgb: (UInt8, UInt8, UInt8)) -> Int {
        let limit = min(count, 16)
        guard limit > 0 else { return -1 }
        var best = 0, bestDistance = Int.max
        for i in 0..<limit {
            let c = Self.basic[i]
            let dr = c.0 - Int(rgb.0), dg = c.1 - Int(rgb.1), db = c.2 - Int(rgb.2)
            let d = dr * dr + dg * dg + db * db
            if d < bestDistance { bestDistance = d; best = i }
        }
        return best
    }

    static func rgbOfIndex(_ n: Int) -> (UInt8, UInt8, UInt8) {
        if n < 16 { let c = basic[n]; return (UInt8(c.0), UInt8(c.1), UInt8(c.2)) }
        if n >= 232 { let v = UInt8(8 + 10 * (n - 232)); return (v, v, v) }
        let steps: [UInt8] = [0, 95, 135, 175, 215, 255]
        let i = n - 16
        return (steps[i / 36], steps[(i / 6) % 6], steps[i % 6])
    }
}
