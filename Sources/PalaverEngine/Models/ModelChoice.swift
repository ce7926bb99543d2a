/// Which model each agent uses in a fork: one spec for all (`offline`,
/// `openai:gpt-4o-mini`), per agent (`maya=ollama:llama3`), or both
/// (`offline maya=ollama:llama3`: Maya on llama3, the rest offline).
/// Words are separated by spaces or commas. Checked against the roster and
/// the providers' prefixes, so a typo is caught before anything starts.
public struct ModelChoice: Equatable, Sendable {
    /// The spec for agents not named, nil to keep their recorded models.
    public var all: String?
    /// Specs for named agents, by roster index.
    public var perAgent: [Int: String] = [:]

    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public init(reason: String) { self.reason = reason }
        public var description: String { reason }
    }

    /// The prefixes every build knows (`offline` stands alone).
    public static let standardPrefixes = ["openai", "ollama", "replay"]

    public init(all: String? = nil, perAgent: [Int: String] = [:]) {
        self.all = all
        self.perAgent = perAgent
    }

    public static func parse(_ text: String, agents: [AgentSpec], prefixes: [String] = standardPrefixes) throws(Failure) -> ModelChoice {
        var choice = ModelChoice()
        let words = text.split { $0 == " " || $0 == "," }.map(String.init)
        for word in words {
            // `name=spec` names an agent; a spec's own `=` (in a replay path) comes after its `:`.
            if let eq = word.firstIndex(of: "="), !word[..<eq].contains(":") {
                let name = String(word[..<eq]), spec = String(word[word.index(after: eq)...])
                guard let index = agents.firstIndex(where: { $0.id.lowercased() == name.lowercased() || $0.name.lowercased() == name.lowercased() }) else {
                    throw Failure(reason: "no agent '\(name)' (agents: \(agents.map(\.id).joined(separator: ", ")))")
                }
                guard choice.perAgent[index] == nil else { throw Failure(reason: "two models for \(agents[index].id)") }
                choice.perAgent[index] = try check(spec, prefixes: prefixes)
            } else {
                guard choice.all == nil else { throw Failure(reason: "two models for all agents ('\(choice.all!)' and '\(word)'): name agents with NAME=MODEL") }
                choice.all = try check(word, prefixes: prefixes)
            }
        }
        return choice
    }

    static func check(_ spec: String, prefixes: [String]) throws(Failure) -> String {
        let use = "use offline, " + prefixes.map { $0 + ":NAME" }.joined(separator: ", ")
        if spec == "offline" { return spec }
        guard !spec.isEmpty else { throw Failure(reason: "a model is missing after '=' (\(use))") }
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty else { throw Failure(reason: "unknown model '\(spec)' (\(use))") }
        guard prefixes.contains(parts[0]) else { throw Failure(reason: "unknown provider '\(parts[0])' in '\(spec)' (\(use))") }
        return spec
    }

    /// Sets the agents' models.
    public func apply(to agents: inout [AgentSpec]) {
        for i in agents.indices {
            if let spec = perAgent[i] ?? all { agents[i].model = spec }
        }
    }

    public var isEmpty: Bool { all == nil && perAgent.isEmpty }
}
