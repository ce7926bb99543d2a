import Foundation
import Testing
@testable import PalaverEngine

/// pyDCOP's YAML as pyDCOP's own files write it: function bodies, round(),
/// external variables, noise_level, distribution hints — and what pyDCOP refuses.
@Suite struct PyDCOPFormatTests {
    static let levels = """
        name: lamps
        objective: min
        domains:
          levels: {values: [0, 1, 2, 3, 4]}
          switch: {values: [true, false]}
        variables:
          a: {domain: levels, initial_value: 2}
          b: {domain: levels}

        """

    func failure(_ text: String) -> String {
        do { _ = try DCOPReader.parse(text, path: "bad.yaml"); return "accepted" } catch { return error.description }
    }

    func cost(_ p: DCOPProblem, _ values: [String: Int]) -> Double {
        p.cost(p.variables.map { v in v.domain.firstIndex(of: .number(Double(values[v.name]!)))! })
    }

    @Test func functionBodiesWithAssignmentsBranchesAndExternalVariablesGiveTheirCosts() throws {
        let p = try DCOPReader.parse(Self.levels + """
            external_variables:
              sunny: {domain: switch, initial_value: false}
            constraints:
              target:
                type: intention
                function: |
                  # the lamps should sum to 3 unless it is sunny
                  goal = 1 if sunny else 3
                  gap = abs(a + b - goal)
                  if gap == 0:
                      return 0
                  elif gap <= 1:
                      penalty = 2
                      penalty *= 1.5
                      return penalty
                  else:
                      pass
                  if a > b: return 10 * gap + 1
                  return 10 * gap
            """)
        #expect(p.constraints.count == 1)
        #expect(p.constraints[0].scope.map { p.variables[$0].name } == ["a", "b"], "sunny is external: held, not in the scope")
        #expect(cost(p, ["a": 1, "b": 2]) == 0)
        #expect(cost(p, ["a": 2, "b": 2]) == 3)
        #expect(cost(p, ["a": 4, "b": 4]) == 50)
        #expect(cost(p, ["a": 4, "b": 1]) == 21)
        #expect(cost(p, ["a": 4, "b": 0]) == 3)
        #expect(cost(p, ["a": 0, "b": 0]) == 30)
    }

    @Test func roundIsPythonsHalfToEven() throws {
        func eval(_ text: String) throws -> DCOPValue { try DCOPExpression.parse(text).evaluate([:]) }
        #expect(try eval("round(2.5)") == .number(2))
        #expect(try eval("round(3.5)") == .number(4))
        #expect(try eval("round(-0.5)") == .number(-0))
        #expect(try eval("round(2.675, 1)") == .number(2.7))
        #expect(try eval("int(-2.7) + float(3)") == .number(1))
        #expect(try eval("pow(2, 10)") == .number(1024))
        #expect(throws: DCOPExpression.Failure.self) { try eval("round(1.5, 0.5)") }
    }

    @Test func unsupportedPythonNamesTheConstructAndTheFileLine() {
        let loop = failure(Self.levels + """
            constraints:
              c:
                type: intention
                function: |
                  total = 0
                  for i in range(3):
                      total += a
                  return total
            """)
        // The block starts on line 13 (the line after `function: |`); the loop is its second line.
        #expect(loop.hasPrefix("bad.yaml:14: constraint 'c': 'for' is not supported"), "\(loop)")
        let call = failure(Self.levels + "constraints:\n  c: {type: intention, function: 'sqrt(a)'}\n")
        #expect(call.hasPrefix("bad.yaml:10: constraint 'c': function 'sqrt' is not supported"), "\(call)")
        let fallsOff = failure(Self.levels + """
            constraints:
              c:
                type: intention
                function: |
                  if a > 2:
                      return 1
            """)
        #expect(fallsOff.hasPrefix("bad.yaml:14: constraint 'c': the function ends without returning a value"), "\(fallsOff)")
        let indent = failure(Self.levels + "constraints:\n  c:\n    type: intention\n    function: |\n      x = a\n        return x\n")
        #expect(indent.hasPrefix("bad.yaml:14: constraint 'c': unexpected indentation"), "\(indent)")
        let orphan = failure(Self.levels + "constraints:\n  c:\n    type: intention\n    function: |\n      return a\n      else:\n          return b\n")
        #expect(orphan.contains("'else' without an 'if'"), "\(orphan)")
        let deep = (0..<300).map { String(repeating: " ", count: $0) + "if a > \($0):\n" }.joined() + String(repeating: " ", count: 300) + "return 1\n"
        #expect(throws: DCOPExpression.Failure.self) { try DCOPExpression.parse(deep) }
    }

    @Test func sourceFilesStayRefusedWithTheReason() {
        let text = failure(Self.levels + "constraints:\n  c: {type: intention, source: ./mine.py, function: 'source.f(a, b)'}\n")
        #expect(text.contains("constraint 'c': 'source: ./mine.py' loads a Python file, and Palaver never runs Python code"), "\(text)")
    }

