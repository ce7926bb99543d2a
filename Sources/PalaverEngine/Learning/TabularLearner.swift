/// A tabular reinforcement learner: Q-learning (off-policy, learns the
/// greedy policy's values) or SARSA (on-policy, learns the values of what it
/// actually does, exploration included), with ε-greedy exploration.
public struct TabularLearner: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case q
        case sarsa
        /// Not a week-by-week learner: each stage learns one order-up-to level from the team's
        /// episode costs (see `LevelTrainer`).
        case level
    }

    public var kind: Kind
    public var table: QTable
    public var learningRate = 0.1
    public var discount = 0.98
    public var epsilon = 1.0
    private var random: SeededGenerator

    public init(kind: Kind, states: Int, actions: Int, seed: UInt64) {
        self.kind = kind
        table = QTable(states: states, actions: actions)
        random = SeededGenerator(seed: seed)
    }

    @inline(__always)
    public mutating func choose(_ s: Int) -> Int {
        if random.nextUnit() < epsilon { return Int(random.next() % UInt64(table.actions)) }
        return table.greedy(s)
    }

    /// Learns from (s, a, r, s′, a′); `next` is nil at the end of an episode.
    @inline(__always)
    public mutating func learn(state s: Int, action a: Int, reward r: Double, next: (state: Int, action: Int)?) {
        let i = s * table.actions + a
        var target = r
        if let next {
            switch kind {
            case .q, .level: target += discount * table.maxValue(next.state)
            case .sarsa: target += discount * table.value(next.state, next.action)
            }
        }
        table.visits[i] += 1
        table.values[i] += learningRate * (target - table.values[i])
    }

    public mutating func noteSuccessor(state s: Int, action a: Int, next: Int) {
        table.successors[s * table.actions + a, default: [:]][next, default: 0] += 1
    }
}
