/// The Distributed Stochastic Algorithm (variant B): each round every variable
/// moves to its best response with probability `p` when that improves, or
/// when it is in conflict and an equally good other value exists.
public final class DSAAgent: DCOPAgent {
    public var probability = 0.7

    override func round(step: Int, outgoing: inout [Outgoing]) {
        for v in owned {
            if step > 1 {
                let costs = problem.localCosts(of: v, values, constraintsOf: constraintsOf)
                let current = costs[values[v]]
                let best = costs.min()!
                let candidates = costs.indices.filter { costs[$0] <= best + 1e-9 && $0 != values[v] }
                let improves = best < current - 1e-9
                let inConflict = constraintsOf[v].contains { problem.constraints[$0].cost(values) > 0 }
                guard !candidates.isEmpty, improves || inConflict, uniform() < probability else { continue }
                values[v] = candidates[Int(random.next() % UInt64(candidates.count))]
            }
            announce(v, outgoing: &outgoing)
        }
    }
}
