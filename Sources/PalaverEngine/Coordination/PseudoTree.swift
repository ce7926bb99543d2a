/// A depth-first pseudo-tree of a DCOP's constraint graph, the structure DPOP
/// passes its messages along. Every constraint's variables lie on one path
/// from a root (a depth-first search leaves no edge between branches), so a
/// constraint is charged at its deepest variable, and a variable's UTIL table
/// ranges over its separator: the ancestors linked to it or to anything below
/// it. The largest separator is the tree's induced width; the largest table,
/// the memory DPOP needs.
///
/// Every agent derives the same tree from the problem (pyDCOP builds it
/// before the run too): roots are the most-connected unvisited variables, and
/// the search goes first to the neighbour with most links (ties: file order).
public struct PseudoTree: Sendable {
    /// Tree parent of each variable (nil for a root).
    public let parent: [Int?]
    public let children: [[Int]]
    /// Ancestors a variable's UTIL table ranges over, root first.
    public let separator: [[Int]]
    public let depth: [Int]
    /// Longest path down to a leaf (0 for a leaf).
    public let height: [Int]
    /// Constraints charged at each variable (the deepest of their scope).
    public let constraintsAt: [[Int]]

    public init(problem: DCOPProblem) {
        let n = problem.variables.count
        let neighbours = problem.neighbours
        var parent = [Int?](repeating: nil, count: n)
        var children = Array(repeating: [Int](), count: n)
        var depth = Array(repeating: -1, count: n)
        var preorder: [Int] = []
        preorder.reserveCapacity(n)
        let byLinks = (0..<n).sorted { (neighbours[$0].count, -$0) > (neighbours[$1].count, -$1) }
        let ordered = neighbours.map { ns in ns.sorted { (neighbours[$0].count, -$0) > (neighbours[$1].count, -$1) } }
        for root in byLinks where depth[root] < 0 {
            // Iterative, so a long chain of variables cannot overflow the stack.
            depth[root] = 0
            preorder.append(root)
            var stack: [(v: Int, next: Int)] = [(root, 0)]
            while let top = stack.last {
                let ns = ordered[top.v]
                if top.next == ns.count { stack.removeLast(); continue }
                stack[stack.count - 1].next += 1
                let w = ns[top.next]
                guard depth[w] < 0 else { continue }
                depth[w] = depth[top.v] + 1
                parent[w] = top.v
                children[top.v].append(w)
                preorder.append(w)
                stack.append((w, 0))
            }
        }
        var separator = Array(repeating: [Int](), count: n)
        var height = Array(repeating: 0, count: n)
        for v in preorder.reversed() {
            var sep = Set(neighbours[v].filter { depth[$0] < depth[v] })
            for c in children[v] {
                sep.formUnion(separator[c])
                height[v] = max(height[v], height[c] + 1)
            }
            sep.remove(v)
            separator[v] = sep.sorted { depth[$0] < depth[$1] }
        }
        var constraintsAt = Array(repeating: [Int](), count: n)
        for (ci, c) in problem.constraints.enumerated() {
            if let deepest = c.scope.max(by: { depth[$0] < depth[$1] }) { constraintsAt[deepest].append(ci) }
        }
        self.parent = parent
        self.children = children
        self.separator = separator
        self.depth = depth
        self.height = height
        self.constraintsAt = constraintsAt
    }

    /// The largest separator.
    public var inducedWidth: Int { separator.map(\.count).max() ?? 0 }

    /// Cells in a variable's UTIL table (a Double: it may be astronomically large).
    public func cells(of v: Int, _ problem: DCOPProblem) -> Double {
        separator[v].reduce(1.0) { $0 * Double(problem.variables[$1].domain.count) }
    }

    /// The variable with the largest UTIL table, and its cells.
    public func largestTable(_ problem: DCOPProblem) -> (variable: Int, cells: Double) {
        var best = (variable: 0, cells: 0.0)
        for v in separator.indices where cells(of: v, problem) > best.cells { best = (v, cells(of: v, problem)) }
        return best
    }

    /// Engine steps DPOP needs: UTIL up the tallest tree, then VALUE down it, a step per hop, and one to deliver the last.
    public var steps: Int { 2 * (height.max() ?? 0) + 2 }
}
