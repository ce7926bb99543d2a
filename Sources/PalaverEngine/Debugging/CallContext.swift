/// What a model call was sent, kept with its `call_started` by reference
/// rather than by copy: the texts are in the session already. With the agent
/// in `session_started` (its system prompt is built from it, its
/// `temperature` and `max_tokens` are there) this rebuilds the request
/// exactly, through `ChatRequest`, the one function the engine sends with.
public struct CallContext: Hashable, Sendable {
    /// Ids of the remembered messages in the request, oldest first, after trimming.
    public var window: [Int]
    /// Older remembered messages left out so the request fits the agent's context window.
    public var trimmed: Int
    /// The turn's own question after the conversation (an environment's, a coordinator's), if any.
    public var prompt: ChatMessage?

    public init(window: [Int], trimmed: Int = 0, prompt: ChatMessage? = nil) {
        self.window = window
        self.trimmed = trimmed
        self.prompt = prompt
    }
}

/// A chat request built one way for everyone who needs it: the engine (what
/// is sent), the call inspector (what was sent) and the JSON export.
public enum ChatRequest {
    /// The system prompt, the remembered messages as `agent` saw them, then the turn's prompt.
    public static func messages(for agent: AgentID, in info: SessionInfo, window: some Sequence<Message>,
                                prompt: ChatMessage?) -> [ChatMessage] {
        var messages = [ChatMessage(role: .system, content: PromptBuilder.systemPrompt(for: info.agents[agent.index], in: info))]
        for message in window { messages.append(PromptBuilder.chatMessage(for: message, seenBy: agent, in: info)) }
        if let prompt { messages.append(prompt) }
        return messages
    }

    /// The Chat Completions body, byte for byte as an HTTP provider sends it (headers are not part of it).
    public static func body(model: String, temperature: Double?, maxTokens: Int?, messages: [ChatMessage],
                            roster: [AgentSpec]) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("model"); w.string(model)
        w.key("stream"); w.bool(true)
        w.key("stream_options"); w.beginObject(); w.key("include_usage"); w.bool(true); w.endObject()
        if let t = temperature { w.key("temperature"); w.exactNumber(t) }
        if let m = maxTokens { w.key("max_tokens"); w.int(m) }
        w.key("messages"); write(messages, roster: roster, into: &w)
        w.endObject()
        return w.bytes
    }

    /// The `messages` list as sent: speakers' names made valid for the API (`ChatName`).
    public static func write(_ messages: [ChatMessage], roster: [AgentSpec], into w: inout JSONWriter) {
        w.beginArray()
        for message in messages {
            w.beginObject()
            w.key("role"); w.string(message.role.rawValue)
            if let name = message.name { w.key("name"); w.string(ChatName.wire(name, roster: roster)) }
            w.key("content"); w.string(message.content)
            w.endObject()
        }
        w.endArray()
    }

    /// The model name a server is asked for: `openai:gpt-4o-mini` → `gpt-4o-mini`.
    public static func wireModel(_ spec: String) -> String {
        guard let colon = spec.firstIndex(of: ":") else { return spec }
        return String(spec[spec.index(after: colon)...])
    }
}
