/// An environment attached to a scenario, as recorded in the session: which
/// one, its setting, and each agent's policy (in roster order).
public struct EnvironmentSpec: Hashable, Sendable {
    public var name: String
    public var setting: String
    public var policies: [String]

    public init(name: String, setting: String, policies: [String]) {
        self.name = name
        self.setting = setting
        self.policies = policies
    }

    public static let known = ["beer-game"]

    /// The driver that plays it for an engine; throws when the spec cannot be played.
    /// - Parameter inputs: the files the session recorded (its learned policies); others are read from disk.
    public func makeDriver(agents: [AgentSpec], seed: UInt64, inputs: SessionInputs = SessionInputs()) throws -> any EnvironmentDriver {
        switch name {
        case "beer-game": return try BeerGameDriver(spec: self, agents: agents, seed: seed, inputs: inputs)
        default: throw BeerPolicySpec.Failure(reason: "unknown environment '\(name)' (known: \(Self.known.joined(separator: ", ")))")
        }
    }
}

/// What an agent did in the environment this step.
public struct EnvironmentAction: Hashable, Sendable {
    public var value: Int
    /// As recorded in the `action` event, e.g. "order 8".
    public var text: String
    /// False when the agent's reply held no valid action and a fallback was taken.
    public var valid: Bool

    public init(value: Int, text: String, valid: Bool) {
        self.value = value
        self.text = text
        self.valid = valid
    }
}

/// The engine's side of an environment: every agent acts each step; some
/// decide by a policy at once, the others through their model's reply.
public protocol EnvironmentDriver: AnyObject {
    var isOver: Bool { get }
    /// The numbers an agent's pane shows, recorded as an `observation` event.
    func readings(for agent: Int) -> [Reading]
    /// What a model is told on its turn, after the conversation.
    func prompt(for agent: Int) -> String
    /// The action of an agent that does not ask its model, and what it says, if it decides itself.
    func automaticAction(for agent: Int) -> (action: EnvironmentAction, message: String?)?
    /// The action in a model's (or the user's) reply, or the fallback when there is none.
    func action(in reply: String, for agent: Int) -> EnvironmentAction
    /// The action taken when an agent's turn failed or it is muted.
    func fallbackAction(for agent: Int) -> EnvironmentAction
    func record(_ action: EnvironmentAction, for agent: Int)
    /// Once every agent has acted: steps the world and returns each agent's reward.
    func stepIfReady() -> [Double]?
    /// Who an agent talks to.
    func neighbours(of agent: Int) -> [Int]
}
