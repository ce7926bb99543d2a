/// Who an agent is, as a scenario describes it.
public struct AgentSpec: Hashable, Sendable {
    /// Short stable identifier used in files and `@mentions` (letters, digits, `-`, `_`).
    public var id: String
    public var name: String
    public var role: String
    public var persona: String
    /// Model binding, e.g. `offline` or `openai:gpt-4o-mini`.
    public var model: String
    /// Language the agent speaks (`en`, `zh`); the offline model follows it.
    public var language: String
    /// Index into the theme's agent palette; nil picks by roster position.
    public var color: Int?
    /// How to call a real model for this agent. Never recorded in sessions:
    /// headers may hold credentials.
    public var endpoint = EndpointSettings()
    /// How it acts in the scenario's environment (`llm`, `sterman`, `base-stock:N`, `learned:PATH`).
    public var policy: String?
    /// The model's context window in tokens (estimated); older turns are left out of a request
    /// that would not fit. Nil: `EngineConfiguration.defaultContextTokens`.
    public var contextTokens: Int?
    /// Write `Name: ` before what others said, for models whose chat template drops `name`.
    public var namePrefix = false

    public init(id: String, name: String, role: String, persona: String = "",
                model: String = "offline", language: String = "en", color: Int? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.persona = persona
        self.model = model
        self.language = language
        self.color = color
    }
}

/// Per-agent settings for a model server, from the scenario.
public struct EndpointSettings: Hashable, Sendable {
    public var temperature: Double?
    public var maxTokens: Int?
    public var baseURL: String?
    /// The environment variable that holds the key (the key itself never appears in a file).
    public var apiKeyVariable: String?
    public var headers: [String: String] = [:]
    public init() {}
}
