/// The cost tables of a `CostTransferSearch` and its per-variable state, in flat
/// buffers allocated once. The search's inner loops touch a few cells at a time
/// (three colours: nine cells a table), so checks on every access — array
/// bounds, copy on write — cost more than the arithmetic; through these
/// pointers there are none, and each level of the search saves and restores
/// the tables with one copy into a stack of its own.
///
/// A pair table is seen from either end as a half-edge: half h of edge h / 2
/// looks from `from[h]` to `to[h]`, and the cell for value x at `from` and y at
/// `to` is `cost[base[h] + x * strideFrom[h] + y * strideTo[h]]`.
final class CostTables {
    let n: Int
    /// Values per variable, and where each variable's values start in `cost` (own costs) and `alive`.
    let size: UnsafeMutablePointer<Int>
    let first: UnsafeMutablePointer<Int>
    /// Own costs by value, then the pair tables.
    let cost: UnsafeMutablePointer<Double>
    let alive: UnsafeMutablePointer<Bool>
    let assigned: UnsafeMutablePointer<Bool>
    /// Variables whose own costs rose or lost values since consistency was last restored around them.
    let dirty: UnsafeMutablePointer<Bool>
    /// Pair tables (by edge) that may have lost arc consistency: their cells moved or an end lost a value.
    let unprojected: UnsafeMutablePointer<Bool>
    let base: UnsafeMutablePointer<Int>, from: UnsafeMutablePointer<Int>, to: UnsafeMutablePointer<Int>
    let strideFrom: UnsafeMutablePointer<Int>, strideTo: UnsafeMutablePointer<Int>
    /// Half-edges from each variable: `incident[incidentStart[k]..<incidentStart[k + 1]]`.
    let incidentStart: UnsafeMutablePointer<Int>, incident: UnsafeMutablePointer<Int>
    /// For each variable j, the half-edges from its earlier neighbours (in search order) towards j.
    let earlierStart: UnsafeMutablePointer<Int>, earlier: UnsafeMutablePointer<Int>
    /// Scratch: what each value of a variable needs from one table.
    let need: UnsafeMutablePointer<Double>
    let cells: Int, valueCount: Int, halves: Int
    /// Saved copies by level, grown as the search goes deeper (a deep search of a large problem needs many).
    private var savedCost: UnsafeMutablePointer<Double>, savedAlive: UnsafeMutablePointer<Bool>
    private var savedUnprojected: UnsafeMutablePointer<Bool>, savedLevels = 8

    /// `pairs`: for each edge (a, b) with a < b in search order, the row-major table [value at a][value at b].
    init(sizes: [Int], unary: [Double], pairs: [(a: Int, b: Int, table: [Double])]) {
        n = sizes.count
        valueCount = unary.count
        cells = unary.count + pairs.reduce(0) { $0 + $1.table.count }
        halves = 2 * pairs.count
        func buffer<T>(_ count: Int, _ value: T) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(1, count))
            p.initialize(repeating: value, count: max(1, count))
            return p
        }
        size = buffer(n, 0); first = buffer(n, 0)
        var start = 0
        for k in 0..<n { size[k] = sizes[k]; first[k] = start; start += sizes[k] }
        cost = buffer(cells, 0.0)
        for (i, c) in unary.enumerated() { cost[i] = c }
        alive = buffer(valueCount, true)
        assigned = buffer(n, false)
        dirty = buffer(n, true)
        unprojected = buffer(pairs.count, true)
        base = buffer(halves, 0); from = buffer(halves, 0); to = buffer(halves, 0)
        strideFrom = buffer(halves, 0); strideTo = buffer(halves, 0)
        var incidentLists = Array(repeating: [Int](), count: n), earlierLists = Array(repeating: [Int](), count: n)
        var cell = valueCount
        for (e, p) in pairs.enumerated() {
            for (h, (f, t)) in [(2 * e, (p.a, p.b)), (2 * e + 1, (p.b, p.a))] {
                base[h] = cell; from[h] = f; to[h] = t
                (strideFrom[h], strideTo[h]) = f == p.a ? (sizes[p.b], 1) : (1, sizes[p.b])
                incidentLists[f].append(h)
            }
            earlierLists[p.b].append(2 * e)
            for (k, c) in p.table.enumerated() { cost[cell + k] = c }
            cell += p.table.count
        }
        func flatten(_ lists: [[Int]]) -> (UnsafeMutablePointer<Int>, UnsafeMutablePointer<Int>) {
            let starts = buffer(lists.count + 1, 0), items = buffer(lists.reduce(0) { $0 + $1.count }, 0)
            var k = 0
            for (v, list) in lists.enumerated() { starts[v] = k; for h in list { items[k] = h; k += 1 } }
            starts[lists.count] = k
            return (starts, items)
        }
        (incidentStart, incident) = flatten(incidentLists)
        (earlierStart, earlier) = flatten(earlierLists)
        need = buffer(sizes.max() ?? 1, 0.0)
        savedCost = buffer(cells * savedLevels, 0.0)
        savedAlive = buffer(valueCount * savedLevels, false)
        savedUnprojected = buffer(halves / 2 * savedLevels, false)
    }

    /// Saves the tables and live values at `level` (0…n).
    func save(_ level: Int) {
        if level >= savedLevels {
            let levels = max(level + 1, 2 * savedLevels)
            let c = UnsafeMutablePointer<Double>.allocate(capacity: max(1, cells * levels))
            let a = UnsafeMutablePointer<Bool>.allocate(capacity: max(1, valueCount * levels))
            let u = UnsafeMutablePointer<Bool>.allocate(capacity: max(1, halves / 2 * levels))
            c.initialize(from: savedCost, count: cells * savedLevels)
            a.initialize(from: savedAlive, count: valueCount * savedLevels)
            u.initialize(from: savedUnprojected, count: halves / 2 * savedLevels)
            savedCost.deallocate(); savedAlive.deallocate(); savedUnprojected.deallocate()
            (savedCost, savedAlive, savedUnprojected, savedLevels) = (c, a, u, levels)
        }
        (savedCost + level * cells).update(from: cost, count: cells)
        (savedAlive + level * valueCount).update(from: alive, count: valueCount)
        (savedUnprojected + level * halves / 2).update(from: unprojected, count: halves / 2)
    }

    func restore(_ level: Int) {
        cost.update(from: savedCost + level * cells, count: cells)
        alive.update(from: savedAlive + level * valueCount, count: valueCount)
        unprojected.update(from: savedUnprojected + level * halves / 2, count: halves / 2)
    }

    deinit {
        for p in [size, first, base, from, to, strideFrom, strideTo, incidentStart, incident, earlierStart, earlier] { p.deallocate() }
        for p in [cost, need, savedCost] { p.deallocate() }
        for p in [alive, assigned, dirty, unprojected, savedAlive, savedUnprojected] { p.deallocate() }
    }
}
