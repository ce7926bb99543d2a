/// DPOP (Petcu and Faltings' dynamic programming optimisation) along a
/// depth-first pseudo-tree (`PseudoTree`): exact, in two sweeps.
///
/// UTIL, leaves to roots: once every child has reported, a variable sends its
/// parent a table over its separator — for each assignment of the separator,
/// the least cost of its own value, its constraints and its children's tables
/// (`util v5→v2 [0, 27) over v1 v2: 3 0 …`; large tables go in parts of
/// `cellsPerMessage`). VALUE, roots to leaves: a root takes its best value; a
/// variable told its separator's values (`value v2→v5: v1 = R; v2 = G`) takes
/// the value that achieved the least and tells its children theirs. Each
/// decision is also announced (`v5 = B`) like the other algorithms' moves.
///
/// Messages between variables of the same agent stay inside it (as Max-Sum's
/// do), one step late like the bus, so the sweep takes the same steps however
/// variables are spread over agents.
public final class DPOPAgent: DCOPAgent {
    static let cellsPerMessage = 65_536

    let tree: PseudoTree
    /// Children's tables (over their separators), by child; filled part by part.
    private var tables: [Int: [Double]] = [:]
    private var received: [Int: Int] = [:]
    private var sentUtil = Set<Int>()
    private var decided = Set<Int>()
    /// Values heard for separator variables (-1: not yet), and whether a VALUE message arrived for each own variable.
    private var heard: [Int]
    private var told = Set<Int>()
    private var localUtil: [(child: Int, offset: Int, cells: [Double])] = []
    private var localValue: [(child: Int, values: [(Int, Int)])] = []
    private var pendingUtil: [(child: Int, offset: Int, cells: [Double])] = []
    private var pendingValue: [(child: Int, values: [(Int, Int)])] = []

    init(problem: DCOPProblem, index: Int, seed: UInt64, start: [Int], tree: PseudoTree) {
        self.tree = tree
        heard = Array(repeating: -1, count: problem.variables.count)
        super.init(problem: problem, index: index, seed: seed, start: start)
    }

    /// True once every own variable has its value.
    public var finished: Bool { decided.count == owned.count }

    override func read(_ text: String) {
        if text.hasPrefix("util ") { return readUtil(text) }
        if text.hasPrefix("value ") { return readValue(text) }
        super.read(text)
    }

    private func readUtil(_ text: String) {
        for v in owned {
            for c in tree.children[v] {
                let head = "util \(problem.variables[c].name)→\(problem.variables[v].name) ["
                guard text.hasPrefix(head) else { continue }
                let after = text.dropFirst(head.count)
                guard let comma = after.range(of: ", "), let colon = after.range(of: ": ", options: .backwards),
                      let offset = Int(after[..<comma.lowerBound]) else { return }
                let cells = after[colon.upperBound...].split(separator: " ").compactMap { Double($0) }
                pendingUtil.append((c, offset, cells))
                return
            }
        }
    }

    private func readValue(_ text: String) {
        for v in owned {
            guard let p = tree.parent[v] else { continue }
            let head = "value \(problem.variables[p].name)→\(problem.variables[v].name): "
            guard text.hasPrefix(head) else { continue }
            var rest = Substring(text.dropFirst(head.count))
            var values: [(Int, Int)] = []
            for (k, s) in tree.separator[v].enumerated() {
                let name = "\(problem.variables[s].name) = "
                guard rest.hasPrefix(name) else { return }
                rest = rest.dropFirst(name.count)
                // The longest domain value that the text continues with, up to the next "; " or the end.
                let last = k == tree.separator[v].count - 1
                let match = problem.variables[s].domain.indices
                    .filter { x in
                        let shown = problem.variables[s].domain[x].description
                        return rest.hasPrefix(shown) && (last ? rest.count == shown.count : rest.dropFirst(shown.count).hasPrefix("; "))
                    }
                    .max { problem.variables[s].domain[$0].description.count < problem.variables[s].domain[$1].description.count }
                guard let x = match else { return }
                values.append((s, x))
                rest = rest.dropFirst(problem.variables[s].domain[x].description.count + (last ? 0 : 2))
            }
            pendingValue.append((v, values))
            return
        }
    }

