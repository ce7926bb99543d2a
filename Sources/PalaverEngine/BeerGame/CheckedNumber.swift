/// Numbers from files, flags and specs become values here, checked once
/// (finite, in range) rather than converted with `Int(x)` where they are used,
/// which traps on NaN, infinities and anything beyond Int.
public enum CheckedNumber {
    /// A finite number within `range`, or nil.
    public static func real(_ x: Double, in range: ClosedRange<Double>) -> Double? {
        x.isFinite && range.contains(x) ? x : nil
    }

    /// A whole number within `range` (text such as "28"), or nil.
    public static func whole(_ text: some StringProtocol, in range: ClosedRange<Int>) -> Int? {
        guard let n = Int(text), range.contains(n) else { return nil }
        return n
    }

    /// `x` rounded and clamped into `range`; NaN gives the lower bound. For computed values
    /// (an order from a rule) where every input was checked but the arithmetic may still run far.
    public static func clamped(_ x: Double, to range: ClosedRange<Int>) -> Int {
        guard !x.isNaN else { return range.lowerBound }
        let r = x.rounded()
        if r <= Double(range.lowerBound) { return range.lowerBound }
        if r >= Double(range.upperBound) { return range.upperBound }
        return Int(r)
    }
}
