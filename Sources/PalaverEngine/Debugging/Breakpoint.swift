import Foundation

/// When a run should stop for the user to look: before an agent speaks, at a
/// step, or just after a message that matches, an error or a fallback order.
public enum BreakCondition: Hashable, Sendable {
    /// Before the step in which this agent acts (no model call made yet).
    case agent(AgentID)
    /// After a message whose text contains these words (any case).
    case text(String)
    /// After a message whose text matches this regular expression (ICU syntax; `(?i)` ignores case).
    case pattern(String)
    /// After any agent error.
    case error
    /// After an environment action taken as a fallback (the beer game: a reply with no valid order).
    case fallback
    /// Before this step begins.
    case step(Int)

    /// The name recorded in `breakpoint_set`'s `kind`.
    public var kind: String {
        switch self {
        case .agent: return "agent"
        case .text: return "text"
        case .pattern: return "regex"
        case .error: return "error"
        case .fallback: return "fallback"
        case .step: return "step"
        }
    }

    /// Stops before an event (a step, a turn) rather than after one.
    public var stopsBefore: Bool {
        switch self {
        case .agent, .step: return true
        default: return false
        }
    }

    /// What it waits for, in words: "before Otto speaks", "a message matching /ship.*friday/".
    public func describe(in info: SessionInfo?) -> String {
        switch self {
        case .agent(let a): return "before \(info?.name(of: .agent(a)) ?? "\(a)") speaks"
        case .text(let words): return "a message containing “\(words)”"
        case .pattern(let p): return "a message matching /\(p)/"
        case .error: return "any error"
        case .fallback: return "a fallback order"
        case .step(let n): return "at step \(n)"
        }
    }

    /// Whether a message's text meets a text or pattern condition (false for the others).
    public func matches(text: String) -> Bool {
        switch self {
        case .text(let words): return text.range(of: words, options: [.caseInsensitive, .diacriticInsensitive]) != nil
        case .pattern(let p):
            guard let regex = BreakCondition.compiled(p) else { return false }
            return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        default: return false
        }
    }

    /// A regular expression, or nil when it does not compile.
    public static func compiled(_ pattern: String) -> NSRegularExpression? {
        try? NSRegularExpression(pattern: pattern)
    }

    /// Parses what follows `:break`: `agent NAME`, `text WORDS`, `/REGEX/`, `regex REGEX`, `error`, `fallback`, `step N`.
    public static func parse(_ text: String, agents: [AgentSpec]) -> Result<BreakCondition, ParseFailure> {
        let trimmed = text.trimmingWhitespace
        let usage = "break on: agent NAME · text WORDS · /REGEX/ · error · fallback · step N"
        if trimmed.count >= 2, trimmed.hasPrefix("/"), trimmed.hasSuffix("/") {
            return pattern(String(trimmed.dropFirst().dropLast()))
        }
        let parts = trimmed.split(separator: " ", maxSplits: 1).map(String.init)
        guard let head = parts.first?.lowercased() else { return .failure(ParseFailure(usage)) }
        let rest = parts.count > 1 ? parts[1].trimmingWhitespace : ""
        switch head {
        case "agent", "before":
            let name = rest.hasPrefix("@") ? String(rest.dropFirst()) : rest
            guard !name.isEmpty else { return .failure(ParseFailure("break agent needs a name (\(agents.map(\.id).joined(separator: ", ")))")) }
            guard let index = agents.firstIndex(where: { $0.id.lowercased() == name.lowercased() || $0.name.lowercased() == name.lowercased() }) else {
                return .failure(ParseFailure("there is no agent \(name) (\(agents.map(\.id).joined(separator: ", ")))"))
            }
            return .success(.agent(AgentID(index)))
        case "text":
            guard !rest.isEmpty else { return .failure(ParseFailure("break text needs the words to look for")) }
            return .success(.text(rest))
        case "regex", "re":
            let p = rest.count >= 2 && rest.hasPrefix("/") && rest.hasSuffix("/") ? String(rest.dropFirst().dropLast()) : rest
            return pattern(p)
        case "error", "errors": return .success(.error)
        case "fallback", "fallbacks": return .success(.fallback)
        case "step":
            guard let n = CheckedNumber.int(rest, in: 1...1_000_000_000) else { return .failure(ParseFailure("break step needs a step number from 1 (e.g. :break step 12)")) }
            return .success(.step(n))
        default:
            return .failure(ParseFailure(usage))
        }
    }

    private static func pattern(_ p: String) -> Result<BreakCondition, ParseFailure> {
        guard !p.isEmpty else { return .failure(ParseFailure("the regular expression is empty")) }
        guard compiled(p) != nil else { return .failure(ParseFailure("/\(p)/ is not a valid regular expression")) }
        return .success(.pattern(p))
    }

    public struct ParseFailure: Error, Equatable, CustomStringConvertible {
        public let description: String
        init(_ text: String) { description = text }
    }
}

/// A condition the user set, numbered in the order they were set.
public struct Breakpoint: Hashable, Sendable {
    public var id: Int
    public var condition: BreakCondition

    public init(id: Int, condition: BreakCondition) {
        self.id = id
        self.condition = condition
    }
}

/// Where a breakpoint stopped the run: which one, and the agent and message it concerns.
public struct BreakpointHit: Hashable, Sendable {
    public var id: Int
    /// The agent about to speak, or the one that sent, failed or fell back.
    public var agent: AgentID?
    /// The message that matched.
    public var messageID: Int?

    public init(id: Int, agent: AgentID? = nil, messageID: Int? = nil) {
        self.id = id
        self.agent = agent
        self.messageID = messageID
    }
}
