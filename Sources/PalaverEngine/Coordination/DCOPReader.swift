import Foundation
import Yams

/// Reads DCOP files in pyDCOP's YAML format: `name`, `objective`, `domains`,
/// `variables` (with optional `cost_function`, `noise_level`, `initial_value`),
/// `external_variables` (held at their initial values), `constraints` of type
/// `extensional` or `intention` (an expression or a function body), `agents`
/// as a list or a map, and `distribution_hints`' `must_host`. Unknown keys are
/// ignored, as pyDCOP does; a missing `domains` or `variables` section is an
/// empty one, as in pyDCOP. Errors name the file (and line) and what is wrong.
public enum DCOPReader {
    public struct Failure: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// `noiseSeed` draws the noise pyDCOP adds to a `noise_level` variable's costs (pyDCOP's is unseeded).
    public static func read(_ path: String, noiseSeed: UInt64 = 0) throws(Failure) -> DCOPProblem {
        try parse(try DCOPFile.text(path), path: path, noiseSeed: noiseSeed)
    }

    /// A DCOP file's text, read with the limits any file from anywhere gets.
    public static func text(_ path: String) throws(Failure) -> String { try DCOPFile.text(path) }

    /// Largest cost table built for one constraint.
    static let tableLimit = 4_000_000
    /// Table cells × expression nodes for a whole file (about 2 s of building).
    static let workLimit = 40_000_000

