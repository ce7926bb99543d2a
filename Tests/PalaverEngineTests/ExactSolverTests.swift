import Foundation
import Testing
@testable import PalaverEngine

/// The exact solver against trying every assignment, on problems whose costs
/// go below zero (maximised utilities, Ising couplings, rewards).
@Suite struct ExactSolverTests {
    /// A random problem: 2–4 values per variable (2…maxDomain), unary costs, binary and (unless told not) a few
    /// ternary constraints, costs in −10…10 in halves.
    static func randomProblem(seed: UInt64, variables n: Int = 7, maxDomain: Int = 4, ternary: Bool = true,
                              objective: DCOPProblem.Objective = .min) -> DCOPProblem {
        var g = SeededGenerator(seed: DeterministicRandom.mix(seed))
        func pick(_ k: Int) -> Int { Int(g.next() % UInt64(k)) }
        func cost() -> Double { Double(pick(21) - 10) + (pick(2) == 0 ? 0 : 0.5) }
        let variables = (0..<n).map { i in
            let size = 2 + pick(maxDomain - 1)
            return DCOPProblem.Variable(name: "x\(i)", domain: (0..<size).map { .number(Double($0)) }, owner: i % 3,
                                        unary: (0..<size).map { _ in pick(3) == 0 ? cost() : 0 })
        }
        var constraints: [DCOPProblem.Constraint] = []
        for k in 0..<(n + pick(n)) {
            let arity = ternary && pick(4) == 0 ? 3 : 2
            var scope: [Int] = []
            while scope.count < arity { let v = pick(n); if !scope.contains(v) { scope.append(v) } }
            let sizes = scope.map { variables[$0].domain.count }
            var strides = Array(repeating: 1, count: arity)
            for j in stride(from: arity - 2, through: 0, by: -1) { strides[j] = strides[j + 1] * sizes[j + 1] }
            constraints.append(.init(name: "c\(k)", scope: scope, table: (0..<sizes.reduce(1, *)).map { _ in cost() }, strides: strides))
        }
        return DCOPProblem(name: "random \(seed)", objective: objective, variables: variables, constraints: constraints, agents: ["a", "b", "c"])
    }

    static func bruteForce(_ p: DCOPProblem) -> Double {
        var best = Double.infinity
        var a = Array(repeating: 0, count: p.variables.count)
        func all(_ i: Int) {
            if i == a.count { best = min(best, p.internalCost(a)); return }
            for x in p.variables[i].domain.indices { a[i] = x; all(i + 1) }
        }
        all(0)
        return best
    }

    @Test func theIssuesSmallestCaseFindsMinusNine() throws {
        let p = try DCOPReader.parse("""
            domains: {b: {values: [0, 1]}}
            variables:
              x: {domain: b, cost_function: x}
              y: {domain: b}
            constraints:
              pair: {type: intention, function: -10 if x == 1 and y == 1 else 0}
            agents: [a1, a2]
            """)
        let r = DCOPRun(problem: p, algorithm: .exact).run()
        #expect(r.cost == -9)
        #expect(r.assignment == [1, 1])
    }

    @Test(arguments: 1...40)
    func negativeCostsAgreeWithTryingEverything(_ seed: Int) {
        let p = Self.randomProblem(seed: UInt64(seed), variables: 5 + seed % 4)
        let r = ExactSolver(problem: p).solve()
        #expect(abs(r.internalCost - Self.bruteForce(p)) < 1e-9)
        #expect(abs(p.internalCost(r.assignment) - r.internalCost) < 1e-9)
    }

    @Test func maximisedProblemsFindTheLargestUtility() throws {
        for seed in 1...10 {
            var text = "objective: max\ndomains: {d: {values: [0, 1, 2]}}\nvariables:\n"
            var g = SeededGenerator(seed: UInt64(seed))
            for i in 0..<6 { text += "  v\(i): {domain: d, cost_function: \(g.next() % 5) * v\(i)}\n" }
            text += "constraints:\n"
            for i in 0..<6 { for j in (i + 1)..<6 where g.next() % 2 == 0 {
                text += "  c\(i)_\(j): {type: intention, function: '\(g.next() % 7) if v\(i) == v\(j) else \(g.next() % 4) * v\(i) - v\(j)'}\n"
            } }
            let p = try DCOPReader.parse(text)
            var best = -Double.infinity
            var a = Array(repeating: 0, count: 6)
            func all(_ i: Int) {
                if i == 6 { best = max(best, p.cost(a)); return }
                for x in 0..<3 { a[i] = x; all(i + 1) }
            }
            all(0)
            let r = DCOPRun(problem: p, algorithm: .exact).run()
            #expect(abs(r.cost - best) < 1e-9, "seed \(seed)")
        }
    }

