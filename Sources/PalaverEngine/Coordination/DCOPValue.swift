/// A value in a DCOP: a domain value or the result of a cost expression.
/// Follows Python's rules closely enough for pyDCOP's expressions.
public enum DCOPValue: Hashable, Sendable, CustomStringConvertible {
    case number(Double)
    case text(String)
    case bool(Bool)

    public var description: String {
        switch self {
        case .number(let x): return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
        case .text(let s): return s
        case .bool(let b): return b ? "True" : "False"
        }
    }

    /// As a number, when it is one (True is 1, as in Python).
    var number: Double? {
        switch self {
        case .number(let x): return x
        case .bool(let b): return b ? 1 : 0
        case .text: return nil
        }
    }

    var truthy: Bool {
        switch self {
        case .number(let x): return x != 0
        case .text(let s): return !s.isEmpty
        case .bool(let b): return b
        }
    }

    static func equal(_ a: DCOPValue, _ b: DCOPValue) -> Bool {
        if let x = a.number, let y = b.number { return x == y }
        if case .text(let s) = a, case .text(let t) = b { return s == t }
        return false
    }
}
