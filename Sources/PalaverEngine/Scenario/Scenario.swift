/// A runnable setup: who the agents are, how they take turns, what opens the
/// conversation and when it stops. Loaded from YAML, or built in.
public struct Scenario: Sendable, Equatable {
    /// The most steps a run may be given (a scenario's `max_steps`, `--steps`, a fork's more steps),
    /// well inside what a session file may hold, so every run recorded can be read back.
    public static let stepLimit = 10_000_000

    public var name: String
    public var title: String
    public var description: String
    public var turnRule: TurnRule
    public var maxSteps: Int
    public var seed: UInt64
    public var speed: Speed
    public var engine: EngineConfiguration
    public var offline: OfflineSettings
    public var agents: [AgentSpec]
    public var opening: [Opening]
    /// Dollars per million tokens, by model name.
    public var prices: [String: Price] = [:]
    /// The environment the agents act in, with their policies.
    public var environment: EnvironmentSpec?
    /// A constraint problem the agents settle by exchanging messages.
    public var coordination: CoordinationSpec?
    /// The file it was loaded from; nil when built in.
    public var path: String?

    /// Most agents a scenario (or a session file) may have. Broadcasts reach
    /// every mailbox, so a step costs agents² deliveries; past this nothing
    /// on a screen could show them anyway.
    public static let agentLimit = 1_000

    /// A message that starts the conversation.
    public struct Opening: Sendable, Equatable {
        public var from: Party
        public var to: Recipients
        public var text: String
        public init(from: Party, to: Recipients, text: String) {
            self.from = from
            self.to = to
            self.text = text
        }
    }

    public init(name: String, title: String, description: String = "", turnRule: TurnRule = .roundRobin,
                maxSteps: Int = 24, seed: UInt64 = 1, speed: Speed = .factor(1),
                engine: EngineConfiguration = EngineConfiguration(), offline: OfflineSettings = OfflineSettings(),
                agents: [AgentSpec], opening: [Opening] = [], path: String? = nil) {
        self.name = name
        self.title = title
        self.description = description
        self.turnRule = turnRule
        self.maxSteps = maxSteps
        self.seed = seed
        self.speed = speed
        self.engine = engine
        self.offline = offline
        self.agents = agents
        self.opening = opening
        self.path = path
    }

    /// The session's first event for a run of this scenario.
    public func sessionInfo(seed: UInt64? = nil, maxSteps: Int? = nil, speed: Speed? = nil,
                            model: String? = nil) -> SessionInfo {
        var agents = self.agents
        if let model { for i in agents.indices { agents[i].model = model } }
        // Policies travel in the environment spec, which the session records.
        for i in agents.indices { agents[i].policy = nil }
        var info = SessionInfo(scenario: name, title: title, seed: seed ?? self.seed, turnRule: turnRule,
                               agents: agents, maxSteps: maxSteps ?? self.maxSteps, speed: speed ?? self.speed,
                               configuration: engine, offline: offline)
        info.prices = prices
        info.environment = environment
        info.coordination = coordination
        return info
    }

    /// The opening messages as the engine sends them, each with its sender.
    public var openingMessages: [(from: Party, message: Outgoing)] {
        opening.map { opening in
            let kind: MessageKind
            switch opening.from {
            case .user: kind = .injected
            case .agent: kind = .chat
            case .system, .environment: kind = .system
            }
            return (opening.from, Outgoing(to: opening.to, kind: kind, text: opening.text))
        }
    }
}
