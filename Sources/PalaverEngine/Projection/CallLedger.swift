/// One model call as the inspector shows it: when and how it was asked (by
/// reference: see `CallContext`), how it went, and the message it produced.
public struct CallRecord: Sendable {
    public var agent: AgentID
    public var step: Int
    /// Seconds into the run when it was asked.
    public var started: Double
    public var model: String
    /// What it was sent; nil in files recorded before requests were.
    public var context: CallContext?
    /// Token counts and timing, once it answered.
    public var usage: Usage?
    /// The message its reply became.
    public var reply: Int?
    /// The reply exactly as streamed, kept only where it differs from the message (surrounding blanks).
    public var rawReply: String?
    /// Failed attempts that were tried again: "attempt 2: 429 …".
    public var retries: [String] = []
    /// Times a pause cancelled it in flight (it was sent again on resume).
    public var cancellations = 0
    /// Why its turn ended without a reply.
    public var error: String?

    /// Still waiting for its model.
    public var inFlight: Bool { usage == nil && error == nil }
}

/// Every model call of a run, folded from events as part of the projection:
/// the call inspector reads it, live and in replay alike.
public struct CallLedger: Sendable {
    public private(set) var records = ChunkedArray<CallRecord>()
    /// Each agent's latest call, as an index into `records`.
    public private(set) var latest: [Int?] = []
    /// A call that answered, per agent, until its reply message is sent.
    private var awaitingReply: [Int?] = []
    /// What an agent saw of a message edited after it read (or said) it; rare, so kept apart.
    private var earlierTexts: [SeenKey: String] = [:]

    struct SeenKey: Hashable, Sendable {
        var message: Int
        var agent: AgentID
    }

    public init() {}

    /// The events `apply` folds: the projection hands it no others.
    static func follows(_ body: Event.Body) -> Bool {
        switch body {
        case .sessionStarted, .callStarted, .retrying, .callCancelled, .callFinished, .agentError, .edited: return true
        default: return false
        }
    }

    /// Folds one event; called with the projection as it was before the event.
    mutating func apply(_ event: Event, before p: Projection) {
        switch event.body {
        case .sessionStarted(let info):
            latest = Array(repeating: nil, count: info.agents.count)
            awaitingReply = latest
        case .callStarted(let agent, let model, let context):
            guard agent.index >= 0, agent.index < latest.count else { return }
            awaitingReply[agent.index] = nil
            // A person's turn is no model call.
            guard model != Engine.humanModel else { return }
            records.append(CallRecord(agent: agent, step: event.step, started: event.time, model: model, context: context))
            latest[agent.index] = records.count - 1
        case .retrying(let agent, let attempt, let reason):
            if let i = open(agent) { records[i].retries.append("attempt \(attempt): \(reason)") }
        case .callCancelled(let agent, _):
            if let i = open(agent) { records[i].cancellations += 1 }
        case .callFinished(let agent, let usage):
            guard let i = open(agent) else { return }
            records[i].usage = usage
            records[i].rawReply = p.agents[agent.index].streaming
            awaitingReply[agent.index] = i
        case .agentError(let agent, let message):
            if let i = open(agent) ?? awaiting(agent) {
                records[i].error = message
                awaitingReply[agent.index] = nil
            }
        case .edited(let id, _, _):
            guard let position = p.logPosition(of: id) else { return }
            let entry = p.log[position]
            var readers = entry.readBy.members
            // Its sender remembers its own words as it said them.
            if let sender = entry.message.sender.agent, entry.message.kind.isSpeech { readers.append(sender) }
            for agent in readers where earlierTexts[SeenKey(message: id, agent: agent)] == nil {
                earlierTexts[SeenKey(message: id, agent: agent)] = entry.message.text
            }
        default:
            break
        }
    }

    /// Links a message to the call whose reply it is; returns that call's index.
    mutating func claimReply(_ message: Message) -> Int? {
        guard let agent = message.sender.agent, let i = awaiting(agent) else { return nil }
        awaitingReply[agent.index] = nil
        records[i].reply = message.id
        if records[i].rawReply == message.text { records[i].rawReply = nil }
        return i
    }

    private func open(_ agent: AgentID) -> Int? {
        guard agent.index >= 0, agent.index < latest.count, let i = latest[agent.index], records[i].inFlight else { return nil }
        return i
    }

    private func awaiting(_ agent: AgentID) -> Int? {
        guard agent.index >= 0, agent.index < awaitingReply.count else { return nil }
        return awaitingReply[agent.index]
    }

    /// A message's text as `agent` had it in its memory (before any later edit).
    public func text(of message: Message, seenBy agent: AgentID) -> String {
        earlierTexts[SeenKey(message: message.id, agent: agent)] ?? message.text
    }

    /// The indices of an agent's calls, oldest first.
    public func calls(of agent: AgentID) -> [Int] {
        records.indices.filter { records[$0].agent == agent }
    }
}

extension Projection {
    /// The request a call was sent, rebuilt from the session by the same
    /// function the engine sends with; nil when the file did not record it.
    /// Messages the session no longer holds are named as missing.
    public func request(of call: CallRecord) -> (messages: [ChatMessage], missing: [Int])? {
        guard let info, let context = call.context, call.agent.index < info.agents.count else { return nil }
        var window: [Message] = []
        var missing: [Int] = []
        for id in context.window {
            guard let message = message(id: id) else { missing.append(id); continue }
            window.append(message.withText(calls.text(of: message, seenBy: call.agent)))
        }
        return (ChatRequest.messages(for: call.agent, in: info, window: window, prompt: context.prompt), missing)
    }

    /// The call that produced a message, if a model call did.
    public func call(producing messageID: Int) -> CallRecord? {
        guard let position = logPosition(of: messageID), let i = log[position].call else { return nil }
        return calls.records[i]
    }
}
