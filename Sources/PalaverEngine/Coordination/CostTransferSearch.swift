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
/// (fewest values left, then the most cost left on their tables), values
/// cheapest first. The tables live in flat buffers (`CostTables`); arc
/// consistency is restored only on tables whose cells moved or whose ends lost
/// values.
/// Constraints over three or more variables take no part in the transfers: each
/// is charged when its last variable is set.
struct CostTransferSearch: BoundedSearch {
    let n: Int
    /// The tables costs move between, and which values are live (shared by copies of this value: one search each).
    private let t: CostTables
    /// Wider constraints (scopes in problem variables), by position, with the problem variable of each position.
    let wide: [DCOPProblem.Constraint]
    let wideAt: [[Int]]
    let variableAt: [Int]

    var floor: Double
    var unassignedIn: [Int]
    var values: [Int]
    var byVariable: [Int]
    private var depth = 0

    var ledger: SearchLedger
    /// c∅ after consistency at the root: no assignment costs less.
    private(set) var rootBound = 0.0

    init(model: ExactSolverModel) {
        n = model.sizes.count
        var pairs: [(a: Int, b: Int, table: [Double])] = []
        for k in 0..<n { for (j, m) in model.later[k] { pairs.append((k, j, m)) } }
        t = CostTables(sizes: model.sizes, unary: model.unary.flatMap { $0 }, pairs: pairs)
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
        values = Array(repeating: 0, count: n)
        byVariable = Array(repeating: 0, count: n)
        ledger = SearchLedger(positions: n, clockEvery: 256)
    }

    /// Searches for anything cheaper than `ledger.best`.
    mutating func run() {
        guard propagate() else { rootBound = ledger.best; return }
        rootBound = floor
        search()
    }

    // MARK: cost transfers

    /// Arc consistency on one pair table seen from `from[h]`: each live value's least row cost (over the live
    /// values at the other end) moves into its own cost.
    private func projectRows(_ h: Int) {
        let t = t, i = t.from[h], o = t.to[h], base = t.base[h], sf = t.strideFrom[h], st = t.strideTo[h]
        let ui = t.first[i], uo = t.first[o], si = t.size[i], so = t.size[o]
        for x in 0..<si where t.alive[ui + x] {
            var least = Double.infinity
            for y in 0..<so where t.alive[uo + y] { least = min(least, t.cost[base + x * sf + y * st]) }
            if least > 0 && least < .infinity {
                for y in 0..<so where t.alive[uo + y] { t.cost[base + x * sf + y * st] -= least }
                t.cost[ui + x] += least
                t.dirty[i] = true
            }
        }
    }

    /// Full supports on one pair table for the values at `from[h]`: each live value there gets a value at the other
    /// end whose pair cost plus own cost is 0, by moving just enough of the other end's own costs into the table and
    /// then the table's least row costs into the own costs at `from[h]`. False when every value had one already.
    @discardableResult
    private func supportFully(_ h: Int) -> Bool {
        let t = t, i = t.from[h], o = t.to[h], base = t.base[h], sf = t.strideFrom[h], st = t.strideTo[h]
        let ui = t.first[i], uo = t.first[o], si = t.size[i], so = t.size[o], need = t.need
        var any = false
        for x in 0..<si {
            need[x] = 0
            guard t.alive[ui + x] else { continue }
            var least = Double.infinity
            for y in 0..<so where t.alive[uo + y] { least = min(least, t.cost[base + x * sf + y * st] + t.cost[uo + y]) }
            if least > 1e-12 && least < .infinity { need[x] = least; any = true }
        }
        guard any else { return false }
        for y in 0..<so where t.alive[uo + y] {
            var extend = 0.0
            for x in 0..<si where t.alive[ui + x] { extend = max(extend, need[x] - t.cost[base + x * sf + y * st]) }
            if extend > 0 {
                t.cost[uo + y] -= extend
                for x in 0..<si where t.alive[ui + x] { t.cost[base + x * sf + y * st] += extend }
            }
        }
        for x in 0..<si where t.alive[ui + x] && need[x] > 0 {
            for y in 0..<so where t.alive[uo + y] { t.cost[base + x * sf + y * st] -= need[x] }
            t.cost[ui + x] += need[x]
        }
        t.dirty[i] = true
        t.unprojected[h >> 1] = true
        return true
    }

    /// Existential arc consistency on i: when every value of i must pay something — its own cost plus, on each
    /// edge, the least pair-plus-own cost at the other end — all those costs are gathered onto i (full supports
    /// toward i on every edge), whose least own cost then rises above 0 and goes into c∅. False when some value of
    /// i pays nothing.
    private func existential(_ i: Int) -> Bool {
        let t = t, ui = t.first[i]
        var least = Double.infinity
        for x in 0..<t.size[i] where t.alive[ui + x] {
            var pays = t.cost[ui + x]
            for k in t.incidentStart[i]..<t.incidentStart[i + 1] {
                let h = t.incident[k], o = t.to[h]
                guard !t.assigned[o] else { continue }
                let base = t.base[h], sf = t.strideFrom[h], st = t.strideTo[h], uo = t.first[o]
                var cheapest = Double.infinity
                for y in 0..<t.size[o] where t.alive[uo + y] { cheapest = min(cheapest, t.cost[base + x * sf + y * st] + t.cost[uo + y]) }
                pays += cheapest
            }
            least = min(least, pays)
            if least <= 1e-9 { return false }
        }
        guard least < .infinity else { return false }
        for k in t.incidentStart[i]..<t.incidentStart[i + 1] where !t.assigned[t.to[t.incident[k]]] { supportFully(t.incident[k]) }
        return true
    }

