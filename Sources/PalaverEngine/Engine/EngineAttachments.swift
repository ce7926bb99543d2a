/// What a session's description attaches to its agents beyond their models:
/// an environment they act in, and coordination algorithms they run. Built
/// once per run — reading the files they name — and handed to the engine,
/// which itself never reads a file.
public struct EngineAttachments {
    public var behaviors: [AgentID: any AgentBehavior] = [:]
    public var environment: (any EnvironmentDriver)?

    /// An environment or coordination problem that cannot be set up as described.
    public struct Failure: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    public init() {}

    public init(for info: SessionInfo) throws(Failure) {
        if let spec = info.environment {
            do { environment = try spec.makeDriver(agents: info.agents, seed: info.seed, inputs: info.inputs) } catch {
                throw Failure(reason: "\(error)")
            }
        }
        if let spec = info.coordination {
            do { for (id, agent) in try spec.makeAgents(for: info) { behaviors[id] = agent } } catch {
                throw Failure(reason: "\(error)")
            }
        }
    }
}
