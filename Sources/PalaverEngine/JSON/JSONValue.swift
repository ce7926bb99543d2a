/// A parsed JSON value. Objects keep their keys in order in a small array:
/// our objects have a dozen keys at most, where a linear scan beats hashing.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var object: JSONObject? { if case .object(let o) = self { return o }; return nil }
    public var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }

    public var int: Int? {
        switch self {
        case .integer(let i): return Int(i)
        case .number(let d) where d == d.rounded() && abs(d) < 9e15: return Int(d)
        default: return nil
        }
    }

    public var double: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        default: return nil
        }
    }
}

public struct JSONObject: Sendable, Equatable {
    public var fields: [(key: String, value: JSONValue)]

    public init(fields: [(key: String, value: JSONValue)] = []) { self.fields = fields }

    public subscript(key: String) -> JSONValue? {
        for field in fields where field.key == key { return field.value }
        return nil
    }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
