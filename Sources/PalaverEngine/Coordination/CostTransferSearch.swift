/// Depth-first branch and bound that keeps the remaining problem soft arc
/// consistent by moving costs between tables (as toulbar2 does). Moving cost
/// never changes what any complete assignment costs; it only gathers cost where
/// it must be paid:
///
/// - unary projection (node consistency): the least cost of a variable's
///   values goes into c∅, the cost every completion pays;
/// - arc consistency: for each value, the least cost of a pair table's row goes
///   into the value's own cost;
/// - directional arc consistency along the search order: a later variable's own
///   costs are moved into the pair table where that lets an earlier value's
///   whole row rise, so costs flow forward to where they are projected into c∅;
/// - existential arc consistency (de Givry et al.'s EDAC): when every value of
///   a variable must pay something — its own cost plus, on each of its edges,
///   the least pair-plus-own cost at the other end — those costs are gathered
///   onto it and its least own cost goes into c∅. This looks one step past each
///   variable into its neighbourhood, and on the benchmark's soft colourings it
///   cuts the nodes of a proof about tenfold.
///
/// c∅ is then a lower bound on every completion below the node: a branch is cut
/// when it reaches the best found, and a value is pruned when c∅ plus its own
/// cost does. After each assignment the pair tables to it become its neighbours'
/// own costs and consistency is restored. Variables are chosen dynamically
/// (fewest values left, then most unassigned neighbours), values cheapest first.
/// Constraints over three or more variables take no part in the transfers: each
/// is charged when its last variable is set.
struct CostTransferSearch: BoundedSearch {
    let n: Int
    let sizes: [Int]
    /// Start of each position's values in `unary` and `alive`.
    let unaryStart: [Int]
    /// Pair tables: positions a < b, start in `pairs`, row-major [value at a][value at b].
    let edgeA: [Int], edgeB: [Int], edgeStart: [Int]
    let incident: [[Int]]
    /// Edges (i, j) with i < j, by j.
    let earlierEdges: [[Int]]
    /// Wider constraints (scopes in problem variables), by position, with the problem variable of each position.
    let wide: [DCOPProblem.Constraint]
    let wideAt: [[Int]]
    let variableAt: [Int]

    var unary: [Double]
    var pairs: [Double]
    var alive: [Bool]
    var floor: Double
    var assigned: [Bool]
    var unassignedIn: [Int]
    var values: [Int]
    var byVariable: [Int]
    /// Variables whose own costs rose or lost values since consistency was last restored around them.
    var dirty: [Bool]
    private var need: [Double]

    var best = Double.infinity
    var bestValues: [Int]
    var nodes = 0
    var deadline: Double?
    var stopped = false
    var progress: ((Int, Double, Double) -> Void)?
    private var lastReport = MonotonicClock.seconds()
    /// c∅ after consistency at the root: no assignment costs less.
    private(set) var rootBound = 0.0

    init(model: ExactSolverModel) {
        n = model.sizes.count
        sizes = model.sizes
        var starts: [Int] = [], total = 0
        for s in sizes { starts.append(total); total += s }
        unaryStart = starts
        unary = model.unary.flatMap { $0 }
        alive = Array(repeating: true, count: total)
        var a: [Int] = [], b: [Int] = [], start: [Int] = [], cells: [Double] = []
        var incident = Array(repeating: [Int](), count: n), earlier = Array(repeating: [Int](), count: n)
        for k in 0..<n {
            for (j, m) in model.later[k] {
                let e = a.count
                a.append(k); b.append(j); start.append(cells.count); cells += m
                incident[k].append(e); incident[j].append(e); earlier[j].append(e)
            }
        }
        edgeA = a; edgeB = b; edgeStart = start; pairs = cells
        self.incident = incident
        earlierEdges = earlier
        var wide: [DCOPProblem.Constraint] = [], wideAt = Array(repeating: [Int](), count: n), counts: [Int] = []
        var position: [Int: Int] = [:]
        for (k, v) in model.order.enumerated() { position[v] = k }
        for list in model.closing {
            for c in list {
                let ps = Set(c.scope.map { position[$0]! })
                for p in ps { wideAt[p].append(wide.count) }
                counts.append(ps.count)
                wide.append(c)
            }
        }
        self.wide = wide
        self.wideAt = wideAt
        unassignedIn = counts
        variableAt = model.order
        floor = model.offset
        assigned = Array(repeating: false, count: n)
        values = Array(repeating: 0, count: n)
        byVariable = Array(repeating: 0, count: n)
        bestValues = values
        dirty = Array(repeating: true, count: n)
        need = Array(repeating: 0, count: sizes.max() ?? 0)
    }

