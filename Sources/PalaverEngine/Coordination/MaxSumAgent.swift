/// Max-Sum in its min-sum form: variables and constraints (factors) exchange
/// cost vectors — `q v→c` (what v costs at each value, leaving c out) and
/// `r c→v` (the best c can do for each of v's values) — and each variable takes
/// the value with the least total. Factors belong to the owner of their first
/// variable; messages between an agent's own nodes stay inside it. Factor
/// messages are damped, and every vector is shifted to a minimum of 0, so the
/// numbers stay small on graphs with cycles. As in pyDCOP, each variable's own
/// costs get a little seeded noise so that symmetric problems (a ring of equal
/// constraints) do not leave every variable making the same choice forever.
public final class MaxSumAgent: DCOPAgent {
    public var damping = 0.5
    public var noise = 0.01
    private lazy var noisyUnary: [Int: [Double]] = Dictionary(uniqueKeysWithValues: owned.map { v in
        (v, problem.variables[v].unary.map { $0 + noise * uniform() })
    })
    private let factors: [Int]
    private var q: [Int: [Int: [Double]]] = [:]   // factor → variable → vector (for my factors)
    private var r: [Int: [Int: [Double]]] = [:]   // factor → variable → vector (for my variables)
    private var localQ: [(Int, Int, [Double])] = []
    private var localR: [(Int, Int, [Double])] = []
    private let constraintIndex: [String: Int]

    override init(problem: DCOPProblem, index: Int, seed: UInt64, start: [Int]) {
        factors = problem.constraints.indices.filter { problem.variables[problem.constraints[$0].scope[0]].owner == index }
        constraintIndex = Dictionary(problem.constraints.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        super.init(problem: problem, index: index, seed: seed, start: start)
    }

    func factorOwner(_ c: Int) -> Int { problem.variables[problem.constraints[c].scope[0]].owner }

    override func read(_ text: String) {
        guard text.hasPrefix("q ") || text.hasPrefix("r "), let colon = text.range(of: ": "),
              let arrow = text.range(of: "→") else { return super.read(text) }
        let from = String(text[text.index(text.startIndex, offsetBy: 2)..<arrow.lowerBound])
        let to = String(text[arrow.upperBound..<colon.lowerBound])
        let vector = text[colon.upperBound...].split(separator: " ").compactMap { Double($0) }
        if text.hasPrefix("q "), let v = variableIndex[from], let c = constraintIndex[to] {
            q[c, default: [:]][v] = vector
        } else if let c = constraintIndex[from], let v = variableIndex[to] {
            r[c, default: [:]][v] = vector
        }
    }

    override func round(step: Int, outgoing: inout [Outgoing]) {
        for (c, v, vec) in localQ { q[c, default: [:]][v] = vec }
        for (c, v, vec) in localR { r[c, default: [:]][v] = vec }
        localQ.removeAll(keepingCapacity: true)
        localR.removeAll(keepingCapacity: true)
        // Variable → factor.
        for v in owned {
            let size = problem.variables[v].domain.count
            var total = noisyUnary[v]!
            for c in constraintsOf[v] { if let vec = r[c]?[v], vec.count == size { for x in 0..<size { total[x] += vec[x] } } }
            // The value with the least total (ties: the lowest index).
            var best = 0
            for x in 1..<max(1, size) where total[x] < total[best] - 1e-9 { best = x }
            // Values are not needed by the algorithm, but saying them keeps the bus a full record.
            values[v] = best
            if announced[v] != best { announce(v, outgoing: &outgoing) }
            for c in constraintsOf[v] {
                var out = total
                if let vec = r[c]?[v], vec.count == size { for x in 0..<size { out[x] -= vec[x] } }
                let floor = out.min() ?? 0
                out = out.map { $0 - floor }
                if factorOwner(c) == index {
                    localQ.append((c, v, out))
                } else {
                    send("q \(problem.variables[v].name)→\(problem.constraints[c].name): \(Self.format(out))", to: [factorOwner(c)], outgoing: &outgoing)
                }
            }
        }
        // Factor → variable.
        for c in factors {
            let constraint = problem.constraints[c]
            let scope = constraint.scope
            for (k, v) in scope.enumerated() {
                let size = problem.variables[v].domain.count
                var best = Array(repeating: Double.infinity, count: size)
                var digits = Array(repeating: 0, count: scope.count)
                for i in 0..<constraint.table.count {
                    var rest = i
                    for j in scope.indices { digits[j] = rest / constraint.strides[j]; rest %= constraint.strides[j] }
                    var value = constraint.table[i]
                    for (j, u) in scope.enumerated() where j != k {
                        if let vec = q[c]?[u], digits[j] < vec.count { value += vec[digits[j]] }
                    }
                    if value < best[digits[k]] { best[digits[k]] = value }
                }
                let floor = best.min() ?? 0
                var out = best.map { $0 - floor }
                if let old = sentR[c]?[v], old.count == size {
                    for x in 0..<size { out[x] = damping * old[x] + (1 - damping) * out[x] }
                }
                sentR[c, default: [:]][v] = out
                if problem.variables[v].owner == index {
                    localR.append((c, v, out))
                } else {
                    send("r \(constraint.name)→\(problem.variables[v].name): \(Self.format(out))", to: [problem.variables[v].owner], outgoing: &outgoing)
                }
            }
        }
    }

    private var sentR: [Int: [Int: [Double]]] = [:]

    static func format(_ vector: [Double]) -> String { vector.map(NumberText.thousandths).joined(separator: " ") }
}
