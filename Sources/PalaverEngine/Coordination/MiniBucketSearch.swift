/// Depth-first branch and bound guided by a mini-bucket lower bound (Kask and
/// Dechter's BBMB). Before searching, mini-bucket elimination runs once along
/// the reverse of the search order: each variable's bucket holds the cost
/// tables whose last variable (in search order) it is; the bucket is split
/// into mini-buckets of at most `cellLimit` joint cells, and each mini-bucket
/// is minimised over the variable into a message for the bucket of its next
/// latest variable. The messages a bucket receives are a lower bound on
/// everything below it, so at a node that has set the first p variables
///
///     f = (tables whose variables are all set) + (messages from open buckets to set ones)
///
/// never exceeds the cost of any completion; a branch whose f reaches the best
/// found is cut. Moving from p to p + 1 adds bucket p's own tables and the
/// messages it received and takes away the messages it sent.
struct MiniBucketSearch: BoundedSearch {
    struct Table {
        var scope: [Int]        // positions, ascending
        var strides: [Int]
        var values: [Double]

        @inline(__always) func at(_ v: [Int]) -> Double {
            var index = 0
            for k in scope.indices { index += v[scope[k]] * strides[k] }
            return values[index]
        }
    }

    let sizes: [Int]
    let n: Int
    /// Per position: tables to add (own tables and messages received) and messages to take away.
    var adds: [[Table]]
    var removes: [[Table]]
    /// The bound before anything is set.
    var rootBound = 0.0

    var values: [Int]
    var ledger: SearchLedger

    static let cellLimit = 60_000

    init(model: ExactSolverModel) {
        sizes = model.sizes
        n = sizes.count
        var buckets = Array(repeating: [Table](), count: n)
        func table(_ scope: [Int], _ values: [Double]) -> Table {
            var strides = Array(repeating: 1, count: scope.count)
            for k in stride(from: scope.count - 2, through: 0, by: -1) { strides[k] = strides[k + 1] * model.sizes[scope[k + 1]] }
            return Table(scope: scope, strides: strides, values: values)
        }
        let position = Dictionary(uniqueKeysWithValues: model.order.enumerated().map { ($1, $0) })
        for k in 0..<n {
            buckets[k].append(table([k], model.unary[k]))
            for (j, m) in model.later[k] { buckets[j].append(table([k, j], m)) }
            for c in model.closing[k] {
                // Rewrite the wide table over ascending positions.
                let scope = c.scope.map { position[$0]! }
                let sorted = Array(Set(scope)).sorted()
                var t = table(sorted, Array(repeating: 0, count: sorted.map { model.sizes[$0] }.reduce(1, *)))
                var digits = Array(repeating: 0, count: n)
                for i in t.values.indices {
                    var rest = i
                    for (s, p) in sorted.enumerated() { digits[p] = rest / t.strides[s]; rest %= t.strides[s] }
                    var index = 0
                    for (s, p) in scope.enumerated() { index += digits[p] * c.strides[s] }
                    t.values[i] = c.table[index]
                }
                buckets[k].append(t)
            }
        }
        adds = buckets
        removes = Array(repeating: [], count: n)
        var constant = model.offset
        for p in stride(from: n - 1, through: 0, by: -1) {
            // Largest scopes first, each into the first mini-bucket it fits.
            var minis: [(scope: Set<Int>, tables: [Table])] = []
            for t in buckets[p].sorted(by: { $0.values.count > $1.values.count }) {
                if let i = minis.firstIndex(where: { m in
                    m.scope.union(t.scope).reduce(1) { $0 * model.sizes[$1] } <= Self.cellLimit
                }) {
                    minis[i].scope.formUnion(t.scope)
                    minis[i].tables.append(t)
                } else {
                    minis.append((Set(t.scope), [t]))
                }
            }
            for mini in minis {
                let rest = mini.scope.subtracting([p]).sorted()
                var message = table(rest, Array(repeating: .infinity, count: rest.reduce(1) { $0 * model.sizes[$1] }))
                var digits = Array(repeating: 0, count: n)
                for i in message.values.indices {
                    var r = i
                    for (s, q) in rest.enumerated() { digits[q] = r / message.strides[s]; r %= message.strides[s] }
                    var least = Double.infinity
                    for x in 0..<model.sizes[p] {
                        digits[p] = x
                        var total = 0.0
                        for t in mini.tables { total += t.at(digits) }
                        if total < least { least = total }
                    }
                    message.values[i] = least
                }
                removes[p].append(message)
                if let target = rest.last { adds[target].append(message) } else { constant += message.values[0] }
            }
        }
        rootBound = constant
        values = Array(repeating: 0, count: n)
        ledger = SearchLedger(positions: n, clockEvery: 4096)
    }

    /// Searches below the root for anything cheaper than `ledger.best`.
    mutating func run() {
        if !ledger.cannotBeat(rootBound) { search(0, rootBound) }
    }

    private mutating func search(_ p: Int, _ f: Double) {
        guard ledger.visit(rootBound: rootBound) else { return }
        if p == n {
            ledger.offer(f, values)
            return
        }
        var options: [(Double, Int)] = []
        options.reserveCapacity(sizes[p])
        for x in 0..<sizes[p] {
            values[p] = x
            var delta = 0.0
            for t in adds[p] { delta += t.at(values) }
            for t in removes[p] { delta -= t.at(values) }
            options.append((delta, x))
        }
        options.sort { $0.0 < $1.0 }
        for (delta, x) in options {
            // Sorted: once one value cannot beat the best, none after it can.
            if ledger.cannotBeat(f + delta) { break }
            values[p] = x
            search(p + 1, f + delta)
            if ledger.stopped { return }
        }
    }
}
