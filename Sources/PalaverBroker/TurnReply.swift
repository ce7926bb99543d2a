import PalaverEngine

/// What a worker sends back for a turn. An offline or recorded model's whole
/// reply goes as one script, so the engine plays it on its own clock exactly as
/// a local run does; a live model's reply streams as chunks.
public enum TurnReply: Sendable, Equatable {
    case script(ModelScript)
    case chunk(ModelChunk)
    case failed(String)

    public static let messageType = "palaver.reply.v1"

    public func encoded() -> [UInt8] {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        switch self {
        case .script(let script):
            w.key("kind"); w.string("script")
            w.key("tokens"); w.beginArray(); for t in script.tokens { w.string(t) }; w.endArray()
            w.key("first"); w.exactNumber(script.firstTokenDelay)
            w.key("interval"); w.exactNumber(script.tokenInterval)
            w.key("usage"); TurnReply.write(script.usage, into: &w)
        case .chunk(.token(let text)):
            w.key("kind"); w.string("token")
            w.key("text"); w.string(text)
        case .chunk(.finished(let usage)):
            w.key("kind"); w.string("finished")
            w.key("usage"); TurnReply.write(usage, into: &w)
        case .chunk(.retrying(let attempt, let reason, let delay)):
            w.key("kind"); w.string("retrying")
            w.key("attempt"); w.int(attempt)
            w.key("reason"); w.string(reason)
            w.key("delay"); w.exactNumber(delay)
        case .failed(let reason):
            w.key("kind"); w.string("failed")
            w.key("reason"); w.string(reason)
        }
        w.endObject()
        return w.bytes
    }

    private static func write(_ usage: Usage, into w: inout JSONWriter) {
        w.beginObject()
        w.key("model"); w.string(usage.model)
        w.key("prompt"); w.int(usage.promptTokens)
        w.key("completion"); w.int(usage.completionTokens)
        w.key("latency_ms"); w.exactNumber(usage.latencyMs)
        w.key("estimated"); w.bool(usage.estimated)
        if let ms = usage.firstTokenMs { w.key("first_token_ms"); w.exactNumber(ms) }
        if let ms = usage.streamMs { w.key("stream_ms"); w.exactNumber(ms) }
        if let ms = usage.queuedMs { w.key("queued_ms"); w.exactNumber(ms) }
        w.endObject()
    }

    public init(decoding bytes: [UInt8]) throws(BrokerMessageError) {
        let value: JSONValue
        do { value = try bytes.withUnsafeBufferPointer { buffer throws(JSONParser.Failure) in try JSONParser.parse(buffer) } } catch {
            throw BrokerMessageError(reason: "not JSON: \(error)")
        }
        guard let o = value.object, let kind = o["kind"]?.string else { throw BrokerMessageError(reason: "no 'kind'") }
        func usage() throws(BrokerMessageError) -> Usage {
            guard let u = o["usage"]?.object, let model = u["model"]?.string, let p = u["prompt"]?.int, let c = u["completion"]?.int,
                  let latency = u["latency_ms"]?.double else { throw BrokerMessageError(reason: "bad 'usage'") }
            var usage = Usage(model: model, promptTokens: p, completionTokens: c, latencyMs: latency, estimated: u["estimated"]?.bool ?? false)
            usage.firstTokenMs = u["first_token_ms"]?.double
            usage.streamMs = u["stream_ms"]?.double
            usage.queuedMs = u["queued_ms"]?.double
            return usage
        }
        switch kind {
        case "script":
            guard let items = o["tokens"]?.array, let first = o["first"]?.double, let interval = o["interval"]?.double else {
                throw BrokerMessageError(reason: "bad script")
            }
            var tokens: [String] = []
            for item in items {
                guard let t = item.string else { throw BrokerMessageError(reason: "bad token in script") }
                tokens.append(t)
            }
            self = .script(ModelScript(tokens: tokens, firstTokenDelay: first, tokenInterval: interval, usage: try usage()))
        case "token":
            guard let text = o["text"]?.string else { throw BrokerMessageError(reason: "token without text") }
            self = .chunk(.token(text))
        case "finished":
            self = .chunk(.finished(try usage()))
        case "retrying":
            self = .chunk(.retrying(attempt: o["attempt"]?.int ?? 1, reason: o["reason"]?.string ?? "", delay: o["delay"]?.double ?? 0))
        case "failed":
            self = .failed(o["reason"]?.string ?? "the worker failed")
        default:
            throw BrokerMessageError(reason: "unknown kind '\(kind)'")
        }
    }
}
