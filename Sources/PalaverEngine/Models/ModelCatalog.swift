/// Turns a model spec (`offline`, later `openai:MODEL`, `ollama:MODEL`,
/// `replay:PATH`) into a provider, or says clearly why it cannot.
public struct ModelCatalog: Sendable {
    public var offline: OfflineModel

    public init(offline: OfflineModel = OfflineModel()) { self.offline = offline }

    public struct Failure: Error, CustomStringConvertible {
        public let spec: String
        public let reason: String
        public var description: String { "model '\(spec)': \(reason)" }
    }

    public static let knownPrefixes = ["offline"]

    public func provider(for spec: String) throws(Failure) -> any ModelProvider {
        let trimmed = spec.trimmingWhitespace
        if trimmed == "offline" { return offline }
        let prefix = trimmed.split(separator: ":", maxSplits: 1).first.map(String.init) ?? trimmed
        switch prefix {
        case "openai", "ollama", "replay":
            throw Failure(spec: spec, reason: "the \(prefix) provider is not available in this build yet; use offline")
        default:
            throw Failure(spec: spec, reason: "unknown model (use offline)")
        }
    }

    /// One provider per agent, in roster order; the first bad spec is the error, naming its agent.
    public func providers(for agents: [AgentSpec]) throws(Failure) -> [any ModelProvider] {
        var out: [any ModelProvider] = []
        for agent in agents {
            do throws(Failure) { out.append(try provider(for: agent.model)) } catch {
                throw Failure(spec: error.spec, reason: "\(error.reason) (agent \(agent.id))")
            }
        }
        return out
    }
}
