/// The optimum of a DCOP by depth-first branch and bound. Problems of unary and
/// pair constraints are searched keeping soft arc consistency by cost transfer
/// (`CostTransferSearch`: the bound is c∅, the cost every completion pays);
/// problems with wider constraints by a mini-bucket bound
/// (`MiniBucketSearch`), which takes those into its bound. Both work on
/// `ExactSolverModel`: every table shifted to a least entry of 0, constraints on
/// the same pair summed, variables in the reverse of a min-fill elimination
/// order. The search starts from a good assignment: greedy in that order, then
/// iterated local search (one-variable moves until none helps, a random kick to
/// a tenth of the variables, kept when no worse), so that it only has to prove.
///
/// With a time limit it stops, and reports the best assignment found and the
/// proven lower bound (the bound at the root).
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

    /// Which search proves the optimum.
    public enum Method: Sendable { case automatic, costTransfer, miniBucket }

    let problem: DCOPProblem
    public var method = Method.automatic
    /// Start from the local-search assignment (off in tests, so the search alone must find the optimum).
    var startsFromLocalSearch = true
    public init(problem: DCOPProblem) { self.problem = problem }

    /// `timeout`: seconds before giving up (nil: none). `progress` is called about once a second.
    public func solve(timeout: Double? = nil, progress: ((Progress) -> Void)? = nil) -> Result {
        let started = MonotonicClock.seconds()
        let order = problem.variables.count <= 5_000 ? ExactSolverModel.minFillOrder(problem) : ExactSolverModel.searchOrder(problem)
        let model = ExactSolverModel(problem: problem, order: order)
        // A first solution: greedy in search order, then improved by local search.
        var start = Array(repeating: 0, count: problem.variables.count)
        let constraintsOf = problem.constraintsOf
        for v in order {
            let costs = problem.localCosts(of: v, start, constraintsOf: constraintsOf)
            start[v] = costs.indices.min { costs[$0] < costs[$1] } ?? 0
        }
        start = Self.improved(problem, start)
        let wide = model.closing.contains { !$0.isEmpty }
        var search: any BoundedSearch = method == .miniBucket || (method == .automatic && wide)
            ? MiniBucketSearch(model: model) : CostTransferSearch(model: model)
        if startsFromLocalSearch {
            search.ledger.best = problem.internalCost(start) + 1e-7
            search.ledger.bestValues = order.map { start[$0] }
        }
        search.ledger.deadline = timeout.map { started + $0 }
        if let progress {
            search.ledger.progress = { nodes, best, bound in
                progress(Progress(nodes: nodes, seconds: MonotonicClock.seconds() - started, best: best, bound: bound))
            }
        }
        search.run()
        var assignment = Array(repeating: 0, count: order.count)
        for (k, v) in order.enumerated() { assignment[v] = search.ledger.bestValues[k] }
        let cost = problem.internalCost(assignment)
        return Result(assignment: assignment, internalCost: cost, nodesExplored: search.ledger.nodes, optimal: !search.ledger.stopped,
                      lowerBound: search.ledger.stopped ? min(cost, search.rootBound) : cost)
    }

    /// One-variable moves that lower the cost, until none does.
    static func polished(_ p: DCOPProblem, _ start: [Int], constraintsOf: [[Int]]) -> [Int] {
        var a = start
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

    /// Iterated local search: polish, kick a tenth of the variables to random values, polish again, keep it when no
    /// worse; the best seen. Seeded, so a solve is repeatable; about 300 kicks on small problems, fewer on large ones.
    static func improved(_ p: DCOPProblem, _ start: [Int]) -> [Int] {
        let n = p.variables.count
        guard n > 0 else { return start }
        let constraintsOf = p.constraintsOf
        var random = SeededGenerator(seed: 0x1E5)
        var best = polished(p, start, constraintsOf: constraintsOf), bestCost = p.internalCost(best)
        var current = best, currentCost = bestCost
        let work = n + p.constraints.count
        for _ in 0..<max(5, min(300, 100_000 / max(1, work))) {
            var a = current
            for _ in 0..<max(2, n / 10) {
                let v = Int(random.next() % UInt64(n))
                a[v] = Int(random.next() % UInt64(p.variables[v].domain.count))
            }
            a = polished(p, a, constraintsOf: constraintsOf)
            let cost = p.internalCost(a)
            if cost <= currentCost + 1e-9 {
                current = a
                currentCost = cost
                if cost < bestCost - 1e-9 { best = a; bestCost = cost }
            }
        }
        return best
    }
}

/// What `ExactSolver` needs of a branch and bound: it searches below the root for
/// anything cheaper than `ledger.best` (values by search position), and proves it.
protocol BoundedSearch {
    /// The incumbent, the nodes explored, the deadline and the progress callback.
    var ledger: SearchLedger { get set }
    /// No assignment costs less than this.
    var rootBound: Double { get }
    mutating func run()
}
