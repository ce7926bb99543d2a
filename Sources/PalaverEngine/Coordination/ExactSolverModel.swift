/// A DCOP laid out for the exact solver: variables renumbered in search order,
/// every table shifted to a least entry of 0 (the shifts summed in `offset`,
/// so costs ≥ 0 below any partial assignment — which is what lets a bound cut
/// with negative costs too), unary and one-variable constraints folded into
/// one vector per variable, all binary constraints on the same pair summed
/// into one matrix, and wider constraints kept as tables charged when their
/// last variable is set.
struct ExactSolverModel {
    /// order[k]: the problem's variable searched k-th.
    let order: [Int]
    let sizes: [Int]
    /// unary[k][x] ≥ 0.
    var unary: [[Double]]
    /// For position k: the later positions it shares a pair matrix with, and the
    /// matrix, row-major [value at k][value at the later position].
    var later: [[(position: Int, matrix: [Double])]]
    /// Constraints over three or more distinct variables, by the position of their last variable.
    var closing: [[DCOPProblem.Constraint]]
    /// First position of each wide constraint (it lies in sub-problem k when its first position is ≥ k).
    var wideFirst: [[Int]]
    let offset: Double

    init(problem: DCOPProblem, order: [Int]? = nil) {
        let n = problem.variables.count
        self.order = order ?? Self.searchOrder(problem)
        let order = self.order
        var position = Array(repeating: 0, count: n)
        for (k, v) in order.enumerated() { position[v] = k }
        sizes = order.map { problem.variables[$0].domain.count }
        var unary = order.map { problem.variables[$0].unary }
        var pairs: [Int: [Double]] = [:]   // key: a * n + b with positions a < b
        var closing = Array(repeating: [DCOPProblem.Constraint](), count: n)
        var wideFirst = Array(repeating: [Int](), count: n)
        var offset = 0.0
        for c in problem.constraints {
            let distinct = Array(Set(c.scope))
            if distinct.count == 1 {
                let k = position[distinct[0]]
                var digits = Array(repeating: 0, count: c.scope.count)
                for x in 0..<sizes[k] {
                    for j in digits.indices { digits[j] = x }
                    var index = 0
                    for j in digits.indices { index += digits[j] * c.strides[j] }
                    unary[k][x] += c.table[index]
                }
            } else if distinct.count == 2 && c.scope.count == 2 {
                let (pa, pb) = (position[c.scope[0]], position[c.scope[1]])
                let (a, b) = (min(pa, pb), max(pa, pb))
                var m = pairs[a * n + b] ?? Array(repeating: 0, count: sizes[a] * sizes[b])
                for x in 0..<sizes[pa] {
                    for y in 0..<sizes[pb] {
                        let cost = c.table[x * c.strides[0] + y * c.strides[1]]
                        if pa < pb { m[x * sizes[b] + y] += cost } else { m[y * sizes[b] + x] += cost }
                    }
                }
                pairs[a * n + b] = m
            } else {
                var shifted = c
                let floor = c.table.min() ?? 0
                offset += floor
                shifted.table = c.table.map { $0 - floor }
                let ps = c.scope.map { position[$0] }
                closing[ps.max()!].append(shifted)
                wideFirst[ps.max()!].append(ps.min()!)
            }
        }
        for k in 0..<n {
            let floor = unary[k].min() ?? 0
            offset += floor
            unary[k] = unary[k].map { $0 - floor }
        }
        var later = Array(repeating: [(position: Int, matrix: [Double])](), count: n)
        for (key, m) in pairs.sorted(by: { $0.key < $1.key }) {
            let floor = m.min() ?? 0
            offset += floor
            later[key / n].append((key % n, m.map { $0 - floor }))
        }
        self.unary = unary
        self.later = later
        self.closing = closing
        self.wideFirst = wideFirst
        self.offset = offset
    }

    /// The reverse of a min-fill elimination order: eliminating the last
    /// variable first, each next one the variable whose neighbours need the
    /// fewest new links to form a clique (ties: fewer neighbours), which keeps
    /// the mini-bucket tables small and their bound tight.
    static func minFillOrder(_ problem: DCOPProblem) -> [Int] {
        let n = problem.variables.count
        var adjacent = problem.neighbours.map(Set.init)
        var eliminated = Array(repeating: false, count: n)
        var elimination: [Int] = []
        for _ in 0..<n {
            var best = -1, bestFill = Int.max, bestDegree = Int.max
            for v in 0..<n where !eliminated[v] {
                let ns = Array(adjacent[v])
                var fill = 0
                for i in ns.indices { for j in (i + 1)..<max(i + 1, ns.count) where !adjacent[ns[i]].contains(ns[j]) { fill += 1 } }
                if (fill, ns.count) < (bestFill, bestDegree) { best = v; bestFill = fill; bestDegree = ns.count }
            }
            eliminated[best] = true
            elimination.append(best)
            let ns = Array(adjacent[best])
            for a in ns {
                adjacent[a].remove(best)
                for b in ns where b != a { adjacent[a].insert(b) }
            }
        }
        return elimination.reversed()
    }

    /// Most-connected first, each next variable the one with most links to those
    /// already ordered (ties: more links overall, then file order), so every
    /// prefix is tightly knit and costs show early in the search.
    static func searchOrder(_ problem: DCOPProblem) -> [Int] {
        let n = problem.variables.count
        let neighbours = problem.neighbours
        var placed = Array(repeating: false, count: n)
        var linksToPlaced = Array(repeating: 0, count: n)
        var order: [Int] = []
        order.reserveCapacity(n)
        for _ in 0..<n {
            var best = -1
            for v in 0..<n where !placed[v] {
                if best < 0 || (linksToPlaced[v], neighbours[v].count) > (linksToPlaced[best], neighbours[best].count) { best = v }
            }
            placed[best] = true
            order.append(best)
            for w in neighbours[best] { linksToPlaced[w] += 1 }
        }
        return order
    }
}