    /// Node consistency: least own costs into c∅, and values that cannot beat the best pruned. False when a domain empties.
    private mutating func projectUnary() -> Bool {
        let t = t
        for k in 0..<n where !t.assigned[k] {
            let u = t.first[k]
            var least = Double.infinity
            for x in 0..<t.size[k] where t.alive[u + x] { least = min(least, t.cost[u + x]) }
            if least == .infinity { return false }
            if least != 0 {
                floor += least
                for x in 0..<t.size[k] where t.alive[u + x] { t.cost[u + x] -= least }
            }
        }
        if ledger.cannotBeat(floor) { return false }
        for k in 0..<n where !t.assigned[k] {
            let u = t.first[k]
            var left = 0, pruned = false
            for x in 0..<t.size[k] where t.alive[u + x] {
                if ledger.cannotBeat(floor + t.cost[u + x]) { t.alive[u + x] = false; pruned = true } else { left += 1 }
            }
            if left == 0 { return false }
            if pruned {
                t.dirty[k] = true
                for i in t.incidentStart[k]..<t.incidentStart[k + 1] { t.unprojected[t.incident[i] >> 1] = true }
            }
        }
        return true
    }

    /// Restores consistency around the variables whose own costs rose or lost values (`dirty`), a few rounds at
    /// most. False when no completion can beat the best.
    private mutating func propagate() -> Bool {
        let t = t
        for _ in 0..<4 {
            // Later variables first, so what moves forward is passed on in the same sweep.
            var swept = false
            for j in stride(from: n - 1, through: 0, by: -1) where t.dirty[j] {
                t.dirty[j] = false
                guard !t.assigned[j] else { continue }
                swept = true
                for k in t.earlierStart[j]..<t.earlierStart[j + 1] where !t.assigned[t.from[t.earlier[k]]] { supportFully(t.earlier[k]) }
            }
            guard swept else { break }
            // Arc consistency again only where it may be lost; projecting a consistent table would move nothing.
            for e in 0..<t.halves / 2 where t.unprojected[e] {
                guard !t.assigned[t.from[2 * e]] && !t.assigned[t.to[2 * e]] else { continue }
                t.unprojected[e] = false
                projectRows(2 * e)
                projectRows(2 * e + 1)
            }
            guard projectUnary() else { return false }
        }
        // Existential arc consistency last: it may undo directional supports, but every cost it gathers goes into c∅.
        for _ in 0..<3 {
            var raised = false
            for i in 0..<n where !t.assigned[i] { if existential(i) { raised = true } }
            guard raised else { break }
            guard projectUnary() else { return false }
        }
        return true
    }

    // MARK: search

    private mutating func assign(_ k: Int, _ x: Int) -> Bool {
        let t = t
        t.assigned[k] = true
        values[k] = x
        byVariable[variableAt[k]] = x
        floor += t.cost[t.first[k] + x]
        for i in t.incidentStart[k]..<t.incidentStart[k + 1] {
            // The table to k becomes the other end's own costs.
            let h = t.incident[i], o = t.to[h]
            guard !t.assigned[o] else { continue }
            let base = t.base[h] + x * t.strideFrom[h], st = t.strideTo[h], uo = t.first[o]
            for y in 0..<t.size[o] { t.cost[uo + y] += t.cost[base + y * st] }
            t.dirty[o] = true
        }
        for w in wideAt[k] {
            unassignedIn[w] -= 1
            if unassignedIn[w] == 0 { floor += wide[w].cost(byVariable) }
        }
        if ledger.cannotBeat(floor) { return false }
        return propagate()
    }

    private mutating func search() {
        guard ledger.visit(rootBound: rootBound) else { return }
        let t = t
        // Fewest values left; among those, the most costly to leave open: the mean cell of its tables to
        // unassigned neighbours plus the mean of its own costs (what its choice settles).
        var pick = -1, pickLeft = Int.max, pickWeight = -1.0
        for k in 0..<n where !t.assigned[k] {
            var left = 0
            for x in 0..<t.size[k] where t.alive[t.first[k] + x] { left += 1 }
            guard left <= pickLeft else { continue }
            var weight = 0.0
            for x in 0..<t.size[k] where t.alive[t.first[k] + x] { weight += t.cost[t.first[k] + x] / Double(left) }
            for i in t.incidentStart[k]..<t.incidentStart[k + 1] where !t.assigned[t.to[t.incident[i]]] {
                let h = t.incident[i], cells = t.size[k] * t.size[t.to[h]]
                var sum = 0.0
                for c in 0..<cells { sum += t.cost[t.base[h] + c] }
                weight += sum / Double(cells)
            }
            if left < pickLeft || weight > pickWeight { pick = k; pickLeft = left; pickWeight = weight }
        }
        guard pick >= 0 else {
            ledger.offer(floor, values)
            return
        }
        let u = t.first[pick]
        let options = (0..<t.size[pick]).filter { t.alive[u + $0] }.sorted { t.cost[u + $0] < t.cost[u + $1] }
        let level = depth, savedFloor = floor
        t.save(level)
        depth += 1
        defer { depth -= 1 }
        for (n, x) in options.enumerated() {
            if n > 0 { t.restore(level); floor = savedFloor }
            // Sorted: once one value cannot beat the best, none after it can.
            if ledger.cannotBeat(floor + t.cost[u + x]) { break }
            if assign(pick, x) { search() }
            t.assigned[pick] = false
            for w in wideAt[pick] { unassignedIn[w] += 1 }
            if ledger.stopped { break }
        }
        t.restore(level)
        floor = savedFloor
    }
}
