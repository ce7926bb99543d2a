/// A scenario that cannot be used, naming the file, line and field at fault.
public struct ScenarioError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var line: Int?
    public var field: String?
    public var reason: String

    public init(path: String, line: Int? = nil, field: String? = nil, reason: String) {
        self.path = path
        self.line = line
        self.field = field
        self.reason = reason
    }

    public var description: String {
        var place = path
        if let line { place += ":\(line)" }
        // Field names and reasons can quote the file, which is untrusted.
        if let field { return "\(place): \(field.excerpt(100)): \(reason.excerpt(1000))" }
        return "\(place): \(reason.excerpt(1000))"
    }
}