    /// Both searches, on their own, against trying every assignment: pair-only problems (the cost-transfer path) and
    /// problems with ternary constraints (charged when complete there, bounded by mini-buckets otherwise).
    @Test(arguments: 1...40)
    func bothSearchesAgreeWithTryingEverything(_ seed: Int) {
        let p = Self.randomProblem(seed: UInt64(seed) &+ 1000, variables: 5 + seed % 4, ternary: seed % 2 == 0,
                                   objective: seed % 5 == 0 ? .max : .min)
        let optimum = Self.bruteForce(p)
        for method in [ExactSolver.Method.costTransfer, .miniBucket] {
            var solver = ExactSolver(problem: p)
            solver.method = method
            let r = solver.solve()
            #expect(r.optimal)
            #expect(abs(r.internalCost - optimum) < 1e-9, "seed \(seed) \(method)")
            #expect(abs(p.internalCost(r.assignment) - r.internalCost) < 1e-9)
        }
    }

    /// Twelve variables, costs of both signs and halves, binary and ternary tables: the sizes where pruning
    /// and cost moves matter, still small enough to try all 3^12 assignments.
    @Test(arguments: 1...4)
    func twelveVariablesWithMixedSignsAgreeWithTryingEverything(_ seed: Int) {
        let p = Self.randomProblem(seed: UInt64(seed) &+ 5000, variables: 12, maxDomain: 3, ternary: seed % 2 == 0)
        let optimum = Self.bruteForce(p)
        for method in [ExactSolver.Method.costTransfer, .miniBucket] {
            var solver = ExactSolver(problem: p)
            solver.method = method
            #expect(abs(solver.solve().internalCost - optimum) < 1e-9, "seed \(seed) \(method)")
        }
    }

    /// The searches alone, without the local-search start: each must find the optimum itself, and the cost-transfer
    /// bound at the root (after node, arc, directional and existential consistency) may never exceed it.
    @Test(arguments: 1...30)
    func theSearchAloneFindsTheOptimumAndItsRootBoundStaysBelow(_ seed: Int) {
        let p = Self.randomProblem(seed: UInt64(seed) &+ 9000, variables: 5 + seed % 5, maxDomain: 3 + seed % 2,
                                   ternary: seed % 3 == 0, objective: seed % 4 == 0 ? .max : .min)
        let optimum = Self.bruteForce(p)
        for method in [ExactSolver.Method.costTransfer, .miniBucket] {
            var solver = ExactSolver(problem: p)
            solver.method = method
            solver.startsFromLocalSearch = false
            let r = solver.solve()
            #expect(r.optimal)
            #expect(abs(r.internalCost - optimum) < 1e-9, "seed \(seed) \(method)")
            #expect(abs(p.internalCost(r.assignment) - r.internalCost) < 1e-9)
        }
        guard !(seed % 3 == 0) else { return }
        var search = CostTransferSearch(model: ExactSolverModel(problem: p, order: ExactSolverModel.minFillOrder(p)))
        search.run()
        #expect(search.rootBound <= optimum + 1e-9, "seed \(seed)")
        #expect(abs(search.ledger.best - optimum) < 1e-9, "seed \(seed)")
    }

    /// Stopped by its time limit, it says so, and its bound is one: never above the best it found.
    @Test func aTimeLimitReportsTheBestFoundAndAProvenBound() throws {
        let p = try DCOPReader.parse(DCOPGenerator.graphColoring(variables: 60, colors: 3, density: 0.3, seed: 4))
        let r = ExactSolver(problem: p).solve(timeout: 0.001)
        #expect(!r.optimal)
        #expect(r.lowerBound <= r.internalCost + 1e-9)
        #expect(r.lowerBound > 0)
        #expect(abs(p.internalCost(r.assignment) - r.internalCost) < 1e-9)
    }
}
