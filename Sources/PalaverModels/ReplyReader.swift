import PalaverEngine

/// Reads one streamed reply: splits the server-sent events, collects text and
/// usage, redacts secrets from the text as it streams, and decides at the end
/// whether the reply was whole. A reply is whole when the server said why it
/// finished (`finish_reason`) or reported usage; `[DONE]` alone is not enough,
/// since llama-cpp-python sends it after cutting a reply off for a newer request.
struct ReplyReader {
    private var events = ServerSentEvents()
    private var redaction: SecretRedactor.Stream
    private(set) var text = ""
    private(set) var usage: (prompt: Int, completion: Int)?
    private(set) var finishReason: String?
    /// When the first piece of text arrived (`MonotonicClock` seconds).
    private(set) var firstTokenAt: Double?
    private var sawEvent = false
    private var sawBytes = false

    init(redactor: SecretRedactor) { redaction = SecretRedactor.Stream(redactor) }

    /// Feeds bytes; returns the text ready to show.
    mutating func feed(_ bytes: some Collection<UInt8>) throws(ModelError) -> [String] {
        if !bytes.isEmpty { sawBytes = true }
        return try handle(events.feed(bytes))
    }

    /// The stream has ended: the last text, or why the reply is not whole.
    mutating func finish() throws(ModelError) -> [String] {
        var out = try handle(events.finish())
        let rest = redaction.finish()
        if !rest.isEmpty { out.append(rest); text += rest }
        if !sawBytes { throw .emptyBody }
        guard finishReason != nil || usage != nil else { throw .cutOff(hadText: !text.isEmpty) }
        guard !text.trimmingWhitespace.isEmpty else { throw .empty }
        return out
    }

    private mutating func handle(_ payloads: [String]) throws(ModelError) -> [String] {
        var out: [String] = []
        for payload in payloads {
            sawEvent = true
            guard let chunk = try ChatCompletionChunk.parse(payload) else { continue }
            if let error = chunk.error { throw .http(status: 200, message: redaction.redactor.redact(error)) }
            if !chunk.content.isEmpty {
                if firstTokenAt == nil { firstTokenAt = MonotonicClock.seconds() }
                let ready = redaction.feed(chunk.content)
                if !ready.isEmpty { out.append(ready); text += ready }
            }
            if let u = chunk.usage { usage = u }
            if let reason = chunk.finishReason { finishReason = reason }
        }
        return out
    }
}
