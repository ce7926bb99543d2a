import PalaverEngine

/// What one streamed Chat Completions chunk says: text, a finish, usage, or an error.
public struct ChatCompletionChunk: Equatable, Sendable {
    public var content: String = ""
    public var finishReason: String?
    public var usage: (prompt: Int, completion: Int)?
    public var error: String?

    public static func == (a: Self, b: Self) -> Bool {
        a.content == b.content && a.finishReason == b.finishReason && a.error == b.error
            && a.usage?.prompt == b.usage?.prompt && a.usage?.completion == b.usage?.completion
    }

    /// Reads one `data:` payload; nil for `[DONE]`. Throws for text that is not a chunk.
    public static func parse(_ payload: String) throws(ModelError) -> ChatCompletionChunk? {
        if payload.trimmingWhitespace == "[DONE]" { return nil }
        let value: JSONValue
        do { value = try JSONParser.parse(payload) } catch {
            throw .malformed("a streamed chunk is not JSON (\(error))")
        }
        guard let object = value.object else { throw .malformed("a streamed chunk is not a JSON object") }
        var chunk = ChatCompletionChunk()
        if let error = object["error"] {
            chunk.error = error.object?["message"]?.string ?? error.string ?? "the server reported an error"
            return chunk
        }
        if let choices = object["choices"]?.array, let first = choices.first?.object {
            chunk.content = first["delta"]?.object?["content"]?.string ?? first["text"]?.string ?? ""
            chunk.finishReason = first["finish_reason"]?.string
        }
        if let usage = object["usage"]?.object, let p = usage["prompt_tokens"]?.int, let c = usage["completion_tokens"]?.int {
            chunk.usage = (p, c)
        }
        return chunk
    }
}

/// Why a model call failed, in words fit for the screen: never with a key in them.
public enum ModelError: Error, CustomStringConvertible, Equatable, Sendable {
    case missingKey(variable: String)
    case http(status: Int, message: String)
    case malformed(String)
    case timedOut(String)
    case connection(String)
    case empty
    /// HTTP 200 and not one byte: llama.cpp's servers answer so when the prompt overflows the context window.
    case emptyBody
    /// The stream ended without a finish reason: the server cut the reply off.
    case cutOff(hadText: Bool)
    /// The whole call ran past its deadline (retries included).
    case deadline(seconds: Double)
    case invalidSpec(String)

    public var description: String {
        switch self {
        case .missingKey(let v): return "no API key: set \(v) in the environment"
        case .http(let status, let message): return "the server answered \(status): \(message)"
        case .malformed(let why): return why
        case .timedOut(let what): return "timed out \(what)"
        case .connection(let why): return "connection failed: \(why)"
        case .empty: return "the model replied with nothing"
        case .emptyBody:
            return "the server answered with an empty reply (HTTP 200, no body); the prompt may be longer than the model's context window: set context_tokens for this agent below the server's"
        case .cutOff(let hadText):
            return "the server ended the reply \(hadText ? "part-way" : "before any text") without finishing it (a local server may cut a reply off when another request arrives)"
        case .deadline(let seconds):
            return "no complete reply within \(NumberText.thousandths(seconds)) s (the call deadline; change it with --call-timeout)"
        case .invalidSpec(let why): return why
        }
    }

    /// Worth another try: rate limits, server errors, dropped connections, timeouts.
    public var isTransient: Bool {
        switch self {
        case .http(let status, _): return status == 429 || status >= 500
        case .timedOut, .connection, .cutOff: return true
        default: return false
        }
    }
}
