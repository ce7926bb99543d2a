/// An agent's position in the session's roster. Events and mailboxes use this
/// small integer on the hot path; names appear only at the edges (files, screen).
public struct AgentID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let index: Int

    public init(_ index: Int) { self.index = index }

    public static func < (lhs: AgentID, rhs: AgentID) -> Bool { lhs.index < rhs.index }
    public var description: String { "#\(index)" }
}

/// Who a message comes from.
public enum Party: Hashable, Sendable {
    case agent(AgentID)
    case user
    case system
    case environment

    public var agent: AgentID? {
        if case .agent(let id) = self { return id }
        return nil
    }
}

/// Who a message goes to. `.one` keeps the common case free of allocation.
public enum Recipients: Hashable, Sendable {
    case all
    case one(AgentID)
    case some([AgentID])

    public func includes(_ agent: AgentID) -> Bool {
        switch self {
        case .all: return true
        case .one(let id): return id == agent
        case .some(let ids): return ids.contains(agent)
        }
    }

    /// The agents addressed, in roster order, excluding `sender` for broadcasts.
    public func resolve(count: Int, excluding sender: AgentID?) -> [AgentID] {
        switch self {
        case .all: return (0..<count).map(AgentID.init).filter { $0 != sender }
        case .one(let id): return [id]
        case .some(let ids): return ids
        }
    }
}
