/// A pyDCOP intention function written as the body of a Python function —
/// pyDCOP treats a `function:` with a `return` in it that way — read by a
/// small interpreter, never by Python: `return`, assignments (`=`, `+=`, …),
/// `if`/`elif`/`else` (indented blocks or one statement after the colon),
/// `pass` and `#` comments. There are no loops or calls beyond
/// DCOPExpression's functions, so one evaluation is bounded by the text.
/// Anything else is an error that names the construct and its line.
public struct DCOPFunctionBody: Sendable {
    indirect enum Statement: Sendable {
        case assign(name: String, op: String?, DCOPExpression, line: Int)
        case give(DCOPExpression, line: Int)
        case branch([Branch], otherwise: [Statement]?)
        case pass
    }

    struct Branch: Sendable {
        var condition: DCOPExpression
        var body: [Statement]
        var line: Int
    }

    let statements: [Statement]
    /// Names read and never assigned: the DCOP variables it depends on.
    public let variables: Set<String>
    /// Expression nodes and statements: the most work one evaluation does.
    public let size: Int
    /// Line of the last statement, for "ends without return".
    let lastLine: Int

    /// Statements Python has and this reader does not, named in the error.
    static let unsupported: Set<String> = ["for", "while", "def", "import", "from", "lambda", "try", "except", "finally",
                                           "with", "class", "raise", "assert", "del", "global", "nonlocal", "yield",
                                           "break", "continue", "async", "await", "match", "print"]
    static let keywords: Set<String> = Set(["if", "elif", "else", "return", "pass", "and", "or", "not", "True", "False", "None", "in", "is"])
        .union(unsupported)

    /// Whether pyDCOP would read this text as a function body: it has a `return` statement.
    static func isBody(_ text: String) -> Bool {
        text.split(whereSeparator: \.isNewline).contains { line in
            let t = line.drop { $0 == " " || $0 == "\t" }
            return t == "return" || t.hasPrefix("return ") || t.hasPrefix("return(") || t.contains(": return ") || t.contains(":return ")
        }
    }

    public typealias Failure = DCOPExpression.Failure

    struct Line {
        var indent: Int
        var text: Substring
        var number: Int
    }

    public static func parse(_ text: String) throws(Failure) -> DCOPFunctionBody {
        let lines = try logicalLines(text)
        guard let first = lines.first else { throw Failure(reason: "the function body is empty") }
        var position = 0
        var parser = BlockParser(lines: lines)
        let statements = try parser.block(indent: first.indent, depth: 0, position: &position)
        if position < lines.count { throw Failure(reason: "unexpected indentation", line: lines[position].number) }
        var read = Set<String>(), stored = Set<String>(), size = 0
        func scan(_ ss: [Statement]) {
            for s in ss {
                size += 1
                switch s {
                case .assign(let name, _, let e, _): stored.insert(name); read.formUnion(e.variables); size += e.size
                case .give(let e, _): read.formUnion(e.variables); size += e.size
                case .branch(let bs, let otherwise):
                    for b in bs { read.formUnion(b.condition.variables); size += b.condition.size; scan(b.body) }
                    if let otherwise { scan(otherwise) }
                case .pass: break
                }
            }
        }
        scan(statements)
        return DCOPFunctionBody(statements: statements, variables: read.subtracting(stored), size: size, lastLine: lines.last!.number)
    }

    public func evaluate(_ values: [String: DCOPValue]) throws(Failure) -> DCOPValue {
        var env = values
        if let v = try run(statements, &env) { return v }
        throw Failure(reason: "the function ends without returning a value", line: lastLine)
    }