    @Test func noiseIsSeededBoundedAndOnlyWhereAsked() throws {
        let text = """
            name: noisy
            objective: min
            domains: {d: {values: [0, 1, 2, 3]}}
            variables:
              x: {domain: d, cost_function: x * 0.5, noise_level: 0.2}
              y: {domain: d, cost_function: y * 0.5}
            constraints:
              c: {type: intention, function: x + y}
            """
        let one = try DCOPReader.parse(text, noiseSeed: 1)
        let again = try DCOPReader.parse(text, noiseSeed: 1)
        let other = try DCOPReader.parse(text, noiseSeed: 2)
        #expect(one.variables[0].unary == again.variables[0].unary)
        #expect(one.variables[0].unary != other.variables[0].unary)
        for (i, c) in one.variables[0].unary.enumerated() { #expect(c >= Double(i) * 0.5 && c < Double(i) * 0.5 + 0.2) }
        #expect(Set(one.variables[0].unary.indices.map { one.variables[0].unary[$0] - Double($0) * 0.5 }).count == 4, "each value draws its own noise")
        #expect(one.variables[1].unary == [0, 0.5, 1, 1.5])
        #expect(failure(text.replacingOccurrences(of: "noise_level: 0.2", with: "noise_level: -1")).contains("noise_level must be a number at least 0"))
    }

    @Test func initialValuesOutsideTheDomainAreRefused() {
        #expect(failure(Self.levels.replacingOccurrences(of: "initial_value: 2", with: "initial_value: 7") + "constraints: {}\n")
            .contains("variable 'a': initial_value '7' is not in its domain 'levels'"))
        #expect(failure(Self.levels.replacingOccurrences(of: "initial_value: 2", with: "initial_value: 0") + "constraints: {}\n") == "accepted")
        #expect(failure(Self.levels + "external_variables:\n  e: {domain: switch, initial_value: 3}\n")
            .contains("external variable 'e': initial_value '3' is not in its domain 'switch'"))
        #expect(failure(Self.levels + "external_variables:\n  e: {domain: switch}\n").contains("external variable 'e' needs an initial_value"))
    }

    @Test func mustHostNamesKnownAgentsAndPlacesTheVariables() throws {
        let base = Self.levels + "constraints:\n  c: {type: intention, function: a + b}\nagents: [p, q, r]\ndistribution_hints:\n  must_host:\n"
        let p = try DCOPReader.parse(base + "    r: [a]\n    q: [b, c]\n")
        #expect(p.variables.map { p.agents[$0.owner] } == ["r", "q"])
        #expect(failure(base + "    z: [a]\n").contains("must_host names an unknown agent 'z'"))
        #expect(failure(base + "    p: [a, w]\n").contains("must_host for agent 'p' names an unknown variable or constraint 'w'"))
    }

    @Test func pyDCOPsOtherFilesAreNamedAndMissingSectionsAreEmpty() {
        #expect(failure("distribution:\n  a1: [v1]\ninputs: {dist_algo: oneagent}\n").contains("this is a pyDCOP distribution file, not a DCOP"))
        #expect(failure("events:\n  - id: e1\n    delay: 1\n").contains("this is a pyDCOP scenario file"))
        #expect(failure("name: agents only\nobjective: min\nagents: [a1, a2]\n").contains("no 'variables' section: nothing to solve"))
        // No `domains` section: an empty one, so a variable's domain is the error, by name.
        #expect(failure("name: x\nobjective: min\nvariables: {v: {domain: d}}\n").contains("variable 'v': unknown domain 'd'"))
    }
}

/// DSA's default: pyDCOP's variant B; p = 0.9 when every cost is soft, pyDCOP's 0.7 with hard limits.
@Suite struct DSADefaultTests {
    @Test func theDefaultProbabilityFollowsTheProblemsLimits() throws {
        let soft = try DCOPReader.parse(DCOPGenerator.graphColoring(variables: 12, colors: 3, density: 0.3, soft: true, seed: 2))
        let hard = try DCOPReader.parse(DCOPGenerator.graphColoring(variables: 12, colors: 3, density: 0.3, soft: false, seed: 2))
        #expect(!soft.hasHardLimits && hard.hasHardLimits)
        #expect(DSAAgent.defaultProbability(for: soft) == 0.9)
        #expect(DSAAgent.defaultProbability(for: hard) == 0.7)
        var run = DCOPRun(problem: soft, algorithm: .dsa)
        #expect((run.makeAgents(start: run.start())[0] as? DSAAgent)?.probability == 0.9)
        #expect((run.makeAgents(start: run.start())[0] as? DSAAgent)?.variant == .b)
        run.dsaProbability = 0.5
        #expect((run.makeAgents(start: run.start())[0] as? DSAAgent)?.probability == 0.5, "an explicit probability wins")
    }
}
