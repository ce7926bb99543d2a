/// The built-in model: a scripted stand-in, no network, no key. Deterministic
/// for a seed, it answers in character — from the agent's role and persona, in
/// its language, in a voice of its own — to what the agent heard: it follows
/// what the user told it, keeps a stance put in its mouth, moderates when it
/// is the moderator, and never says the same line twice in a row. It streams and reports usage and latency the way a
/// real provider does, so the rest of Palaver cannot tell the difference.
public struct OfflineModel: ScriptedModelProvider {
    public var label: String { "offline" }
    public var tokensPerSecond: Double
    /// Seconds of "thinking" before the first token, at 1× speed.
    public var firstTokenDelay: Double

    public init(settings: OfflineSettings) {
        self.init(tokensPerSecond: settings.tokensPerSecond, firstTokenDelay: settings.firstTokenDelay)
    }

    public init(tokensPerSecond: Double = 6, firstTokenDelay: Double = 0.6) {
        self.tokensPerSecond = max(1, tokensPerSecond)
        self.firstTokenDelay = max(0, firstTokenDelay)
    }

    public func script(for request: ModelRequest) -> ModelScript? { makeScript(for: request) }

    /// The offline reply, always available.
    public func makeScript(for request: ModelRequest) -> ModelScript {
        let text = reply(to: request)
        let tokens = OfflineModel.tokenize(text)
        let promptTokens = request.messages.reduce(0) { $0 + OfflineModel.tokenize($1.content).count + 4 }
        let agentSalt = DeterministicRandom.hash(request.spec.id)
        // Agents think for slightly different times, as real calls do.
        let jitter = Double(DeterministicRandom.index(300, request.seed, agentSalt, UInt64(request.turn))) / 1000
        let first = firstTokenDelay + jitter
        let interval = 1 / tokensPerSecond
        let latency = (first + Double(tokens.count) * interval) * 1000
        var usage = Usage(model: label, promptTokens: promptTokens, completionTokens: tokens.count, latencyMs: latency.rounded())
        usage.firstTokenMs = (first * 1000).rounded()
        usage.streamMs = (Double(max(0, tokens.count - 1)) * interval * 1000).rounded()
        return ModelScript(tokens: tokens, firstTokenDelay: first, tokenInterval: interval, usage: usage)
    }

    /// The reply text for a request.
    public func reply(to request: ModelRequest) -> String {
        if let beer = OfflineBeerPlayer.reply(to: request) { return beer }
        if let line = OfflineCoordinationVoice.reply(to: request) { return line }
        let previous = request.messages.last { $0.role == .assistant }?.content
        let voice = OfflineVoice.for(request.spec)
        var attempt: UInt64 = 0
        while true {
            let line = voice.compose(request: request, attempt: attempt)
            if line != previous || attempt > 6 { return line }
            attempt += 1
        }
    }

    /// Splits text into the pieces it streams in: words with their leading
    /// space, and CJK text a character or two at a time.
    public static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for ch in text {
            let isWide = ch.unicodeScalars.first.map { $0.value >= 0x2E80 } ?? false
            if isWide {
                if current.count >= 2 || (!current.isEmpty && !(current.unicodeScalars.first!.value >= 0x2E80)) {
                    tokens.append(current)
                    current = ""
                }
                current.append(ch)
            } else if ch == " " || ch == "\n" {
                if !current.isEmpty { tokens.append(current) }
                current = String(ch)
            } else {
                if let first = current.unicodeScalars.first, first.value >= 0x2E80 {
                    tokens.append(current)
                    current = ""
                }
                current.append(ch)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }
}
