/// One agent's mailbox and memory as the projection knows them: what waits
/// for it (from whom, since when), and the window of messages its next
/// request will carry once that mail is delivered — as the engine builds it:
/// memory capped at the session's size, then the oldest turns left out until
/// the request fits the agent's context budget.
public struct MailboxView: Sendable {
    public struct Item: Sendable {
        /// Position in the projection's log.
        public var position: Int
        public var message: Message
        /// The text as this agent saw it (an edit after it read the message does not change its copy).
        public var text: String
        /// Still in the mailbox: it joins the memory on the agent's next turn.
        public var waiting: Bool
        /// Left out of the next request: beyond the memory's size or the context budget.
        public var leftOut: Bool
        public var tokens: Int
    }

    /// Waiting messages, in the order they will be delivered (injected and system messages first).
    public var waiting: [Item]
    /// The memory after the waiting mail is delivered, oldest first, with what the next request leaves out marked.
    public var window: [Item]
    /// The memory's size (the session's `memory`).
    public var memorySize: Int
    public var systemTokens: Int
    /// Tokens the next request may hold (the context window less the reply's reserve).
    public var budget: Int
    /// Estimated tokens of the next request: system prompt plus the messages not left out.
    public var requestTokens: Int { systemTokens + window.filter { !$0.leftOut }.reduce(0) { $0 + $1.tokens } }
}

extension Projection {
    /// The mailbox and next memory window of `agent`.
    public func mailbox(of agent: AgentID) -> MailboxView? {
        guard let info, agent.index >= 0, agent.index < agents.count else { return nil }
        let spec = info.agents[agent.index]
        func item(_ position: Int, waiting: Bool) -> MailboxView.Item {
            let entry = log[position]
            // Who read a message before it was edited kept the original words.
            let text = !waiting && entry.readBeforeEdit.contains(agent) ? (entry.originalText ?? entry.message.text) : entry.message.text
            let chat = PromptBuilder.chatMessage(for: entry.message.withText(text), seenBy: agent, in: info)
            return MailboxView.Item(position: position, message: entry.message, text: text, waiting: waiting,
                                    leftOut: false, tokens: TokenEstimate.tokens(in: chat))
        }
        let ended = ended != nil
        let waitingItems = ended ? [] : self.waiting.filter { log[$0].pending.contains(agent) }
            .map { item($0, waiting: true) }
            .sorted { ($0.message.kind.isPriority ? 0 : 1, $0.message.id) < ($1.message.kind.isPriority ? 0 : 1, $1.message.id) }
        let memorySize = info.configuration.memorySize
        var window = agents[agent.index].memory.compactMap { id in logPosition(of: id).map { item($0, waiting: false) } } + waitingItems
        // The memory keeps its newest `memorySize`; older ones fall out as the mail comes in.
        let overflow = max(0, window.count - memorySize)
        for i in 0..<overflow { window[i].leftOut = true }
        let systemTokens = TokenEstimate.tokens(in: ChatMessage(role: .system, content: PromptBuilder.systemPrompt(for: spec, in: info)))
        let budget = max(64, (spec.contextTokens ?? EngineConfiguration.defaultContextTokens)
                             - (spec.endpoint.maxTokens ?? EngineConfiguration.replyReserveTokens))
        // As PromptBuilder.fit: the oldest go until it fits; the newest always stays.
        var total = systemTokens + window.filter { !$0.leftOut }.reduce(0) { $0 + $1.tokens }
        var i = overflow
        while total > budget, i < window.count - 1 {
            window[i].leftOut = true
            total -= window[i].tokens
            i += 1
        }
        return MailboxView(waiting: waitingItems, window: window, memorySize: memorySize, systemTokens: systemTokens, budget: budget)
    }
}
