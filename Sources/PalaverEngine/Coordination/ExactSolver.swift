/// The optimum of a DCOP by depth-first branch and bound with a mini-bucket
/// lower bound (`MiniBucketSearch`). The search order is the reverse of a
/// min-fill elimination order; every table is first shifted to a least entry
/// of 0 and all constraints on the same pair summed into one
/// (`ExactSolverModel`). The search starts from a good assignment: each
/// variable in turn takes its cheapest value given those before it, then
/// one-variable moves polish it.
///
/// With a time limit it stops, and reports the best assignment found and the
/// proven lower bound (the mini-bucket bound at the root).
public struct ExactSolver {
    public struct Result: Sendable {
        public var assignment: [Int]
        /// Minimised form (see `DCOPProblem.internalCost`).
        public var internalCost: Double
        public var nodesExplored: Int
        /// False when the time limit stopped the search: `assignment` is then the best found.
        public var optimal: Bool
        /// No assignment costs less than this (minimised form); equals `internalCost` when optimal.
        public var lowerBound: Double
    }

    /// Where a search stands, for a progress line.
    public struct Progress: Sendable {
        public var nodes: Int
        public var seconds: Double
        /// Best cost found so far and the proven bound (minimised form).
        public var best: Double
        public var bound: Double
    }

    let problem: DCOPProblem
    public init(problem: DCOPProblem) { self.problem = problem }

    /// `timeout`: seconds before giving up (nil: none). `progress` is called about once a second.
    public func solve(timeout: Double? = nil, progress: ((Progress) -> Void)? = nil) -> Result {
        let started = MonotonicClock.seconds()
        let order = problem.variables.count <= 5_000 ? ExactSolverModel.minFillOrder(problem) : ExactSolverModel.searchOrder(problem)
        let model = ExactSolverModel(problem: problem, order: order)
        var search = MiniBucketSearch(model: model)
        // A first solution: greedy in search order, then polished.
        var start = Array(repeating: 0, count: problem.variables.count)
        let constraintsOf = problem.constraintsOf
        for v in order {
            let costs = problem.localCosts(of: v, start, constraintsOf: constraintsOf)
            start[v] = costs.indices.min { costs[$0] < costs[$1] } ?? 0
        }
        start = Self.polished(problem, start)
        search.best = problem.internalCost(start) + 1e-7
        search.bestValues = order.map { start[$0] }
        search.deadline = timeout.map { started + $0 }
        let rootBound = search.rootBound
        if let progress {
            search.progress = { nodes, best in
                progress(Progress(nodes: nodes, seconds: MonotonicClock.seconds() - started, best: best, bound: rootBound))
            }
        }
        search.run()
        var assignment = Array(repeating: 0, count: order.count)
        for (k, v) in order.enumerated() { assignment[v] = search.bestValues[k] }
        let cost = problem.internalCost(assignment)
        return Result(assignment: assignment, internalCost: cost, nodesExplored: search.nodes, optimal: !search.stopped,
                      lowerBound: search.stopped ? min(cost, rootBound) : cost)
    }

    /// One-variable moves that lower the cost, until none does.
    static func polished(_ p: DCOPProblem, _ start: [Int]) -> [Int] {
        var a = start
        let constraintsOf = p.constraintsOf
        var improved = true
        var sweeps = 0
        while improved && sweeps < 1000 {
            improved = false
            sweeps += 1
            for v in a.indices {
                let costs = p.localCosts(of: v, a, constraintsOf: constraintsOf)
                if let best = costs.indices.min(by: { costs[$0] < costs[$1] }), costs[best] < costs[a[v]] - 1e-9 { a[v] = best; improved = true }
            }
        }
        return a
    }
}
