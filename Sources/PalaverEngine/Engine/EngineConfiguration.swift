/// How the engine routes and remembers, from the scenario.
public struct EngineConfiguration: Hashable, Sendable {
    public enum ReplyTo: String, Sendable, CaseIterable {
        /// Replies go to every other agent.
        case all
        /// Replies go to whoever last wrote to the agent.
        case sender
    }
    public var mailboxCapacity: Int
    /// How many seen messages an agent keeps in its memory.
    public var memorySize: Int
    /// The context window assumed for an agent that does not give `context_tokens`.
    public static let defaultContextTokens = 8192
    /// Tokens kept free for the reply when an agent sets no `max_tokens`.
    public static let replyReserveTokens = 512
    public var replyTo: ReplyTo

    public init(mailboxCapacity: Int = 256, memorySize: Int = 24, replyTo: ReplyTo = .all) {
        self.mailboxCapacity = mailboxCapacity
        self.memorySize = memorySize
        self.replyTo = replyTo
    }
}