    public static func parse(_ text: String, path: String = "problem", noiseSeed: UInt64 = 0) throws(Failure) -> DCOPProblem {
        func fail(_ why: String) -> Failure { Failure(path: path, why) }
        /// A failure in a function's text, placed on its line in the file.
        func fail(_ node: Node, _ prefix: String, _ error: DCOPExpression.Failure) -> Failure {
            guard let mark = node.mark else { return fail("\(prefix)\(error)") }
            // A block scalar (`|`, `>`) starts on the line after its indicator.
            let block = node.scalar.map { $0.style == .literal || $0.style == .folded } ?? false
            let line = mark.line + (block ? 1 : 0) + (error.line ?? 1) - 1
            return Failure(path: "\(path):\(line)", "\(prefix)\(error)")
        }
        let root = try DCOPFile.compose(text, path: path)
        guard let top = root.mapping else { throw fail("expected a mapping with domains, variables and constraints") }
        func field(_ name: String) -> Node? { top[Node(name)] }
        if field("domains") == nil && field("variables") == nil {
            // pyDCOP's other files: say which one this is rather than what it lacks.
            for (key, kind) in [("distribution", "distribution"), ("replica_dist", "replica distribution"), ("events", "scenario"), ("batches", "batch")] where field(key) != nil {
                throw fail("this is a pyDCOP \(kind) file, not a DCOP (no 'domains' or 'variables')")
            }
        }

        let objectiveText = field("objective")?.string ?? "min"
        guard let objective = DCOPProblem.Objective(rawValue: objectiveText) else { throw fail("objective must be min or max, not '\(objectiveText)'") }

        // Domains.
        var domains: [String: [DCOPValue]] = [:]
        if let d = field("domains"), d.mapping == nil, !Self.isNull(d) { throw fail("'domains' must be a mapping") }
        for (k, v) in field("domains")?.mapping ?? [:] {
            guard let name = k.string else { throw fail("domain names must be text") }
            let valuesNode = v.mapping?[Node("values")] ?? v
            let values = try domainValues(valuesNode, fail: { fail("domain '\(name)': \($0)") })
            guard !values.isEmpty else { throw fail("domain '\(name)' has no values") }
            guard domains[name] == nil else { throw fail("domain '\(name)' is declared twice") }
            guard Set(values).count == values.count else { throw fail("domain '\(name)' lists a value twice") }
            domains[name] = values
        }

        // Variables (in file order).
        if let d = field("variables"), d.mapping == nil, !Self.isNull(d) { throw fail("'variables' must be a mapping") }
        var variables: [DCOPProblem.Variable] = []
        var unaryExpressions: [(Int, String, Node, Double?)] = []
        var hintedOwner: [Int: String] = [:]
        /// A variable's domain, checking its initial value is in it, as pyDCOP does.
        func domainOf(_ name: String, _ v: Node, kind: String) throws(Failure) -> [DCOPValue] {
            guard let domainName = v.mapping?[Node("domain")]?.string else { throw fail("\(kind) '\(name)' needs a domain") }
            guard let domain = domains[domainName] else { throw fail("\(kind) '\(name)': unknown domain '\(domainName)'") }
            if let initial = v.mapping?[Node("initial_value")], !Self.isNull(initial) {
                guard let value = Self.scalar(initial), domain.contains(where: { DCOPValue.equal($0, value) }) else {
                    throw fail("\(kind) '\(name)': initial_value '\(initial.string ?? "?")' is not in its domain '\(domainName)'")
                }
            }
            return domain
        }
        for (k, v) in field("variables")?.mapping ?? [:] {
            guard let name = k.string else { throw fail("variable names must be text") }
            let domain = try domainOf(name, v, kind: "variable")
            if let cf = v.mapping?[Node("cost_function")] {
                guard let text = cf.string else { throw fail("variable '\(name)': cost_function must be an expression") }
                var noise: Double?
                if let n = v.mapping?[Node("noise_level")] {
                    guard let x = n.float ?? n.int.map(Double.init), x >= 0, x.isFinite else { throw fail("variable '\(name)': noise_level must be a number at least 0") }
                    noise = x
                }
                unaryExpressions.append((variables.count, text, cf, noise))
            }
            if let agent = v.mapping?[Node("agent")]?.string { hintedOwner[variables.count] = agent }
            variables.append(.init(name: name, domain: domain, owner: 0, unary: Array(repeating: 0, count: domain.count)))
        }
        guard !variables.isEmpty else {
            throw fail(field("variables") == nil ? "no 'variables' section: nothing to solve" : "no variables")
        }
        // External variables: not decided by anyone; constraints see their initial value.
        var external: [String: DCOPValue] = [:]
        for (k, v) in field("external_variables")?.mapping ?? [:] {
            guard let name = k.string else { throw fail("external variable names must be text") }
            _ = try domainOf(name, v, kind: "external variable")
            guard let initial = v.mapping?[Node("initial_value")].flatMap(Self.scalar) else {
                throw fail("external variable '\(name)' needs an initial_value (Palaver holds it there while solving)")
            }
            guard external.updateValue(initial, forKey: name) == nil, !variables.contains(where: { $0.name == name }) else {
                throw fail("external variable '\(name)' is declared twice")
            }
        }
        var index: [String: Int] = [:]
        for (i, v) in variables.enumerated() {
            // `1` and `'1'` are different YAML keys but the same name in an expression.
            guard index[v.name] == nil else { throw fail("variable '\(v.name)' is declared twice") }
            index[v.name] = i
        }
        var noise = SeededGenerator(seed: DeterministicRandom.value(noiseSeed, 0x0015E))
        for (vi, text, node, noiseLevel) in unaryExpressions {
            let name = variables[vi].name
            let e: DCOPExpression
            do { e = try DCOPExpression.parse(text) } catch { throw fail(node, "variable '\(name)': cost_function: ", error) }
            if let other = e.variables.first(where: { $0 != name }) { throw fail("variable '\(name)': cost_function uses '\(other)'; it may only use \(name)") }
            for (i, value) in variables[vi].domain.enumerated() {
                do {
                    guard let x = try e.evaluate([name: value]).number else { throw fail("variable '\(name)': cost_function must give a number") }
                    // pyDCOP adds uniform(0, noise_level) to each value's cost, once, at load.
                    variables[vi].unary[i] = x + (noiseLevel.map { noise.nextUnit() * $0 } ?? 0)
                } catch let f as Failure { throw f } catch let f as DCOPExpression.Failure { throw fail(node, "variable '\(name)': cost_function: ", f) } catch { throw fail("variable '\(name)': cost_function: \(error)") }
            }
        }

        // Constraints.
        var constraints: [DCOPProblem.Constraint] = []
        var constraintNames = Set<String>()
        var work = 0
        for (k, v) in field("constraints")?.mapping ?? [:] {
            guard let name = k.string, let spec = v.mapping else { throw fail("each constraint must be a mapping") }
            guard constraintNames.insert(name).inserted else { throw fail("constraint '\(name)' is declared twice") }
            let type = spec[Node("type")]?.string ?? "intention"
            func makeTable(_ scope: [Int], effort: Int, _ costOf: ([DCOPValue]) throws(Failure) -> Double) throws(Failure) -> DCOPProblem.Constraint {
                let sizes = scope.map { variables[$0].domain.count }
                var count = 1
                for size in sizes {
                    let (product, overflow) = count.multipliedReportingOverflow(by: size)
                    guard !overflow, product <= tableLimit else {
                        throw fail("constraint '\(name)' over \(scope.count) variables has too many value combinations (limit \(tableLimit))")
                    }
                    count = product
                }
                // Building every table costs combinations × expression size; the whole file has a budget.
                work += count * max(1, effort)
                guard work <= workLimit else {
                    throw fail("constraint '\(name)': building the cost tables would take too long (limit \(workLimit) expression steps per file; the tables so far need \(work))")
                }
                var strides = Array(repeating: 1, count: scope.count)
                for k in stride(from: scope.count - 2, through: 0, by: -1) { strides[k] = strides[k + 1] * sizes[k + 1] }
                var table = [Double](repeating: 0, count: count)
                var digits = Array(repeating: 0, count: scope.count)
                for i in 0..<count {
                    var rest = i
                    for k in scope.indices { digits[k] = rest / strides[k]; rest %= strides[k] }
                    table[i] = try costOf(scope.indices.map { variables[scope[$0]].domain[digits[$0]] })
                }
                return .init(name: name, scope: scope, table: table, strides: strides)
            }
            switch type {
            case "intention":
                guard let functionNode = spec[Node("function")], let text = functionNode.string else {
                    throw fail("constraint '\(name)': an intention constraint needs a 'function'")
                }
                if let source = spec[Node("source")] {
                    throw fail("constraint '\(name)': 'source: \(source.string ?? "?")' loads a Python file, and Palaver never runs Python code; write the function in the file")
                }
                let e: DCOPExpression
                do { e = try DCOPExpression.parse(text) } catch { throw fail(functionNode, "constraint '\(name)': ", error) }
                var scope: [Int] = []
                for n in e.variables.sorted() where external[n] == nil {
                    guard let vi = index[n] else { throw fail("constraint '\(name)': unknown variable '\(n)'") }
                    scope.append(vi)
                }
                scope.sort()
                guard !scope.isEmpty else { throw fail("constraint '\(name)': the function uses no variable") }
                let names = scope.map { variables[$0].name }
                constraints.append(try makeTable(scope, effort: e.size) { (values) throws(Failure) -> Double in
                    do {
                        guard let x = try e.evaluate(external.merging(zip(names, values)) { $1 }).number else {
                            throw fail("constraint '\(name)': the function must give a number")
                        }
                        return x
                    } catch let f as Failure { throw f } catch let f as DCOPExpression.Failure { throw fail(functionNode, "constraint '\(name)': ", f) } catch { throw fail("constraint '\(name)': \(error)") }
                })
            case "extensional":
                guard let vars = spec[Node("variables")] else { throw fail("constraint '\(name)': an extensional constraint needs 'variables'") }
                let names = vars.sequence?.compactMap(\.string) ?? vars.string.map { [$0] } ?? []
                guard !names.isEmpty else { throw fail("constraint '\(name)': 'variables' must list variable names") }
                var scope: [Int] = []
                for n in names {
                    guard let vi = index[n] else { throw fail("constraint '\(name)': unknown variable '\(n)'") }
                    scope.append(vi)
                }
                var fallback: Double?
                if let d = spec[Node("default")] {
                    guard let x = d.float ?? d.int.map(Double.init) else { throw fail("constraint '\(name)': default must be a number") }
                    fallback = x
                }
                var costs: [[String]: Double] = [:]
                for (costNode, tuplesNode) in spec[Node("values")]?.mapping ?? [:] {
                    guard let cost = costNode.float ?? costNode.int.map(Double.init) ?? costNode.string.flatMap(Double.init) else {
                        throw fail("constraint '\(name)': value costs must be numbers, not '\(costNode.string ?? "?")'")
                    }
                    let text: String = tuplesNode.string ?? ""
                    for tuple in text.split(separator: "|") {
                        let parts: [String] = tuple.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { String($0) }
                        guard parts.count == scope.count else {
                            let shown = String(tuple).trimmingCharacters(in: CharacterSet.whitespaces)
                            throw fail("constraint '\(name)': '\(shown)' needs \(scope.count) value\(scope.count == 1 ? "" : "s")")
                        }
                        for (k, part) in parts.enumerated() where !variables[scope[k]].domain.contains(where: { $0.description == part }) {
                            throw fail("constraint '\(name)': '\(part)' is not in the domain of \(variables[scope[k]].name)")
                        }
                        costs[parts] = cost
                    }
                }
                constraints.append(try makeTable(scope, effort: scope.count) { (values) throws(Failure) -> Double in
                    if let c = costs[values.map(\.description)] { return c }
                    guard let fallback else { throw fail("constraint '\(name)': no cost for \(values.map(\.description).joined(separator: " ")) and no default") }
                    return fallback
                })
            default:
                throw fail("constraint '\(name)': unknown type '\(type)' (intention or extensional)")
            }
        }

        // Agents: a list or a map; variables go to them in order when not hinted.
        var agents: [String] = []
        if let list = field("agents")?.sequence { agents = list.compactMap(\.string) }
        else if let map = field("agents")?.mapping { agents = map.compactMap { $0.key.string } }
        if agents.isEmpty { agents = variables.map { "a_\($0.name)" } }
        if let twice = agents.indices.first(where: { agents[..<$0].contains(agents[$0]) }).map({ agents[$0] }) {
            throw fail("agent '\(twice)' is declared twice")
        }
        // distribution_hints: must_host names known agents and variables (or constraints), as pyDCOP checks; it places variables.
        if let hosts = field("distribution_hints")?.mapping?[Node("must_host")]?.mapping {
            for (k, v) in hosts {
                guard let agent = k.string, agents.contains(agent) else { throw fail("distribution_hints: must_host names an unknown agent '\(k.string ?? "?")'") }
                let hosted = v.sequence?.compactMap(\.string) ?? v.string.map { [$0] } ?? []
                for n in hosted {
                    if let vi = index[n] { hintedOwner[vi] = hintedOwner[vi] ?? agent }
                    else if !constraintNames.contains(n) { throw fail("distribution_hints: must_host for agent '\(agent)' names an unknown variable or constraint '\(n)'") }
                }
            }
        }
        for i in variables.indices {
            if let hint = hintedOwner[i], let a = agents.firstIndex(of: hint) { variables[i].owner = a } else { variables[i].owner = i % agents.count }
        }
        if objective == .max {
            for i in variables.indices { variables[i].unary = variables[i].unary.map { -$0 } }
            for i in constraints.indices { constraints[i].table = constraints[i].table.map { -$0 } }
        }
        return DCOPProblem(name: field("name")?.string ?? "dcop", objective: objective, variables: variables,
                           constraints: constraints, agents: agents)
    }

