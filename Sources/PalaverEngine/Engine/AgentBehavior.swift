/// An agent that decides synchronously, inside the step, without a model call:
/// heuristics, learned policies, constraint solvers, and the benchmark's relays.
public protocol AgentBehavior: AnyObject {
    /// Called with the messages delivered to `agent` this turn; appends what it says to `outgoing`.
    func act(agent: AgentID, delivered: ArraySlice<Message>, step: Int, outgoing: inout [Outgoing])
    /// After acting, something the agent wants to say through its model this step, if anything.
    func speech(step: Int) -> BehaviorSpeech?
}

extension AgentBehavior {
    public func speech(step: Int) -> BehaviorSpeech? { nil }
}

/// What a behaving agent asks its model to say: the instruction for a real
/// model, and facts the offline model composes a line from.
public struct BehaviorSpeech: Sendable {
    public var prompt: String
    public var facts: [String: String]
    public init(prompt: String, facts: [String: String]) {
        self.prompt = prompt
        self.facts = facts
    }
}

/// A message an agent wants to send; the engine stamps id, step and time.
public struct Outgoing: Sendable, Equatable {
    public var to: Recipients
    public var kind: MessageKind
    public var text: String
    public var metadata: MessageMetadata?
    public var author: Author?
    public var coordination: CoordinationFact?

    public init(to: Recipients, kind: MessageKind = .chat, text: String, metadata: MessageMetadata? = nil,
                author: Author? = nil, coordination: CoordinationFact? = nil) {
        self.to = to
        self.kind = kind
        self.text = text
        self.metadata = metadata
        self.author = author
        self.coordination = coordination
    }
}
