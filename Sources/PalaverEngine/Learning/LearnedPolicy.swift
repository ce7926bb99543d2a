/// A stage's learned ordering strategy: a Q-table played greedily.
public struct LearnedPolicy: OrderPolicy, Sendable, Equatable {
    public var stage: String
    public var encoder: BeerStateEncoder
    public var table: QTable
    /// The state it was last in, for the policy graph.
    public private(set) var currentState: Int?

    public init(stage: String, encoder: BeerStateEncoder, table: QTable) {
        self.stage = stage
        self.encoder = encoder
        self.table = table
    }

    public mutating func reset() { currentState = nil }

    public mutating func order(for o: BeerObservation) -> Int {
        let s = encoder.state(o)
        currentState = s
        return encoder.order(table.greedy(s), o)
    }

    /// How often each action was taken in a state late in training (ε-greedy, so mostly the
    /// greedy one), as probabilities; a state never reached then gets its greedy action.
    public func actionProbabilities(_ s: Int) -> [Double] {
        let counts = (0..<table.actions).map { a in table.successors[s * table.actions + a]?.values.reduce(0, +) ?? 0 }
        let total = counts.reduce(0, +)
        guard total > 0 else { return (0..<table.actions).map { $0 == table.greedy(s) ? 1 : 0 } }
        return counts.map { Double($0) / Double(total) }
    }

    /// States reached late in training, most visited first.
    public var reachedStates: [Int] {
        var visits: [Int: Int] = [:]
        for (key, next) in table.successors { visits[key / table.actions, default: 0] += next.values.reduce(0, +) }
        return visits.sorted { ($0.value, -$0.key) > ($1.value, -$1.key) }.map(\.key)
    }

    /// Where an action most often led from a state, if seen.
    public func likelySuccessor(_ s: Int, _ a: Int) -> Int? {
        table.successors[s * table.actions + a]?.max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key
    }
}
