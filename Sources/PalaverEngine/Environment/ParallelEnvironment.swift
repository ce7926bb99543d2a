/// A multi-agent environment shaped after PettingZoo's parallel API: every
/// agent observes, all act at once, and the step returns each one's reward,
/// whether its episode ended (terminated) or was cut off (truncated), and
/// extra numbers for display (infos).
public protocol ParallelEnvironment {
    associatedtype Observation
    associatedtype Action

    /// The agents' names, in a fixed order; actions and results follow it.
    var agents: [String] { get }
    mutating func reset(seed: UInt64)
    func observe(_ agent: Int) -> Observation
    mutating func step(_ actions: [Action]) -> EnvironmentStep
}

/// What one step of an environment gave each agent (indexed like `agents`).
public struct EnvironmentStep: Sendable, Equatable {
    public var rewards: [Double]
    public var terminations: [Bool]
    public var truncations: [Bool]
    public var infos: [[Reading]]

    public var isOver: Bool { zip(terminations, truncations).allSatisfy { $0 || $1 } }
}

/// A named number an environment reports (inventory, backlog, week…), in the
/// order it wants them shown.
public struct Reading: Hashable, Sendable {
    public var name: String
    public var value: Double
    public init(_ name: String, _ value: Double) {
        self.name = name
        self.value = value
    }
}

/// PettingZoo's AEC view of a parallel environment: agents act one at a time
/// (`agentSelection`), and the world steps once the last of them has acted.
public struct TurnByTurn<Environment: ParallelEnvironment> {
    public private(set) var environment: Environment
    public private(set) var agentSelection = 0
    private var pending: [Environment.Action] = []
    /// The results of the last full step, once every agent has acted.
    public private(set) var lastStep: EnvironmentStep?

    public init(_ environment: Environment) { self.environment = environment }

    public mutating func reset(seed: UInt64) {
        environment.reset(seed: seed)
        agentSelection = 0
        pending.removeAll()
        lastStep = nil
    }

    public func observe() -> Environment.Observation { environment.observe(agentSelection) }

    /// The selected agent acts; the last one to act steps the world.
    public mutating func act(_ action: Environment.Action) {
        pending.append(action)
        if pending.count == environment.agents.count {
            lastStep = environment.step(pending)
            pending.removeAll()
            agentSelection = 0
        } else {
            agentSelection += 1
        }
    }
}
