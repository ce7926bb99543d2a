/// A distributed constraint optimisation problem: variables owned by agents,
/// each with a finite domain, and cost functions over one or more of them.
/// Costs are kept as tables over the domains (so algorithms never re-evaluate
/// expressions) and always minimised: a `max` problem's costs are negated,
/// and reported back in its own sign.
public struct DCOPProblem: Sendable {
    public enum Objective: String, Sendable { case min, max }

    public struct Variable: Sendable {
        public var name: String
        public var domain: [DCOPValue]
        /// Index into `agents`.
        public var owner: Int
        /// Cost of each domain value on its own (zeros when none).
        public var unary: [Double]
    }

    public struct Constraint: Sendable {
        public var name: String
        /// Variable indices, in the order the table uses.
        public var scope: [Int]
        /// Costs, row-major over the scope's domains (the last variable varies fastest).
        public var table: [Double]
        /// Row-major strides per scope position.
        public var strides: [Int]

        @inline(__always)
        public func cost(_ assignment: [Int]) -> Double {
            var index = 0
            for (k, v) in scope.enumerated() { index += assignment[v] * strides[k] }
            return table[index]
        }
    }

    public var name: String
    public var objective: Objective
    public var variables: [Variable]
    public var constraints: [Constraint]
    public var agents: [String]
    /// A constraint cost at or above this is a broken hard limit.
    public var hardThreshold = 10_000.0

    public init(name: String, objective: Objective, variables: [Variable], constraints: [Constraint], agents: [String]) {
        self.name = name
        self.objective = objective
        self.variables = variables
        self.constraints = constraints
        self.agents = agents
    }

    /// 1 for min, −1 for max: internal (minimised) cost × sign is the cost in the problem's own terms.
    public var sign: Double { objective == .max ? -1 : 1 }

    /// Total cost (minimised form) of a full assignment of domain indices.
    public func internalCost(_ assignment: [Int]) -> Double {
        var total = 0.0
        for (i, v) in variables.enumerated() { total += v.unary[assignment[i]] }
        for c in constraints { total += c.cost(assignment) }
        return total
    }

    /// The cost as the problem states it (a `max` problem's value is its utility).
    public func cost(_ assignment: [Int]) -> Double { internalCost(assignment) * sign }

    /// Whether any cost could break a hard limit (else every cost is soft).
    public var hasHardLimits: Bool {
        variables.contains { $0.unary.contains { $0 * sign >= hardThreshold } }
            || constraints.contains { $0.table.contains { $0 * sign >= hardThreshold } }
    }

    /// Constraints whose cost breaks a hard limit.
    public func violations(_ assignment: [Int]) -> [Int] {
        constraints.indices.filter { constraints[$0].cost(assignment) * sign >= hardThreshold }
    }

    /// For each variable, the constraints it is in.
    public var constraintsOf: [[Int]] {
        var out = Array(repeating: [Int](), count: variables.count)
        for (ci, c) in constraints.enumerated() { for v in Set(c.scope) { out[v].append(ci) } }
        return out
    }

    /// For each variable, the variables it shares a constraint with.
    public var neighbours: [[Int]] {
        var out = Array(repeating: Set<Int>(), count: variables.count)
        for c in constraints { for a in c.scope { for b in c.scope where a != b { out[a].insert(b) } } }
        return out.map { $0.sorted() }
    }

    /// The cost change of a variable taking each value, the others as in `assignment` (minimised form).
    public func localCosts(of v: Int, _ assignment: [Int], constraintsOf: [[Int]]) -> [Double] {
        var a = assignment
        return (0..<variables[v].domain.count).map { value in
            a[v] = value
            var total = variables[v].unary[value]
            for ci in constraintsOf[v] { total += constraints[ci].cost(a) }
            return total
        }
    }

    /// An assignment as `name = value` pairs, by variable name.
    public func describe(_ assignment: [Int]) -> [(String, DCOPValue)] {
        variables.enumerated().map { ($1.name, $1.domain[assignment[$0]]) }
    }
}
