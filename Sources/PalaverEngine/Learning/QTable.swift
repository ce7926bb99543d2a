/// Action values for a tabular learner, with how often each state and
/// action was visited and where taking it led, for the policy graph.
public struct QTable: Sendable, Equatable {
    public let states: Int
    public let actions: Int
    public var values: [Double]
    public var visits: [Int]
    /// (state * actions + action) → successor state → count, gathered late in training.
    public var successors: [Int: [Int: Int]] = [:]

    public init(states: Int, actions: Int) {
        self.states = states
        self.actions = actions
        values = Array(repeating: 0, count: states * actions)
        visits = Array(repeating: 0, count: states * actions)
    }

    @inline(__always)
    public func value(_ s: Int, _ a: Int) -> Double { values[s * actions + a] }

    /// The best action in a state (ties: the first); unvisited states hold the middle action.
    @inline(__always)
    public func greedy(_ s: Int) -> Int {
        let base = s * actions
        var best = 0, bestValue = -Double.infinity, seen = false
        for a in 0..<actions {
            if visits[base + a] > 0 { seen = true }
            let v = values[base + a]
            if v > bestValue { bestValue = v; best = a }
        }
        return seen ? best : actions / 2
    }

    @inline(__always)
    public func maxValue(_ s: Int) -> Double {
        let base = s * actions
        var m = values[base]
        for a in 1..<actions where values[base + a] > m { m = values[base + a] }
        return m
    }

}
