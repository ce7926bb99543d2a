import Foundation

/// What a session is a run of: the first event of every session.
public struct SessionInfo: Hashable, Sendable {
    public var scenario: String
    public var title: String
    public var seed: UInt64
    public var turnRule: TurnRule
    public var agents: [AgentSpec]
    public var maxSteps: Int
    public var speed: Speed
    /// How the engine routes and remembers; needed to rebuild a run exactly.
    public var configuration: EngineConfiguration
    /// The offline model's pace.
    public var offline: OfflineSettings
    /// Dollars per million tokens, by model name, for a running cost.
    public var prices: [String: Price] = [:]
    /// The environment the agents act in, if any, with each agent's policy.
    public var environment: EnvironmentSpec?
    /// A constraint problem the agents settle by exchanging messages, if any.
    public var coordination: CoordinationSpec?
    /// The files the run read when it started (problem, policies), as they were: a fork needs no others.
    public var inputs = SessionInputs()

    public init(scenario: String, title: String, seed: UInt64, turnRule: TurnRule,
                agents: [AgentSpec], maxSteps: Int, speed: Speed,
                configuration: EngineConfiguration = EngineConfiguration(), offline: OfflineSettings = OfflineSettings()) {
        self.scenario = scenario
        self.title = title
        self.seed = seed
        self.turnRule = turnRule
        self.agents = agents
        self.maxSteps = maxSteps
        self.speed = speed
        self.configuration = configuration
        self.offline = offline
    }

    /// The roster position of the agent with this id, if any.
    public func agentID(named id: String) -> AgentID? {
        agents.firstIndex { $0.id == id }.map(AgentID.init)
    }

    public func name(of party: Party) -> String {
        switch party {
        case .agent(let id): return id.index < agents.count ? agents[id.index].name : "\(id)"
        case .user: return "you"
        case .system: return "system"
        case .environment: return "environment"
        }
    }

    public func names(of recipients: Recipients) -> String {
        switch recipients {
        case .all: return "all"
        case .one(let id): return name(of: .agent(id))
        case .some(let ids): return ids.map { name(of: .agent($0)) }.joined(separator: ", ")
        }
    }
}

/// How fast the clock runs: a factor on real time, or as fast as possible.
public enum Speed: Hashable, Sendable, CustomStringConvertible {
    case factor(Double)
    case fastest

    public static let range: ClosedRange<Double> = 0.25...64
    /// The ladder `+`/`-` walk along.
    public static let steps: [Double] = [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64]

    /// Parses `2`, `0.5x`, `4×`, `max`, `fastest`; nil for anything else or out of range.
    public init?(parsing text: String) {
        var t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "max" || t == "fastest" || t == "instant" { self = .fastest; return }
        if t.hasSuffix("x") || t.hasSuffix("×") { t.removeLast() }
        guard let value = Double(t), value.isFinite, Speed.range.contains(value) else { return nil }
        self = .factor(value)
    }

    public var description: String {
        switch self {
        case .fastest: return "max"
        case .factor(let f):
            return f == f.rounded() ? "\(Int(f))×" : "\(f)×"
        }
    }

    public func faster() -> Speed {
        guard case .factor(let f) = self else { return self }
        return .factor(Speed.steps.first { $0 > f } ?? Speed.range.upperBound)
    }

    public func slower() -> Speed {
        guard case .factor(let f) = self else { return .factor(Speed.range.upperBound) }
        return .factor(Speed.steps.last { $0 < f } ?? Speed.range.lowerBound)
    }
}

/// Who may act in a step.
extension SessionInfo {
    /// Who acts when, as people read it: an environment has every agent act every step, whatever `turnRule` says.
    public var turnsDescription: String {
        environment != nil ? "everyone every step (environment)" : turnRule.rawValue
    }
}

public enum TurnRule: String, Hashable, Sendable, CaseIterable {
    /// One agent a step, in roster order.
    case roundRobin = "round-robin"
    /// Every agent with unread mail acts; their model calls run concurrently.
    case reactive
    /// A policy picks who speaks next (offline: relevance to the last message).
    case selector
    /// Every agent acts every step, in roster order (coordination algorithms' rounds).
    case everyone
}

/// The offline model's pace, as a scenario sets it.
public struct OfflineSettings: Hashable, Sendable {
    public var tokensPerSecond: Double
    /// Seconds before the first token, at 1× speed.
    public var firstTokenDelay: Double

    /// The default is a pace a person reads at (about 250 words a minute) as the text streams.
    public init(tokensPerSecond: Double = 6, firstTokenDelay: Double = 0.6) {
        self.tokensPerSecond = tokensPerSecond
        self.firstTokenDelay = firstTokenDelay
    }
}

/// What a model charges, in dollars per million tokens.
public struct Price: Hashable, Sendable {
    public var prompt: Double
    public var completion: Double
    public init(prompt: Double, completion: Double) {
        self.prompt = prompt
        self.completion = completion
    }

    public func cost(of usage: Usage) -> Double {
        (Double(usage.promptTokens) * prompt + Double(usage.completionTokens) * completion) / 1_000_000
    }
}
