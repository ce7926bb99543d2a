/// An agent that decides synchronously, inside the step, without a model call:
/// heuristics, learned policies, constraint solvers, and the benchmark's relays.
public protocol AgentBehavior: AnyObject {
    /// Called with the messages delivered to `agent` this turn; appends what it says to `outgoing`.
    func act(agent: AgentID, delivered: ArraySlice<Message>, step: Int, outgoing: inout [Outgoing])
}

/// A message an agent wants to send; the engine stamps id, step and time.
public struct Outgoing: Sendable, Equatable {
    public var to: Recipients
    public var kind: MessageKind
    public var text: String
    public var metadata: MessageMetadata?

    public init(to: Recipients, kind: MessageKind = .chat, text: String, metadata: MessageMetadata? = nil) {
        self.to = to
        self.kind = kind
        self.text = text
        self.metadata = metadata
    }
}
