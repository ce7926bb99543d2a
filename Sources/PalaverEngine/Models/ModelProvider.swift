/// One entry of a chat request, shaped like the Chat Completions API's messages.
public struct ChatMessage: Hashable, Sendable {
    public enum Role: String, Sendable { case system, user, assistant }
    public var role: Role
    /// The speaker, for messages from other agents or the user.
    public var name: String?
    public var content: String

    public init(role: Role, name: String? = nil, content: String) {
        self.role = role
        self.name = name
        self.content = content
    }
}

/// What an agent asks its model on its turn.
public struct ModelRequest: Sendable {
    public var agent: AgentID
    public var spec: AgentSpec
    public var roster: [AgentSpec]
    public var scenarioTitle: String
    public var seed: UInt64
    public var step: Int
    /// How many turns this agent has taken before this one.
    public var turn: Int
    /// System prompt first, then what the agent has seen and said, oldest first.
    public var messages: [ChatMessage]
    /// How many of the last messages arrived since the agent's previous turn.
    public var unread: Int
    /// What the agent sees of its environment this turn (empty without one).
    public var observation: [Reading] = []
    /// Named facts about the agent's situation (coordination: its slot, clashes…), for models that compose from them.
    public var facts: [String: String] = [:]
    /// The request by reference, as `call_started` records it (nil when not built by an engine).
    public var context: CallContext?

    public init(agent: AgentID, spec: AgentSpec, roster: [AgentSpec], scenarioTitle: String,
                seed: UInt64, step: Int, turn: Int, messages: [ChatMessage], unread: Int = 1) {
        self.agent = agent
        self.spec = spec
        self.roster = roster
        self.scenarioTitle = scenarioTitle
        self.seed = seed
        self.step = step
        self.turn = turn
        self.messages = messages
        self.unread = unread
    }
}

/// A piece of a streamed reply.
public enum ModelChunk: Sendable, Equatable {
    case token(String)
    case finished(Usage)
    /// The call failed for a passing reason and will be tried again after `delay` seconds.
    case retrying(attempt: Int, reason: String, delay: Double)
}

/// Turns a chat request into a stream of tokens. Every model an agent can be
/// bound to — offline, an HTTP server, a recording — is one of these.
public protocol ModelProvider: Sendable {
    /// The name shown wherever a model is named (`offline`, `gpt-4o-mini`…).
    var label: String { get }
    func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelChunk, any Error>
}

/// A provider whose calls travel elsewhere (a broker's work queue): the runner
/// tells it every request of a step before it asks for any one reply, so the
/// step's calls run at once wherever they are taken.
public protocol PrefetchingModelProvider: ModelProvider {
    func prefetch(_ request: ModelRequest)
}

/// A reply known in full before it is streamed, with the timing a real
/// provider would show. The runner plays such replies on its own clock, so
/// runs with these models are deterministic at any speed.
public struct ModelScript: Sendable, Equatable {
    public var tokens: [String]
    /// Seconds before the first token, at 1× speed.
    public var firstTokenDelay: Double
    /// Seconds between tokens, at 1× speed.
    public var tokenInterval: Double
    public var usage: Usage

    public var text: String { tokens.joined() }

    public init(tokens: [String], firstTokenDelay: Double, tokenInterval: Double, usage: Usage) {
        self.tokens = tokens
        self.firstTokenDelay = firstTokenDelay
        self.tokenInterval = tokenInterval
        self.usage = usage
    }
}

/// A provider whose replies can be computed up front (offline, replay).
public protocol ScriptedModelProvider: ModelProvider {
    /// The reply in full; nil when this call must be streamed instead.
    func script(for request: ModelRequest) -> ModelScript?
}

extension ScriptedModelProvider {
    public func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelChunk, any Error> {
        scriptedStream(self.script(for: request))
    }

    /// Plays a script in real time as a stream.
    public func scriptedStream(_ script: ModelScript?) -> AsyncThrowingStream<ModelChunk, any Error> {
        guard let script else { return AsyncThrowingStream { $0.finish(throwing: CancellationError()) } }
        return AsyncThrowingStream { continuation in
            let task = Task {
                var delay = script.firstTokenDelay
                for token in script.tokens {
                    try await Task.sleep(nanoseconds: UInt64(max(0, delay) * 1e9))
                    continuation.yield(.token(token))
                    delay = script.tokenInterval
                }
                continuation.yield(.finished(script.usage))
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