    override func round(step: Int, outgoing: inout [Outgoing]) {
        for (c, offset, cells) in localUtil + pendingUtil { store(c, offset, cells) }
        for (v, values) in localValue + pendingValue {
            for (s, x) in values { heard[s] = x }
            told.insert(v)
        }
        localUtil.removeAll()
        localValue.removeAll()
        pendingUtil.removeAll()
        pendingValue.removeAll()
        for v in owned where !sentUtil.contains(v) && tree.children[v].allSatisfy({ received[$0] == Int(tree.cells(of: $0, problem)) }) {
            sentUtil.insert(v)
            if let p = tree.parent[v] {
                sendUtil(v, to: p, utilTable(v), outgoing: &outgoing)
            } else {
                decide(v, outgoing: &outgoing)
            }
        }
        for v in owned where !decided.contains(v) && sentUtil.contains(v) && told.contains(v) { decide(v, outgoing: &outgoing) }
    }

    private func store(_ child: Int, _ offset: Int, _ cells: [Double]) {
        let total = Int(tree.cells(of: child, problem))
        guard offset >= 0, offset + cells.count <= total else { return }
        if tables[child] == nil { tables[child] = Array(repeating: 0, count: total) }
        for (k, x) in cells.enumerated() { tables[child]![offset + k] = x }
        received[child, default: 0] += cells.count
    }

    /// Own cost of v at value x, given `assignment` for v's separator: its unary cost, its constraints, its children's tables.
    private func local(_ v: Int, _ x: Int, _ assignment: inout [Int]) -> Double {
        assignment[v] = x
        var total = problem.variables[v].unary[x]
        for ci in tree.constraintsAt[v] { total += problem.constraints[ci].cost(assignment) }
        for c in tree.children[v] {
            var index = 0
            for s in tree.separator[c] { index = index * problem.variables[s].domain.count + assignment[s] }
            total += tables[c]![index]
        }
        return total
    }

    /// For each assignment of v's separator (row-major, the deepest varying fastest), v's least own cost.
    private func utilTable(_ v: Int) -> [Double] {
        let sep = tree.separator[v]
        let sizes = sep.map { problem.variables[$0].domain.count }
        var assignment = Array(repeating: 0, count: problem.variables.count)
        var out = Array(repeating: Double.infinity, count: Int(tree.cells(of: v, problem)))
        for i in out.indices {
            var rest = i
            for k in stride(from: sep.count - 1, through: 0, by: -1) { assignment[sep[k]] = rest % sizes[k]; rest /= sizes[k] }
            for x in problem.variables[v].domain.indices { out[i] = min(out[i], local(v, x, &assignment)) }
        }
        return out
    }

    private func sendUtil(_ v: Int, to p: Int, _ table: [Double], outgoing: inout [Outgoing]) {
        let owner = problem.variables[p].owner
        var offset = 0
        repeat {
            let part = Array(table[offset..<min(table.count, offset + Self.cellsPerMessage)])
            if owner == index {
                localUtil.append((v, offset, part))
            } else {
                let over = tree.separator[v].map { problem.variables[$0].name }.joined(separator: " ")
                let text = "util \(problem.variables[v].name)→\(problem.variables[p].name) [\(offset), \(offset + part.count)) of \(table.count) over \(over): "
                    + part.map(Self.exact).joined(separator: " ")
                send(text, to: [owner], outgoing: &outgoing)
            }
            offset += part.count
        } while offset < table.count
    }

    /// v takes its best value given its separator's, tells its children theirs, and announces it.
    private func decide(_ v: Int, outgoing: inout [Outgoing]) {
        var assignment = Array(repeating: 0, count: problem.variables.count)
        for s in tree.separator[v] { assignment[s] = heard[s] }
        var best = 0, least = Double.infinity
        for x in problem.variables[v].domain.indices {
            let cost = local(v, x, &assignment)
            if cost < least { least = cost; best = x }
        }
        decided.insert(v)
        heard[v] = best
        values[v] = best
        for c in tree.children[v] {
            let given = tree.separator[c].map { ($0, heard[$0]) }
            let owner = problem.variables[c].owner
            if owner == index {
                localValue.append((c, given))
            } else {
                let said = given.map { "\(problem.variables[$0.0].name) = \(problem.variables[$0.0].domain[$0.1])" }.joined(separator: "; ")
                send("value \(problem.variables[v].name)→\(problem.variables[c].name): \(said)", to: [owner], outgoing: &outgoing)
            }
        }
        announce(v, outgoing: &outgoing)
    }

    /// A cost as text that reads back to the same number (`3`, `-0.5`, `0.30000000000000004`).
    static func exact(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
    }
}
