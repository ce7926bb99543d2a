/// The optimum of a DCOP by depth-first branch and bound. Variables are
/// assigned most-connected first (breadth-first, so assigned sets stay
/// connected). A branch is cut when the cost so far plus a lower bound on the
/// rest cannot beat the best found; the bound gives every unassigned variable
/// its cheapest value given the binary constraints it has with assigned ones
/// (kept up to date as values are set and taken back), and every other open
/// constraint its cheapest entry. Every table is first shifted to a minimum
/// of 0 (the shifts are added back at the end), so the bound holds with
/// negative costs too — a `max` problem's negated utilities, Ising couplings.
/// Ground truth for small problems.
public struct ExactSolver {
    public struct Result: Sendable {
        public var assignment: [Int]
        /// Minimised form (see `DCOPProblem.internalCost`).
        public var internalCost: Double
        public var nodesExplored: Int
    }

    let problem: DCOPProblem
    public init(problem: DCOPProblem) { self.problem = problem }

    public func solve() -> Result {
        let (p, _) = Self.shiftedToZeroMinimum(problem)
        let n = p.variables.count
        let neighbours = p.neighbours
        let degrees = neighbours.map(\.count)
        var order: [Int] = []
        var placed = Array(repeating: false, count: n)
        while order.count < n {
            let seed = (0..<n).filter { !placed[$0] }.max { (degrees[$0], -$0) < (degrees[$1], -$1) }!
            var queue = [seed]
            placed[seed] = true
            while !queue.isEmpty {
                let v = queue.removeFirst()
                order.append(v)
                for w in neighbours[v].sorted(by: { (degrees[$0], -$0) > (degrees[$1], -$1) }) where !placed[w] {
                    placed[w] = true
                    queue.append(w)
                }
            }
        }
        var position = Array(repeating: 0, count: n)
        for (k, v) in order.enumerated() { position[v] = k }

        // Binary constraints between distinct variables are tracked per variable; the rest by their floor.
        struct Link { var constraint: Int; var other: Int; var selfFirst: Bool }
        var links = Array(repeating: [Link](), count: n)
        var isBinary = Array(repeating: false, count: p.constraints.count)
        for (ci, c) in p.constraints.enumerated() where c.scope.count == 2 && c.scope[0] != c.scope[1] {
            isBinary[ci] = true
            links[c.scope[0]].append(Link(constraint: ci, other: c.scope[1], selfFirst: true))
            links[c.scope[1]].append(Link(constraint: ci, other: c.scope[0], selfFirst: false))
        }
        // Charged when the last of their variables is assigned.
        var closing = Array(repeating: [Int](), count: n)
        for (ci, c) in p.constraints.enumerated() { closing[c.scope.map { position[$0] }.max()!].append(ci) }
        // Floor of the constraints not closed at depth k and not tracked through `future` (depth k: k variables assigned).
        var openFloor = Array(repeating: 0.0, count: n + 1)
        for k in 0...n {
            var total = 0.0
            for (ci, c) in p.constraints.enumerated() {
                let ps = c.scope.map { position[$0] }
                let lastAssigned = ps.max()! < k
                if lastAssigned { continue }
                let anyAssigned = ps.min()! < k
                // Binary with one end assigned: counted in `future`.
                if isBinary[ci] && anyAssigned { continue }
                total += c.table.min()!
            }
            openFloor[k] = total
        }

        // future[u][x]: cost of u = x against assigned variables through binary constraints, plus u's own cost.
        var future = p.variables.map { $0.unary }
        var assignment = Array(repeating: 0, count: n)
        var best = Double.infinity
        var bestAssignment = assignment
        var nodes = 0

        func bound(from k: Int) -> Double {
            var total = openFloor[k]
            for j in k..<n { total += future[order[j]].min()! }
            return total
        }

        func setValue(_ v: Int, _ value: Int, sign: Double) {
            for link in links[v] where position[link.other] > position[v] {
                let c = p.constraints[link.constraint]
                let size = p.variables[link.other].domain.count
                for x in 0..<size {
                    let index = link.selfFirst ? value * c.strides[0] + x * c.strides[1] : x * c.strides[0] + value * c.strides[1]
                    future[link.other][x] += sign * c.table[index]
                }
            }
        }

        func search(_ k: Int, _ cost: Double) {
            nodes += 1
            if k == n {
                if cost < best - 1e-9 { best = cost; bestAssignment = assignment }
                return
            }
            let v = order[k]
            let domain = p.variables[v].domain.count
            var options: [(Double, Int)] = []
            options.reserveCapacity(domain)
            for value in 0..<domain {
                assignment[v] = value
                // Own cost and binary links to assigned variables are in `future`; add the other closing constraints.
                var added = future[v][value]
                for ci in closing[k] where !isBinary[ci] { added += p.constraints[ci].cost(assignment) }
                options.append((added, value))
            }
            options.sort { $0.0 < $1.0 }
            for (added, value) in options {
                // Options are sorted: once one cannot beat the best, none after it can.
                if cost + added >= best - 1e-9 { break }
                assignment[v] = value
                setValue(v, value, sign: 1)
                if cost + added + bound(from: k + 1) < best - 1e-9 { search(k + 1, cost + added) }
                setValue(v, value, sign: -1)
            }
        }
        search(0, 0)
        return Result(assignment: bestAssignment, internalCost: problem.internalCost(bestAssignment), nodesExplored: nodes)
    }

    /// The same problem with every unary and constraint table moved to a least
    /// entry of 0, and the sum of the shifts: cost = shifted cost + offset.
    static func shiftedToZeroMinimum(_ problem: DCOPProblem) -> (DCOPProblem, Double) {
        var p = problem
        var offset = 0.0
        for i in p.variables.indices {
            let floor = p.variables[i].unary.min() ?? 0
            offset += floor
            p.variables[i].unary = p.variables[i].unary.map { $0 - floor }
        }
        for i in p.constraints.indices {
            let floor = p.constraints[i].table.min() ?? 0
            offset += floor
            p.constraints[i].table = p.constraints[i].table.map { $0 - floor }
        }
        return (p, offset)
    }
}
