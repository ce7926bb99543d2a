/// Turns a model spec (`offline`, `openai:MODEL`, `ollama:MODEL`,
/// `replay:PATH`) into a provider, or says clearly why it cannot. The engine
/// knows only `offline`; other providers register under their prefix.
public struct ModelCatalog: Sendable {
    public typealias Resolver = @Sendable (_ name: String, _ agent: AgentSpec) throws -> any ModelProvider

    public var offline: OfflineModel
    private var resolvers: [String: Resolver] = [:]
    /// Where every agent's calls go instead of its own provider (a broker's work queue for
    /// `run --broker`); each spec is still resolved here first, so a bad one fails before the run.
    public var dispatch: (@Sendable (AgentSpec) -> any ModelProvider)?

    public init(offline: OfflineModel = OfflineModel()) { self.offline = offline }

    public struct Failure: Error, CustomStringConvertible {
        public let spec: String
        public let reason: String
        public init(spec: String, reason: String) {
            self.spec = spec
            self.reason = reason
        }
        public var description: String { "model '\(spec)': \(reason)" }
    }

    /// Adds a provider family: `prefix:NAME` specs go to `resolve`.
    public mutating func register(_ prefix: String, _ resolve: @escaping Resolver) {
        resolvers[prefix] = resolve
    }

    public var knownPrefixes: [String] { ["offline"] + resolvers.keys.sorted() }

    public func provider(for agent: AgentSpec) throws(Failure) -> any ModelProvider {
        let spec = agent.model.trimmingWhitespace
        if spec == "offline" { return offline }
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        let known = knownPrefixes.map { $0 == "offline" ? $0 : $0 + ":NAME" }.joined(separator: ", ")
        guard parts.count == 2, !parts[1].isEmpty else {
            throw Failure(spec: spec, reason: "unknown model (use \(known))")
        }
        guard let resolve = resolvers[parts[0]] else {
            throw Failure(spec: spec, reason: "unknown provider '\(parts[0])' (use \(known))")
        }
        do { return try resolve(parts[1], agent) } catch let failure as Failure { throw failure } catch {
            throw Failure(spec: spec, reason: "\(error)")
        }
    }

    /// One provider per agent, in roster order; the first bad spec is the error, naming its agent.
    public func providers(for agents: [AgentSpec]) throws(Failure) -> [any ModelProvider] {
        var out: [any ModelProvider] = []
        for agent in agents {
            do throws(Failure) {
                let own = try provider(for: agent)
                out.append(dispatch?(agent) ?? own)
            } catch {
                throw Failure(spec: error.spec, reason: "\(error.reason) (agent \(agent.id))")
            }
        }
        return out
    }
}
