/// The one way a number read from a file (session, scenario, theme, policy,
/// problem) or typed by the user becomes an `Int` or a `Double` Palaver
/// computes with. Files are untrusted: `Int(x)` of 1e300 or NaN traps, and
/// Int.max tokens overflow the first sum, so every such number is checked
/// here to be finite and inside a range that makes sense for its field.
/// A `nil` answer means "refuse it" — the caller names the field and the file.
public enum CheckedNumber {
    /// Counts of things Palaver stores: steps, messages, ids, tokens, attempts.
    /// Far above anything real, far below where sums of them could overflow.
    public static let count: ClosedRange<Int> = 0...1_000_000_000_000
    /// Seconds on a session's clock, and durations in seconds or milliseconds (about 30 years).
    public static let seconds: ClosedRange<Double> = 0...1e9
    /// Any other quantity an environment reports (stock, cost, reward).
    public static let quantity: ClosedRange<Double> = -1e12...1e12
    /// A whole-number quantity an agent acts with (an order), either sign.
    public static let wholeQuantity: ClosedRange<Int> = -1_000_000_000_000...1_000_000_000_000

    /// A whole number in `range`: a JSON integer, or a JSON number with no fraction.
    public static func int(_ value: JSONValue?, in range: ClosedRange<Int> = count) -> Int? {
        switch value {
        case .integer(let i)?:
            guard i >= Int64(range.lowerBound), i <= Int64(range.upperBound) else { return nil }
            return Int(i)
        case .number(let d)?:
            return int(exactly: d, in: range)
        default:
            return nil
        }
    }

    /// A finite number in `range`.
    public static func double(_ value: JSONValue?, in range: ClosedRange<Double>) -> Double? {
        switch value {
        case .integer(let i)?: return double(Double(i), in: range)
        case .number(let d)?: return double(d, in: range)
        default: return nil
        }
    }

    /// `d` if it is finite and in `range`.
    public static func double(_ d: Double, in range: ClosedRange<Double>) -> Double? {
        d.isFinite && range.contains(d) ? d : nil
    }

    /// `d` as an Int if it is whole and in `range`.
    public static func int(exactly d: Double, in range: ClosedRange<Int>) -> Int? {
        guard d.isFinite, d == d.rounded(), d >= Double(range.lowerBound), d <= Double(range.upperBound) else { return nil }
        // Double(Int.max) rounds up past Int.max: the conversion below must not be reached with it.
        guard let i = Int(exactly: d), range.contains(i) else { return nil }
        return i
    }

    /// Text (a scenario scalar, a command-line argument) as a whole number in `range`.
    public static func int<S: StringProtocol>(_ text: S, in range: ClosedRange<Int> = count) -> Int? {
        guard let i = Int(text), range.contains(i) else { return nil }
        return i
    }

    /// Text as a finite number in `range` ("nan", "inf" and 1e400 are refused).
    public static func double<S: StringProtocol>(_ text: S, in range: ClosedRange<Double>) -> Double? {
        guard let d = Double(text) else { return nil }
        return double(d, in: range)
    }

    /// For showing a number that may be anything (a live reading, a sum): rounded
    /// and held inside `range`, NaN as the range's lower bound. Never traps.
    public static func clamped(_ d: Double, to range: ClosedRange<Int>) -> Int {
        guard !d.isNaN else { return range.lowerBound }
        let r = d.rounded()
        if r <= Double(range.lowerBound) { return range.lowerBound }
        if r >= Double(range.upperBound) { return range.upperBound }
        return Int(r)
    }

    /// `a + b`, held at Int.max / Int.min instead of trapping: for running totals.
    public static func sum(_ a: Int, _ b: Int) -> Int {
        let (r, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? Int.max : Int.min) : r
    }

    /// How a refused number's field should have looked, for error messages.
    public static func describe(_ range: ClosedRange<Int>) -> String {
        "a whole number from \(range.lowerBound) to \(range.upperBound)"
    }

    public static func describe(_ range: ClosedRange<Double>) -> String {
        "a number from \(NumberText.thousandths(range.lowerBound)) to \(NumberText.thousandths(range.upperBound))"
    }
}