    static func isNull(_ n: Node) -> Bool { n.scalar.map { ["", "~", "null", "Null", "NULL"].contains($0.string) && $0.style == .plain } ?? false }

    static func scalar(_ n: Node) -> DCOPValue? {
        if let i = n.int { return .number(Double(i)) }
        if let x = n.float { return .number(x) }
        if let b = n.bool { return .bool(b) }
        return n.string.map { .text($0) }
    }

    /// Most values a range domain may have.
    static let rangeLimit = 100_000

    /// A list of values, or pyDCOP's range form `[0 .. 9]` / `"0 .. 9"`.
    static func domainValues(_ node: Node, fail: (String) -> Failure) throws(Failure) -> [DCOPValue] {
        func range(_ text: String) -> [DCOPValue]? {
            let parts = text.components(separatedBy: "..").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]), a <= b else { return nil }
            let (span, overflow) = b.subtractingReportingOverflow(a)
            guard !overflow, span < rangeLimit else { return nil }
            return (a...b).map { .number(Double($0)) }
        }
        if let list = node.sequence {
            if list.count == 1, let s = list[0].string, let r = range(s) { return r }
            if list.count == 1, let s = list[0].string, s.contains(" .. ") {
                throw fail("the range '\(s.prefix(60))' must be two whole numbers, low .. high, at most \(rangeLimit) values")
            }
            return try list.map { (n) throws(Failure) -> DCOPValue in
                guard let v = scalar(n) else { throw fail("values must be numbers or text") }
                return v
            }
        }
        if let s = node.string, let r = range(s) { return r }
        if let s = node.sequence?.first?.string ?? node.string, s.contains("..") {
            throw fail("the range '\(s.prefix(60))' must be two whole numbers, low .. high, at most \(rangeLimit) values")
        }
        throw fail("'values' must be a list (or a range like 0 .. 9)")
    }
}