    /// Searches for anything cheaper than `best`.
    mutating func run() {
        guard propagate() else { rootBound = best; return }
        rootBound = floor
        search()
    }

    // MARK: cost transfers

    /// Arc consistency on one pair table: each live value's least row (column) cost moves into its own cost.
    private mutating func project(_ e: Int) {
        guard !assigned[edgeA[e]] && !assigned[edgeB[e]] else { return }
        let i = edgeA[e], j = edgeB[e], base = edgeStart[e], si = sizes[i], sj = sizes[j], ui = unaryStart[i], uj = unaryStart[j]
        for x in 0..<si where alive[ui + x] {
            var least = Double.infinity
            for y in 0..<sj where alive[uj + y] { least = min(least, pairs[base + x * sj + y]) }
            if least > 0 && least < .infinity {
                for y in 0..<sj where alive[uj + y] { pairs[base + x * sj + y] -= least }
                unary[ui + x] += least
                dirty[i] = true
            }
        }
        for y in 0..<sj where alive[uj + y] {
            var least = Double.infinity
            for x in 0..<si where alive[ui + x] { least = min(least, pairs[base + x * sj + y]) }
            if least > 0 && least < .infinity {
                for x in 0..<si where alive[ui + x] { pairs[base + x * sj + y] -= least }
                unary[uj + y] += least
                dirty[j] = true
            }
        }
    }

    /// Full supports on one pair table for the values of `i`, one of its ends: each live value of i gets a value of
    /// the other end o whose pair cost plus own cost is 0, by moving just enough of o's own costs into the table and
    /// then the table's least row costs into i's own costs. False when every value of i had one already.
    @discardableResult
    private mutating func supportFully(_ e: Int, toward i: Int) -> Bool {
        let o = edgeA[e] == i ? edgeB[e] : edgeA[e]
        let base = edgeStart[e], si = sizes[i], so = sizes[o], ui = unaryStart[i], uo = unaryStart[o]
        // Cell (x at i, y at o) is base + x * strideI + y * strideO: the table is row-major by (edgeA, edgeB).
        let (strideI, strideO) = edgeA[e] == i ? (so, 1) : (1, si)
        var any = false
        for x in 0..<si {
            need[x] = 0
            guard alive[ui + x] else { continue }
            var least = Double.infinity
            for y in 0..<so where alive[uo + y] { least = min(least, pairs[base + x * strideI + y * strideO] + unary[uo + y]) }
            if least > 1e-12 && least < .infinity { need[x] = least; any = true }
        }
        guard any else { return false }
        for y in 0..<so where alive[uo + y] {
            var extend = 0.0
            for x in 0..<si where alive[ui + x] { extend = max(extend, need[x] - pairs[base + x * strideI + y * strideO]) }
            if extend > 0 {
                unary[uo + y] -= extend
                for x in 0..<si where alive[ui + x] { pairs[base + x * strideI + y * strideO] += extend }
            }
        }
        for x in 0..<si where alive[ui + x] && need[x] > 0 {
            for y in 0..<so where alive[uo + y] { pairs[base + x * strideI + y * strideO] -= need[x] }
            unary[ui + x] += need[x]
        }
        dirty[i] = true
        return true
    }

    /// Existential arc consistency on i: when every value of i must pay something — its own cost plus, on each
    /// edge, the least pair-plus-own cost at the other end — all those costs are gathered onto i (full supports
    /// toward i on every edge), whose least own cost then rises above 0 and goes into c∅. False when some value of
    /// i pays nothing.
    private mutating func existential(_ i: Int) -> Bool {
        let ui = unaryStart[i]
        var least = Double.infinity
        for x in 0..<sizes[i] where alive[ui + x] {
            var pays = unary[ui + x]
            for e in incident[i] {
                let o = edgeA[e] == i ? edgeB[e] : edgeA[e]
                guard !assigned[o] else { continue }
                let base = edgeStart[e], uo = unaryStart[o], so = sizes[o]
                let (strideI, strideO) = edgeA[e] == i ? (so, 1) : (1, sizes[i])
                var cheapest = Double.infinity
                for y in 0..<so where alive[uo + y] { cheapest = min(cheapest, pairs[base + x * strideI + y * strideO] + unary[uo + y]) }
                pays += cheapest
            }
            least = min(least, pays)
            if least <= 1e-9 { return false }
        }
        guard least < .infinity else { return false }
        for e in incident[i] where !assigned[edgeA[e] == i ? edgeB[e] : edgeA[e]] { supportFully(e, toward: i) }
        return true
    }

