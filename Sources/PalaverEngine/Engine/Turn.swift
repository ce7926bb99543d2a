/// A turn that waits for something outside the engine.
public struct Turn: Sendable {
    public enum Kind: Sendable {
        case model(ModelRequest)
        /// The agent is taken over: its turn waits for `Command.reply`.
        case human
    }
    public var agent: AgentID
    public var kind: Kind
}
