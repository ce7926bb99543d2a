import Foundation
import Testing
@testable import PalaverEngine

/// DPOP as agents on the bus: exact on whatever it accepts, and a clear refusal for what would not fit.
@Suite struct DPOPTests {
    /// Every variable in its own agent, or all in one (so messages go over the bus, or stay inside).
    static func spread(_ p: DCOPProblem, agents: Int) -> DCOPProblem {
        var q = p
        q.agents = (0..<agents).map { "a\($0)" }
        for v in q.variables.indices { q.variables[v].owner = v % agents }
        return q
    }

    @Test(arguments: 1...30)
    func agreesWithTryingEverything(_ seed: Int) {
        for agents in [1, 3, 9] {
            let objective: DCOPProblem.Objective = seed % 3 == 0 ? .max : .min
            let p = Self.spread(ExactSolverTests.randomProblem(seed: UInt64(seed), variables: 5 + seed % 5, objective: objective), agents: agents)
            let r = DCOPRun(problem: p, algorithm: .dpop).run()
            let optimum = ExactSolverTests.bruteForce(p)
            #expect(abs(p.internalCost(r.assignment) - optimum) < 1e-9, "seed \(seed), \(agents) agents")
            #expect(abs(r.cost - optimum * p.sign) < 1e-9)
            if agents > 1 { #expect(r.messages > 0) }
        }
    }

    /// Constraints over four variables, a disconnected variable, and costs that are not whole numbers travel exactly.
    @Test func wideConstraintsForestsAndFractionsAreExact() {
        var g = SeededGenerator(seed: 77)
        let n = 8
        let variables = (0..<n).map { i in
            DCOPProblem.Variable(name: "x\(i)", domain: (0..<3).map { .number(Double($0)) }, owner: i, unary: (0..<3).map { _ in g.nextUnit() - 0.5 })
        }
        var constraints: [DCOPProblem.Constraint] = []
        for (k, scope) in [[0, 1, 2, 3], [3, 4, 5], [5, 6], [1, 6]].enumerated() {
            var strides = Array(repeating: 1, count: scope.count)
            for j in stride(from: scope.count - 2, through: 0, by: -1) { strides[j] = strides[j + 1] * 3 }
            let cells = Int(pow(3.0, Double(scope.count)))
            constraints.append(.init(name: "c\(k)", scope: scope, table: (0..<cells).map { _ in (g.nextUnit() - 0.3) * 10 }, strides: strides))
        }
        // x7 is in no constraint: a tree of its own.
        let p = DCOPProblem(name: "wide", objective: .min, variables: variables, constraints: constraints, agents: (0..<n).map { "a\($0)" })
        let tree = PseudoTree(problem: p)
        #expect(tree.parent[7] == nil)
        let r = DCOPRun(problem: p, algorithm: .dpop).run()
        #expect(abs(p.internalCost(r.assignment) - ExactSolverTests.bruteForce(p)) < 1e-9)
    }

    @Test func theSeparatorsFollowThePseudoTree() {
        let p = ExactSolverTests.randomProblem(seed: 5, variables: 9)
        let tree = PseudoTree(problem: p)
        for v in p.variables.indices {
            // Every separator variable is an ancestor, the parent among them.
            var ancestors = Set<Int>()
            var a = tree.parent[v]
            while let u = a { ancestors.insert(u); a = tree.parent[u] }
            #expect(Set(tree.separator[v]).isSubset(of: ancestors))
            if let parent = tree.parent[v] { #expect(tree.separator[v].contains(parent)) }
        }
        // A constraint's variables lie on one path, so each is charged at a variable whose separator holds the rest.
        for (v, cs) in tree.constraintsAt.enumerated() {
            for ci in cs { #expect(Set(p.constraints[ci].scope).subtracting([v]).isSubset(of: tree.separator[v])) }
        }
    }

    @Test func refusesTablesAboveTheLimitNamingTheWidth() throws {
        // Ten variables all linked: a chain of a tree, the last one's table over nine variables of 5 values.
        var text = "domains: {d: {values: [0 .. 4]}}\nvariables:\n"
        for i in 0..<10 { text += "  v\(i): {domain: d}\n" }
        text += "constraints:\n"
        for i in 0..<10 { for j in (i + 1)..<10 { text += "  c\(i)_\(j): {type: intention, function: 'abs(v\(i) - v\(j))'}\n" } }
        text += "agents: [a]\n"
        let p = try DCOPReader.parse(text)
        var run = DCOPRun(problem: p, algorithm: .dpop)
        run.dpopMaxCells = 1_000_000
        let refusal = try #require(run.refusal())
        #expect(refusal.contains("1,953,125 cells"), "\(refusal)")
        #expect(refusal.contains("induced width is 9"), "\(refusal)")
        #expect(refusal.contains("--algo exact"))
        #expect(!refusal.contains("\n"))
        run.dpopMaxCells = 2_000_000
        #expect(run.refusal() == nil)
        #expect(DCOPRun(problem: p, algorithm: .mgm).refusal() == nil)
    }

    @Test func valueMessagesCarryTextValuesThatLookAlike() {
        // Domain values where one starts another, and one holding the "; " that separates values in a VALUE message.
        let domain: [DCOPValue] = [.text("a"), .text("a b"), .text("a; b")]
        var g = SeededGenerator(seed: 3)
        let variables = (0..<4).map { DCOPProblem.Variable(name: "v\($0)", domain: domain, owner: $0, unary: [0, 0, 0]) }
        let constraints = [[0, 1], [1, 2], [0, 2], [2, 3], [0, 3]].enumerated().map { k, scope in
            DCOPProblem.Constraint(name: "c\(k)", scope: scope, table: (0..<9).map { _ in Double(g.next() % 10) }, strides: [3, 1])
        }
        let p = DCOPProblem(name: "text", objective: .min, variables: variables, constraints: constraints, agents: ["p", "q", "r", "s"])
        for seed in 1...5 as ClosedRange<UInt64> {
            var q = p
            for c in q.constraints.indices { q.constraints[c].table = q.constraints[c].table.map { ($0 * Double(seed)).truncatingRemainder(dividingBy: 7) } }
            let r = DCOPRun(problem: q, algorithm: .dpop).run()
            #expect(abs(q.internalCost(r.assignment) - ExactSolverTests.bruteForce(q)) < 1e-9, "seed \(seed)")
            #expect(r.messages > 0)
        }
    }
}
