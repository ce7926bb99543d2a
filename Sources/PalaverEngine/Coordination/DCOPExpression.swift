import Foundation

/// A pyDCOP `intention` function — a Python expression over the variables —
/// parsed into a tree: arithmetic, comparisons (chained), `and`/`or`/`not`,
/// `x if c else y`, `abs`, `min`, `max`, `round`, `int`, `float`, `pow`,
/// numbers, strings, True/False — or, when it has a `return`, a function body
/// (see DCOPFunctionBody). Anything else is an error that says what and where.
public indirect enum DCOPExpression: Sendable {
    case constant(DCOPValue)
    case variable(String)
    case unary(String, DCOPExpression)
    case binary(String, DCOPExpression, DCOPExpression)
    /// Left to right at one precedence (`a + b - c`, `a * b / c`): a list, not a deep tree, so long sums stay shallow.
    case chain(DCOPExpression, [(String, DCOPExpression)])
    case compare([String], [DCOPExpression])
    case and([DCOPExpression])
    case or([DCOPExpression])
    case conditional(then: DCOPExpression, condition: DCOPExpression, otherwise: DCOPExpression)
    case call(String, [DCOPExpression])
    case body(DCOPFunctionBody)

    public struct Failure: Error, CustomStringConvertible {
        public let reason: String
        /// The line of the function's text it is about, when known (1 is the first).
        public let line: Int?
        public var description: String { reason }
        public init(reason: String, line: Int? = nil) {
            self.reason = reason
            self.line = line
        }
    }

    public static let functions: Set<String> = ["abs", "min", "max", "round", "int", "float", "pow"]
    /// Deepest nesting of brackets, `not`, signs, powers and conditionals.
    public static let depthLimit = 100

    public static func parse(_ text: String) throws(Failure) -> DCOPExpression {
        if DCOPFunctionBody.isBody(text) { return .body(try DCOPFunctionBody.parse(text)) }
        var parser = Parser(tokens: try tokenize(text), source: text)
        let e = try parser.expression()
        guard parser.atEnd else { throw Failure(reason: "unexpected '\(parser.peek?.text ?? "")' in '\(excerpt(text))'") }
        return e
    }

    /// The variable names it reads.
    public var variables: Set<String> {
        switch self {
        case .constant: return []
        case .variable(let n): return [n]
        case .unary(_, let e): return e.variables
        case .binary(_, let a, let b): return a.variables.union(b.variables)
        case .chain(let first, let rest): return rest.reduce(into: first.variables) { $0.formUnion($1.1.variables) }
        case .compare(_, let es), .call(_, let es), .and(let es), .or(let es): return es.reduce(into: Set()) { $0.formUnion($1.variables) }
        case .conditional(let t, let c, let o): return t.variables.union(c.variables).union(o.variables)
        case .body(let b): return b.variables
        }
    }

    /// Nodes in the tree: the work of one evaluation.
    public var size: Int {
        switch self {
        case .constant, .variable: return 1
        case .unary(_, let e): return 1 + e.size
        case .binary(_, let a, let b): return 1 + a.size + b.size
        case .chain(let first, let rest): return rest.reduce(1 + first.size) { $0 + $1.1.size }
        case .compare(_, let es), .call(_, let es), .and(let es), .or(let es): return es.reduce(1) { $0 + $1.size }
        case .conditional(let t, let c, let o): return 1 + t.size + c.size + o.size
        case .body(let b): return b.size
        }
    }

    public func evaluate(_ values: [String: DCOPValue]) throws(Failure) -> DCOPValue {
        switch self {
        case .constant(let v): return v
        case .variable(let n):
            guard let v = values[n] else { throw Failure(reason: "unknown variable '\(n)'") }
            return v
        case .unary(let op, let e):
            let v = try e.evaluate(values)
            if op == "not" { return .bool(!v.truthy) }
            guard let x = v.number else { throw Failure(reason: "'\(op)' needs a number, got '\(v)'") }
            return .number(op == "-" ? -x : x)
        case .binary(let op, let a, let b):
            return try Self.apply(op, try a.evaluate(values), try b.evaluate(values))
        case .chain(let first, let rest):
            var l = try first.evaluate(values)
            for (op, e) in rest { l = try Self.apply(op, l, try e.evaluate(values)) }
            return l
        case .compare(let ops, let operands):
            var left = try operands[0].evaluate(values)
            for (i, op) in ops.enumerated() {
                let right = try operands[i + 1].evaluate(values)
                let holds: Bool
                switch op {
                case "==": holds = DCOPValue.equal(left, right)
                case "!=": holds = !DCOPValue.equal(left, right)
                default:
                    if let x = left.number, let y = right.number {
                        switch op {
                        case "<": holds = x < y
                        case "<=": holds = x <= y
                        case ">": holds = x > y
                        default: holds = x >= y
                        }
                    } else if case .text(let s) = left, case .text(let t) = right {
                        switch op {
                        case "<": holds = s < t
                        case "<=": holds = s <= t
                        case ">": holds = s > t
                        default: holds = s >= t
                        }
                    } else {
                        throw Failure(reason: "cannot compare '\(left)' \(op) '\(right)'")
                    }
                }
                if !holds { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .and(let es):
            var l = try es[0].evaluate(values)
            for e in es.dropFirst() where l.truthy { l = try e.evaluate(values) }
            return l
        case .or(let es):
            var l = try es[0].evaluate(values)
            for e in es.dropFirst() where !l.truthy { l = try e.evaluate(values) }
            return l
        case .conditional(let t, let c, let o):
            return try c.evaluate(values).truthy ? t.evaluate(values) : o.evaluate(values)
        case .body(let b):
            return try b.evaluate(values)
        case .call(let name, let args):
            let vs = try args.map { (e) throws(Failure) -> DCOPValue in try e.evaluate(values) }
            let xs = vs.compactMap(\.number)
            guard xs.count == vs.count, !xs.isEmpty else { throw Failure(reason: "\(name)() needs numbers") }
            switch name {
            case "abs", "int", "float":
                guard xs.count == 1 else { throw Failure(reason: "\(name)() takes one argument") }
                return .number(name == "abs" ? abs(xs[0]) : name == "int" ? xs[0].rounded(.towardZero) : xs[0])
            case "round":
                // Python rounds halves to even; round(x, n) to n decimals.
                guard xs.count <= 2, xs.count == 1 || xs[1] == xs[1].rounded() else { throw Failure(reason: "round() takes a number and optional whole number of decimals") }
                guard xs.count == 2 else { return .number(xs[0].rounded(.toNearestOrEven)) }
                let scale = pow(10, xs[1])
                return .number((xs[0] * scale).rounded(.toNearestOrEven) / scale)
            case "pow":
                guard xs.count == 2 else { throw Failure(reason: "pow() takes two arguments") }
                return .number(pow(xs[0], xs[1]))
            case "min": return .number(xs.min()!)
            default: return .number(xs.max()!)
            }
        }
    }

    /// The start of an expression for an error message.
    static func excerpt(_ source: String) -> String {
        let line = source.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > 80 ? line.prefix(79) + "…" : line
    }

    static func apply(_ op: String, _ l: DCOPValue, _ r: DCOPValue) throws(Failure) -> DCOPValue {
        if op == "+", case .text(let s) = l, case .text(let t) = r { return .text(s + t) }
        guard let x = l.number, let y = r.number else { throw Failure(reason: "'\(op)' needs numbers, got '\(l)' and '\(r)'") }
        switch op {
        case "+": return .number(x + y)
        case "-": return .number(x - y)
        case "*": return .number(x * y)
        case "/":
            guard y != 0 else { throw Failure(reason: "division by zero") }
            return .number(x / y)
        case "//":
            guard y != 0 else { throw Failure(reason: "division by zero") }
            return .number((x / y).rounded(.down))
        case "%":
            guard y != 0 else { throw Failure(reason: "division by zero") }
            return .number(x - y * (x / y).rounded(.down))
        case "**": return .number(pow(x, y))
        default: throw Failure(reason: "unknown operator '\(op)'")
        }
    }

    // MARK: Parsing

    struct Token: Equatable {
        enum Kind { case number, text, name, op }
        var kind: Kind
        var text: String
    }

    static func tokenize(_ source: String) throws(Failure) -> [Token] {
        var tokens: [Token] = []
        let chars = Array(source)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isNumber) {
                var j = i
                while j < chars.count, chars[j].isNumber || chars[j] == "." || chars[j] == "_" { j += 1 }
                if j < chars.count, chars[j] == "e" || chars[j] == "E" {
                    var k = j + 1
                    if k < chars.count, chars[k] == "+" || chars[k] == "-" { k += 1 }
                    if k < chars.count, chars[k].isNumber {
                        j = k
                        while j < chars.count, chars[j].isNumber { j += 1 }
                    }
                }
                tokens.append(Token(kind: .number, text: String(chars[i..<j]).replacingOccurrences(of: "_", with: "")))
                i = j
            } else if c.isLetter || c == "_" {
                var j = i
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
                tokens.append(Token(kind: .name, text: String(chars[i..<j])))
                i = j
            } else if c == "'" || c == "\"" {
                var j = i + 1
                while j < chars.count, chars[j] != c { j += 1 }
                guard j < chars.count else { throw Failure(reason: "unterminated string in '\(excerpt(source))'") }
                tokens.append(Token(kind: .text, text: String(chars[(i + 1)..<j])))
                i = j + 1
            } else {
                let two = i + 1 < chars.count ? String(chars[i...(i + 1)]) : ""
                if ["==", "!=", "<=", ">=", "//", "**"].contains(two) {
                    tokens.append(Token(kind: .op, text: two))
                    i += 2
                } else if "+-*/%<>(),".contains(c) {
                    tokens.append(Token(kind: .op, text: String(c)))
                    i += 1
                } else {
                    throw Failure(reason: "'\(c)' is not supported in '\(excerpt(source))'")
                }
            }
        }
        return tokens
    }

    struct Parser {
        var tokens: [Token]
        let source: String
        var position = 0
        var depth = 0

        /// Counts one level of nesting; too deep is an error, not a stack overflow.
        mutating func enter() throws(Failure) {
            depth += 1
            guard depth <= DCOPExpression.depthLimit else {
                throw Failure(reason: "the expression is nested more than \(DCOPExpression.depthLimit) deep")
            }
        }

        var atEnd: Bool { position >= tokens.count }
        var peek: Token? { atEnd ? nil : tokens[position] }

        mutating func take(_ text: String) -> Bool {
            guard let t = peek, t.text == text, t.kind == .op || t.kind == .name else { return false }
            position += 1
            return true
        }

        mutating func expression() throws(Failure) -> DCOPExpression {
            try enter()
            defer { depth -= 1 }
            let value = try disjunction()
            if take("if") {
                let condition = try disjunction()
                guard take("else") else { throw Failure(reason: "'if' without 'else' in '\(excerpt(source))'") }
                return .conditional(then: value, condition: condition, otherwise: try expression())
            }
            return value
        }

        mutating func disjunction() throws(Failure) -> DCOPExpression {
            let first = try conjunction()
            var es = [first]
            while take("or") { es.append(try conjunction()) }
            return es.count == 1 ? first : .or(es)
        }

        mutating func conjunction() throws(Failure) -> DCOPExpression {
            let first = try negation()
            var es = [first]
            while take("and") { es.append(try negation()) }
            return es.count == 1 ? first : .and(es)
        }

        mutating func negation() throws(Failure) -> DCOPExpression {
            if take("not") {
                try enter()
                defer { depth -= 1 }
                return .unary("not", try negation())
            }
            return try comparison()
        }

        mutating func comparison() throws(Failure) -> DCOPExpression {
            let first = try sum()
            var ops: [String] = [], operands = [first]
            while let t = peek, t.kind == .op, ["==", "!=", "<", "<=", ">", ">="].contains(t.text) {
                position += 1
                ops.append(t.text)
                operands.append(try sum())
            }
            return ops.isEmpty ? first : .compare(ops, operands)
        }

        mutating func sum() throws(Failure) -> DCOPExpression {
            let first = try product()
            var rest: [(String, DCOPExpression)] = []
            while let t = peek, t.kind == .op, t.text == "+" || t.text == "-" {
                position += 1
                rest.append((t.text, try product()))
            }
            return rest.isEmpty ? first : .chain(first, rest)
        }

        mutating func product() throws(Failure) -> DCOPExpression {
            let first = try signed()
            var rest: [(String, DCOPExpression)] = []
            while let t = peek, t.kind == .op, ["*", "/", "//", "%"].contains(t.text) {
                position += 1
                rest.append((t.text, try signed()))
            }
            return rest.isEmpty ? first : .chain(first, rest)
        }

        mutating func signed() throws(Failure) -> DCOPExpression {
            if let t = peek, t.kind == .op, t.text == "-" || t.text == "+" {
                position += 1
                try enter()
                defer { depth -= 1 }
                return .unary(t.text, try signed())
            }
            return try power()
        }

        mutating func power() throws(Failure) -> DCOPExpression {
            let base = try atom()
            if take("**") {
                try enter()
                defer { depth -= 1 }
                return .binary("**", base, try signed())
            }
            return base
        }

        mutating func atom() throws(Failure) -> DCOPExpression {
            guard let t = peek else { throw Failure(reason: "'\(excerpt(source))' ends too soon") }
            position += 1
            switch t.kind {
            case .number:
                guard let x = Double(t.text) else { throw Failure(reason: "'\(t.text)' is not a number") }
                return .constant(.number(x))
            case .text:
                return .constant(.text(t.text))
            case .name:
                switch t.text {
                case "True": return .constant(.bool(true))
                case "False": return .constant(.bool(false))
                case "if", "else", "and", "or", "not": throw Failure(reason: "unexpected '\(t.text)' in '\(excerpt(source))'")
                default: break
                }
                if take("(") {
                    guard DCOPExpression.functions.contains(t.text) else {
                        throw Failure(reason: "function '\(t.text)' is not supported (\(DCOPExpression.functions.sorted().joined(separator: ", ")) are)")
                    }
                    var args: [DCOPExpression] = []
                    if !take(")") {
                        repeat { args.append(try expression()) } while take(",")
                        guard take(")") else { throw Failure(reason: "missing ')' in '\(excerpt(source))'") }
                    }
                    return .call(t.text, args)
                }
                return .variable(t.text)
            case .op:
                if t.text == "(" {
                    let e = try expression()
                    guard take(")") else { throw Failure(reason: "missing ')' in '\(excerpt(source))'") }
                    return e
                }
                throw Failure(reason: "unexpected '\(t.text)' in '\(excerpt(source))'")
            }
        }
    }
}
