/// The Distributed Stochastic Algorithm, in the three variants pyDCOP offers.
/// Each round every variable finds its best response to its neighbours' last
/// values and, with probability `probability`, moves to it when the variant
/// allows:
/// - A: only when that lowers its local cost;
/// - B: also to an equally good other value while one of its constraints is
///   above its own least cost (a conflict that a sideways move may untie);
/// - C: also to an equally good other value, always.
/// Ties pick at random among the equally good values. This is pyDCOP's DSA
/// (synchronous cycles, the same tests and tie handling); only the default
/// probability differs, by problem: see `defaultProbability`.
public final class DSAAgent: DCOPAgent {
    public enum Variant: String, Sendable, CaseIterable { case a = "A", b = "B", c = "C" }

    public var variant: Variant = .b
    public var probability = 0.7

    /// pyDCOP's p = 0.7 where the problem has hard limits (more simultaneous moves thrash there: at 0.9,
    /// 5 more broken limits on average on over-constrained colourings); 0.9 where every cost is soft,
    /// where more moves find better assignments in the same rounds (median gap 1.6 % against 2.2 %
    /// on pyDCOP-size soft colourings — pyDCOP's own DSA: 2.3 %; README has the figures).
    public static func defaultProbability(for problem: DCOPProblem) -> Double {
        problem.hasHardLimits ? 0.7 : 0.9
    }
    /// Each constraint's least cost, for variant B's conflict test.
    private lazy var floors: [Double] = problem.constraints.map { $0.table.min() ?? 0 }

    override func round(step: Int, outgoing: inout [Outgoing]) {
        for v in owned {
            if step > 1 {
                let costs = problem.localCosts(of: v, values, constraintsOf: constraintsOf)
                let current = costs[values[v]]
                let best = costs.min()!
                let candidates = costs.indices.filter { costs[$0] <= best + 1e-9 && $0 != values[v] }
                let improves = best < current - 1e-9
                let sideways: Bool
                switch variant {
                case .a: sideways = false
                case .b: sideways = constraintsOf[v].contains { problem.constraints[$0].cost(values) > floors[$0] + 1e-9 }
                case .c: sideways = true
                }
                guard !candidates.isEmpty, improves || sideways, uniform() < probability else { continue }
                values[v] = candidates[Int(random.next() % UInt64(candidates.count))]
            }
            if announced[v] != values[v] { announce(v, outgoing: &outgoing) }
        }
    }
}
