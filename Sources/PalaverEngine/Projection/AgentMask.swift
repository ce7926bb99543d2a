/// A small set of agents, kept in one word for rosters of up to 64 (the
/// log holds one per message, so it must stay small); larger rosters spill
/// into an array.
public struct AgentMask: Sendable, Hashable {
    private var bits: UInt64 = 0
    private var spilled: [Int]?

    public init() {}

    public init(_ agents: some Sequence<AgentID>) {
        for agent in agents { insert(agent) }
    }

    public var isEmpty: Bool { bits == 0 && (spilled?.isEmpty ?? true) }

    public func contains(_ agent: AgentID) -> Bool {
        agent.index < 64 ? bits & (1 << UInt64(agent.index)) != 0 : spilled?.contains(agent.index) == true
    }

    public mutating func insert(_ agent: AgentID) {
        guard agent.index >= 0 else { return }
        if agent.index < 64 { bits |= 1 << UInt64(agent.index) } else if !contains(agent) { spilled = (spilled ?? []) + [agent.index] }
    }

    public mutating func remove(_ agent: AgentID) {
        guard agent.index >= 0 else { return }
        if agent.index < 64 { bits &= ~(1 << UInt64(agent.index)) } else { spilled?.removeAll { $0 == agent.index } }
    }

    /// The agents in roster order.
    public var members: [AgentID] {
        var out: [AgentID] = []
        var rest = bits
        while rest != 0 {
            let i = rest.trailingZeroBitCount
            out.append(AgentID(i))
            rest &= rest - 1
        }
        return out + (spilled ?? []).sorted().map(AgentID.init)
    }
}
