/// The system prompt an agent's model is given.
enum PromptBuilder {
    static func systemPrompt(for spec: AgentSpec, in info: SessionInfo) -> String {
        let others = info.agents.filter { $0.id != spec.id }.map { "\($0.name) (\($0.role))" }
        var prompt = "You are \(spec.name), the \(spec.role), in a conversation about: \(info.title)."
        if !spec.persona.isEmpty { prompt += " " + spec.persona }
        if !others.isEmpty { prompt += " The others are " + others.joined(separator: ", ") + "." }
        prompt += spec.language == "zh"
            ? " 请用中文回答，简洁，一到三句话。"
            : " Answer in one to three sentences, in character, and respond to what was just said."
        return prompt
    }

    /// How a remembered message appears in `agent`'s request: its own words as
    /// `assistant`, everyone else's as `user` with the speaker's name.
    static func chatMessage(for message: Message, seenBy agent: AgentID, in info: SessionInfo) -> ChatMessage {
        if message.sender == .agent(agent) { return ChatMessage(role: .assistant, content: message.text) }
        return ChatMessage(role: .user, name: info.name(of: message.sender), content: message.text)
    }
}
