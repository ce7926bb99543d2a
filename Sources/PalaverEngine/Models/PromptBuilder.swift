/// The system prompt an agent's model is given.
enum PromptBuilder {
    static func systemPrompt(for spec: AgentSpec, in info: SessionInfo) -> String {
        let others = info.agents.filter { $0.id != spec.id }.map { "\($0.name) (\($0.role))" }
        var prompt = "You are \(spec.name), the \(spec.role), in a conversation about: " + sentence(info.title)
        if !spec.persona.isEmpty { prompt += " " + spec.persona }
        if !others.isEmpty { prompt += " The others are " + others.joined(separator: ", ") + "." }
        prompt += spec.language == "zh"
            ? " 请用中文回答，简洁，一到三句话。"
            : " Answer in one to three sentences, in character, and respond to what was just said."
        return prompt
    }

    /// `text` ending in exactly one full stop: a title that ends in `?` or `!` keeps it alone.
    static func sentence(_ text: String) -> String {
        let trimmed = text.trimmingWhitespace
        guard let last = trimmed.last else { return trimmed }
        return ".?!…。？！".contains(last) ? trimmed : trimmed + "."
    }

    /// How a remembered message appears in `agent`'s request: its own words as
    /// `assistant`, everyone else's as `user` with the speaker's name.
    /// With `name_prefix`, the speaker's name also starts the text, for chat templates that drop `name`.
    static func chatMessage(for message: Message, seenBy agent: AgentID, in info: SessionInfo) -> ChatMessage {
        if message.sender == .agent(agent) { return ChatMessage(role: .assistant, content: message.text) }
        let name = info.name(of: message.sender)
        let prefixed = agent.index < info.agents.count && info.agents[agent.index].namePrefix
        // The person at the workbench is "you" on screen, but "you:" would read to the model as itself.
        let speaker = message.sender == .user ? "User" : name
        return ChatMessage(role: .user, name: name, content: prefixed ? "\(speaker): \(message.text)" : message.text)
    }

    /// Leaves out the oldest remembered turns until the request fits `budget` tokens (estimated):
    /// the system prompt (first) and the newest message (last) always stay. Returns how many went.
    @discardableResult
    static func fit(_ messages: inout [ChatMessage], budget: Int) -> Int {
        var total = messages.reduce(0) { $0 + TokenEstimate.tokens(in: $1) }
        var dropped = 0
        while total > budget, messages.count > 2 {
            total -= TokenEstimate.tokens(in: messages.remove(at: 1))
            dropped += 1
        }
        return dropped
    }
}
