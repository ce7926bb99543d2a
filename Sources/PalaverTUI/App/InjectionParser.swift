import PalaverEngine

/// Reads what the user typed to inject: `@name text` to one agent,
/// `@a @b text` to several, plain text to all, `as:name text` to speak as
/// that agent. Names are agent ids or display names, in any case.
public enum InjectionParser {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case empty
        /// Addressed, but nothing to say: who it was for, as typed.
        case noText(to: String)
        case unknownAgent(String, known: [String])

        public var description: String {
            switch self {
            case .empty: return "type a message first (e.g. @maya what do you think?)"
            case .noText(let to): return "nothing to send: write the message after \(to)"
            case .unknownAgent(let name, let known): return "no agent '\(name)' (agents: \(known.joined(separator: ", ")))"
            }
        }
    }

    public static func parse(_ input: String, agents: [AgentSpec]) -> Result<Command, Failure> {
        var from: Party = .user
        var targets: [AgentID] = []
        var words = input.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        var addressed: [String] = []
        while let word = words.first {
            if word.hasPrefix("@"), word.count > 1 {
                guard let id = agent(named: String(word.dropFirst()), in: agents) else {
                    return .failure(.unknownAgent(String(word.dropFirst()), known: agents.map(\.id)))
                }
                if !targets.contains(id) { targets.append(id) }
            } else if word.lowercased().hasPrefix("as:"), word.count > 3 {
                guard let id = agent(named: String(word.dropFirst(3)), in: agents) else {
                    return .failure(.unknownAgent(String(word.dropFirst(3)), known: agents.map(\.id)))
                }
                from = .agent(id)
            } else {
                break
            }
            addressed.append(word)
            words.removeFirst()
        }
        let text = words.joined(separator: " ").trimmingWhitespace
        guard !text.isEmpty else { return .failure(addressed.isEmpty ? .empty : .noText(to: addressed.joined(separator: " "))) }
        let to: Recipients = targets.isEmpty ? .all : (targets.count == 1 ? .one(targets[0]) : .some(targets))
        return .success(.inject(text: text, from: from, to: to))
    }

    public static func agent(named name: String, in agents: [AgentSpec]) -> AgentID? {
        let lowered = name.lowercased()
        return agents.firstIndex { $0.id.lowercased() == lowered || $0.name.lowercased() == lowered }.map(AgentID.init)
    }

    /// Completes the `@name` or `as:name` being typed at the end of `input`.
    public static func complete(_ input: String, agents: [AgentSpec]) -> String {
        guard let lastSpace = input.lastIndex(of: " ").map({ input.index(after: $0) }) ?? Optional(input.startIndex) else { return input }
        let token = String(input[lastSpace...])
        let prefix: String
        if token.hasPrefix("@") { prefix = "@" } else if token.lowercased().hasPrefix("as:") { prefix = String(token.prefix(3)) } else { return input }
        let partial = token.dropFirst(prefix.count).lowercased()
        let matches = agents.map(\.id).filter { $0.lowercased().hasPrefix(partial) }
        guard !matches.isEmpty else { return input }
        // One match: complete it. Several: complete their common prefix.
        var common = matches[0]
        for m in matches.dropFirst() { while !m.hasPrefix(common) { common.removeLast() } }
        let suffix = matches.count == 1 ? " " : ""
        return String(input[..<lastSpace]) + prefix + common + suffix
    }
}