    private func run(_ ss: [Statement], _ env: inout [String: DCOPValue]) throws(Failure) -> DCOPValue? {
        for s in ss {
            switch s {
            case .assign(let name, let op, let e, let line):
                do throws(Failure) {
                    let v = try e.evaluate(env)
                    if let op {
                        guard let old = env[name] else { throw Failure(reason: "'\(name)' is used before it is assigned") }
                        env[name] = try DCOPExpression.apply(op, old, v)
                    } else {
                        env[name] = v
                    }
                } catch { throw error.at(line) }
            case .give(let e, let line):
                do throws(Failure) { return try e.evaluate(env) } catch { throw error.at(line) }
            case .branch(let bs, let otherwise):
                var taken = false
                for b in bs {
                    let holds: Bool
                    do throws(Failure) { holds = try b.condition.evaluate(env).truthy } catch { throw error.at(b.line) }
                    if holds {
                        taken = true
                        if let v = try run(b.body, &env) { return v }
                        break
                    }
                }
                if !taken, let otherwise, let v = try run(otherwise, &env) { return v }
            case .pass: break
            }
        }
        return nil
    }

    /// Lines without comments or blank lines, bracketed continuations joined, with their indentation and number.
    static func logicalLines(_ text: String) throws(Failure) -> [Line] {
        var out: [Line] = []
        var pending: (indent: Int, text: String, number: Int)?
        var depth = 0
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = i + 1
            // Cut a comment: a '#' outside quotes.
            var quote: Character?
            var cut = raw.endIndex
            for idx in raw.indices {
                let c = raw[idx]
                if let q = quote { if c == q { quote = nil } } else if c == "'" || c == "\"" { quote = c } else if c == "#" { cut = idx; break }
                else if c == "(" || c == "[" { depth += 1 } else if c == ")" || c == "]" { depth = max(0, depth - 1) }
            }
            var body = String(raw[..<cut])
            while body.last?.isWhitespace == true { body.removeLast() }
            let continued = body.hasSuffix("\\")
            if continued { body.removeLast() }
            if var p = pending {
                p.text += " " + body.trimmingCharacters(in: .whitespaces)
                pending = p
            } else {
                guard !body.allSatisfy(\.isWhitespace) else { continue }
                var indent = 0
                for c in body.prefix(while: { $0 == " " || $0 == "\t" }) { indent = c == "\t" ? (indent / 8 + 1) * 8 : indent + 1 }
                pending = (indent, body.trimmingCharacters(in: .whitespaces), number)
            }
            if depth == 0 && !continued, let p = pending {
                out.append(Line(indent: p.indent, text: Substring(p.text), number: p.number))
                pending = nil
            }
        }
        if let p = pending { throw Failure(reason: "a bracket opened here is never closed", line: p.number) }
        return out
    }

    struct BlockParser {
        let lines: [Line]

        /// The statements at exactly `indent`, from `position` until a line indented less.
        func block(indent: Int, depth: Int, position: inout Int) throws(Failure) -> [Statement] {
            guard depth <= DCOPExpression.depthLimit else {
                throw Failure(reason: "blocks are nested more than \(DCOPExpression.depthLimit) deep", line: lines[position].number)
            }
            var out: [Statement] = []
            while position < lines.count {
                let line = lines[position]
                if line.indent < indent { break }
                if line.indent > indent { throw Failure(reason: "unexpected indentation", line: line.number) }
                let word = line.text.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                switch word {
                case "if":
                    var branches: [Branch] = []
                    var otherwise: [Statement]?
                    var (condition, body) = try compound(line, keyword: "if", depth: depth, position: &position)
                    branches.append(Branch(condition: condition!, body: body, line: line.number))
                    while position < lines.count, lines[position].indent == indent {
                        let next = lines[position]
                        let nextWord = next.text.prefix { $0.isLetter }
                        if nextWord == "elif" {
                            (condition, body) = try compound(next, keyword: "elif", depth: depth, position: &position)
                            branches.append(Branch(condition: condition!, body: body, line: next.number))
                        } else if nextWord == "else" {
                            otherwise = try compound(next, keyword: "else", depth: depth, position: &position).1
                            break
                        } else { break }
                    }
                    out.append(.branch(branches, otherwise: otherwise))
                case "elif", "else":
                    throw Failure(reason: "'\(word)' without an 'if' before it", line: line.number)
                default:
                    out.append(try simple(line.text, line: line.number))
                    position += 1
                }
            }
            return out
        }

        /// `if c:` / `elif c:` / `else:` with an indented block, or one statement after the colon.
        func compound(_ line: Line, keyword: String, depth: Int, position: inout Int) throws(Failure) -> (DCOPExpression?, [Statement]) {
            let rest = line.text.dropFirst(keyword.count)
            guard let colon = Self.topLevelColon(rest) else { throw Failure(reason: "'\(keyword)' needs a ':'", line: line.number) }
            let header = rest[..<colon].trimmingCharacters(in: .whitespaces)
            let after = rest[rest.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            var condition: DCOPExpression?
            if keyword == "else" {
                guard header.isEmpty else { throw Failure(reason: "'else' takes no condition", line: line.number) }
            } else {
                guard !header.isEmpty else { throw Failure(reason: "'\(keyword)' needs a condition", line: line.number) }
                do throws(Failure) { condition = try DCOPExpression.parse(header) } catch { throw error.at(line.number) }
            }
            position += 1
            if !after.isEmpty { return (condition, [try simple(Substring(after), line: line.number)]) }
            guard position < lines.count, lines[position].indent > line.indent else {
                throw Failure(reason: "'\(keyword)' needs an indented block after it", line: line.number)
            }
            return (condition, try block(indent: lines[position].indent, depth: depth + 1, position: &position))
        }

        func simple(_ text: Substring, line: Int) throws(Failure) -> Statement {
            let word = String(text.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
            func expression(_ s: Substring) throws(Failure) -> DCOPExpression {
                do throws(Failure) { return try DCOPExpression.parse(String(s)) } catch { throw error.at(line) }
            }
            if word == "return" {
                let e = text.dropFirst(6)
                guard !e.allSatisfy(\.isWhitespace) else { throw Failure(reason: "'return' needs a value", line: line) }
                return .give(try expression(e), line: line)
            }
            if word == "pass" && text.count == 4 { return .pass }
            if DCOPFunctionBody.unsupported.contains(word) {
                throw Failure(reason: "'\(word)' is not supported in a function body (return, assignments, if/elif/else and pass are)", line: line)
            }
            if text.contains(";") { throw Failure(reason: "';' is not supported: one statement per line", line: line) }
            // An assignment: name, an optional operator, '=' (not '==').
            if !word.isEmpty, !(word.first!.isNumber), !DCOPFunctionBody.keywords.contains(word) {
                let rest = text.dropFirst(word.count).drop { $0 == " " || $0 == "\t" }
                for op in ["", "+", "-", "*", "/", "//", "%", "**"] where rest.hasPrefix(op + "=") && !rest.dropFirst(op.count + 1).hasPrefix("=") {
                    return .assign(name: word, op: op.isEmpty ? nil : op, try expression(rest.dropFirst(op.count + 1)), line: line)
                }
            }
            if text.contains(":") { throw Failure(reason: "'\(text.prefix(30))' is not supported: a statement must be return, an assignment, if/elif/else or pass", line: line) }
            throw Failure(reason: "a statement must be return, an assignment, if/elif/else or pass", line: line)
        }

        /// The first ':' outside quotes and brackets.
        static func topLevelColon(_ s: Substring) -> Substring.Index? {
            var quote: Character?, depth = 0
            for i in s.indices {
                let c = s[i]
                if let q = quote { if c == q { quote = nil }; continue }
                switch c {
                case "'", "\"": quote = c
                case "(", "[", "{": depth += 1
                case ")", "]", "}": depth -= 1
                case ":" where depth == 0: return i
                default: break
                }
            }
            return nil
        }
    }
}

extension DCOPExpression.Failure {
    /// The same failure, placed on a line of the function text (unless it already has one).
    func at(_ line: Int) -> Self { self.line == nil ? Self(reason: reason, line: line) : self }
}