    /// Node consistency: least own costs into c∅, and values that cannot beat the best pruned. False when a domain empties.
    private mutating func projectUnary() -> Bool {
        for k in 0..<n where !assigned[k] {
            let u = unaryStart[k]
            var least = Double.infinity
            for x in 0..<sizes[k] where alive[u + x] { least = min(least, unary[u + x]) }
            if least == .infinity { return false }
            if least != 0 {
                floor += least
                for x in 0..<sizes[k] where alive[u + x] { unary[u + x] -= least }
            }
        }
        if floor >= best - 1e-9 { return false }
        for k in 0..<n where !assigned[k] {
            let u = unaryStart[k]
            var left = 0
            for x in 0..<sizes[k] where alive[u + x] {
                if floor + unary[u + x] >= best - 1e-9 { alive[u + x] = false; dirty[k] = true } else { left += 1 }
            }
            if left == 0 { return false }
        }
        return true
    }

    /// Restores consistency around the variables whose own costs rose or lost values (`dirty`), a few rounds at
    /// most. False when no completion can beat the best.
    private mutating func propagate() -> Bool {
        for _ in 0..<4 {
            // Later variables first, so what moves forward is passed on in the same sweep.
            var changed: [Int] = []
            for j in stride(from: n - 1, through: 0, by: -1) where dirty[j] {
                dirty[j] = false
                guard !assigned[j] else { continue }
                changed.append(j)
                for e in earlierEdges[j] where !assigned[edgeA[e]] { supportFully(e, toward: edgeA[e]) }
            }
            if changed.isEmpty { break }
            for j in changed { for e in incident[j] { project(e) } }
            guard projectUnary() else { return false }
        }
        // Existential arc consistency last: it may undo directional supports, but every cost it gathers goes into c∅.
        for _ in 0..<3 {
            var raised = false
            for i in 0..<n where !assigned[i] { if existential(i) { raised = true } }
            guard raised else { break }
            guard projectUnary() else { return false }
        }
        return true
    }

    // MARK: search

    private mutating func assign(_ k: Int, _ x: Int) -> Bool {
        assigned[k] = true
        values[k] = x
        byVariable[variableAt[k]] = x
        floor += unary[unaryStart[k] + x]
        for e in incident[k] {
            let i = edgeA[e], j = edgeB[e], base = edgeStart[e]
            if i == k, !assigned[j] {
                let uj = unaryStart[j], sj = sizes[j]
                for y in 0..<sj { unary[uj + y] += pairs[base + x * sj + y] }
                dirty[j] = true
            } else if j == k, !assigned[i] {
                let ui = unaryStart[i], sj = sizes[j]
                for w in 0..<sizes[i] { unary[ui + w] += pairs[base + w * sj + x] }
                dirty[i] = true
            }
        }
        for w in wideAt[k] {
            unassignedIn[w] -= 1
            if unassignedIn[w] == 0 { floor += wide[w].cost(byVariable) }
        }
        if floor >= best - 1e-9 { return false }
        return propagate()
    }

    private mutating func search() {
        nodes += 1
        if nodes & 0xFF == 0 {
            let now = MonotonicClock.seconds()
            if let deadline, now >= deadline { stopped = true; return }
            if let progress, now - lastReport >= 1 { lastReport = now; progress(nodes, best, rootBound) }
        }
        var pick = -1, pickLeft = Int.max, pickLinks = -1
        for k in 0..<n where !assigned[k] {
            var left = 0
            for x in 0..<sizes[k] where alive[unaryStart[k] + x] { left += 1 }
            guard left <= pickLeft else { continue }
            var links = 0
            for e in incident[k] where !assigned[edgeA[e] == k ? edgeB[e] : edgeA[e]] { links += 1 }
            if left < pickLeft || links > pickLinks { pick = k; pickLeft = left; pickLinks = links }
        }
        guard pick >= 0 else {
            if floor < best - 1e-9 { best = floor; bestValues = values }
            return
        }
        let u = unaryStart[pick]
        let options = (0..<sizes[pick]).filter { alive[u + $0] }.sorted { unary[u + $0] < unary[u + $1] }
        let saved = (unary, pairs, alive, floor)
        for x in options {
            // Sorted: once one value cannot beat the best, none after it can.
            if floor + unary[u + x] >= best - 1e-9 { break }
            if assign(pick, x) { search() }
            assigned[pick] = false
            for w in wideAt[pick] { unassignedIn[w] += 1 }
            (unary, pairs, alive, floor) = saved
            if stopped { return }
        }
    }
}
