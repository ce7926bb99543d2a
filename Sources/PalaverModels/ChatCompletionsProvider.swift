import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PalaverEngine

/// A streaming provider for the OpenAI Chat Completions API, which OpenAI,
/// Ollama, vLLM, llama.cpp's server, LM Studio and most gateways speak.
/// Passing failures (429, 5xx, dropped connections, timeouts) are retried with
/// exponential backoff and jitter, honouring Retry-After; each retry is
/// reported in the stream so the screen and the session show it.
public struct ChatCompletionsProvider: ModelProvider {
    public struct Settings: Sendable {
        public var model: String
        public var baseURL: String
        /// The key itself, read from the environment; never printed or recorded.
        public var apiKey: String?
        public var temperature: Double?
        public var maxTokens: Int?
        public var extraHeaders: [(String, String)] = []
        public var connectTimeout: Double = 5
        /// Longest wait for the next piece of a reply.
        public var idleTimeout: Double = 60
        public var maxRetries = 4
        /// First backoff, in seconds; doubled each retry, plus up to as much again of jitter.
        public var backoff: Double = 0.5

        public init(model: String, baseURL: String, apiKey: String? = nil) {
            self.model = model
            self.baseURL = baseURL
            self.apiKey = apiKey
        }
    }

    public let settings: Settings
    private let client: HTTPClient
    private let gate: EndpointGate

    public var label: String { settings.model }

    public init(settings: Settings, client: HTTPClient = .shared, gate: EndpointGate = EndpointGate(limit: 64)) {
        self.settings = settings
        self.client = client
        self.gate = gate
    }

    public func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelChunk, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await gate.acquire()
                    defer { Task { await gate.release() } }
                    try await run(request, continuation: continuation)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// The request body: the agent's conversation as Chat Completions messages.
    func body(for request: ModelRequest) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("model"); w.string(settings.model)
        w.key("stream"); w.bool(true)
        w.key("stream_options"); w.beginObject(); w.key("include_usage"); w.bool(true); w.endObject()
        if let t = settings.temperature { w.key("temperature"); w.exactNumber(t) }
        if let m = settings.maxTokens { w.key("max_tokens"); w.int(m) }
        w.key("messages"); w.beginArray()
        for message in request.messages {
            w.beginObject()
            w.key("role"); w.string(message.role.rawValue)
            if let name = message.name { w.key("name"); w.string(ChatName.wire(name, roster: request.roster)) }
            w.key("content"); w.string(message.content)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    private func run(_ request: ModelRequest, continuation: AsyncThrowingStream<ModelChunk, any Error>.Continuation) async throws {
        let started = Date()
        var attempt = 0
        while true {
            try Task.checkCancellation()
            var streamedAnything = false
            do {
                try await attemptOnce(request, started: started, streamed: &streamedAnything, continuation: continuation)
                return
            } catch let error as ModelError {
                // A failure after text has streamed cannot be retried without saying things twice.
                guard error.isTransient, !streamedAnything, attempt < settings.maxRetries else { throw error }
                attempt += 1
                let delay = retryDelay(after: error, attempt: attempt)
                continuation.yield(.retrying(attempt: attempt, reason: error.description, delay: delay))
                try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
            }
        }
    }

    private func retryDelay(after error: ModelError, attempt: Int) -> Double {
        if case .http(_, let message) = error, let range = message.range(of: "retry after "),
           let seconds = Double(message[range.upperBound...].prefix { $0.isNumber || $0 == "." }) {
            return min(60, seconds)
        }
        let base = settings.backoff * pow(2, Double(attempt - 1))
        return min(30, base + Double.random(in: 0...base))
    }

    private func attemptOnce(_ request: ModelRequest, started: Date, streamed: inout Bool,
                             continuation: AsyncThrowingStream<ModelChunk, any Error>.Continuation) async throws {
        var http = HTTPClientRequest(url: settings.baseURL.trimmingSlash + "/chat/completions")
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json")
        http.headers.add(name: "Accept", value: "text/event-stream")
        if let key = settings.apiKey { http.headers.add(name: "Authorization", value: "Bearer \(key)") }
        for (name, value) in settings.extraHeaders { http.headers.add(name: name, value: value) }
        http.body = .bytes(ByteBuffer(bytes: body(for: request)))

        let response: HTTPClientResponse
        do {
            try await gate.checkReachable(settings.baseURL)
            response = try await client.execute(http, timeout: .milliseconds(Int64(settings.connectTimeout * 1000)))
        } catch {
            let failure = Self.describe(error, redacting: settings.apiKey, server: settings.baseURL)
            if case .connection = failure { await gate.noteConnectionFailed() }
            throw failure
        }
        await gate.noteAnswered()
        guard response.status == .ok else {
            let text = (try? await response.body.collect(upTo: 64 * 1024)).map { String(buffer: $0) } ?? ""
            var message = Self.errorMessage(in: text) ?? (text.isEmpty ? response.status.reasonPhrase : String(text.prefix(200)))
            if let retryAfter = response.headers.first(name: "Retry-After") { message += " (retry after \(retryAfter) s)" }
            throw ModelError.http(status: Int(response.status.code), message: Self.redact(message, settings.apiKey))
        }
        var events = ServerSentEvents()
        var text = ""
        var usage: (prompt: Int, completion: Int)?
        var finished = false
        func handle(_ payloads: [String]) throws {
            for payload in payloads {
                guard let chunk = try ChatCompletionChunk.parse(payload) else { finished = true; continue }
                if let error = chunk.error { throw ModelError.http(status: 200, message: Self.redact(error, settings.apiKey)) }
                if !chunk.content.isEmpty {
                    streamed = true
                    text += chunk.content
                    continuation.yield(.token(chunk.content))
                }
                if let u = chunk.usage { usage = u }
                if chunk.finishReason != nil && usage != nil { finished = true }
            }
        }
        do {
            for try await buffer in response.body.timingOutBetweenParts(after: settings.idleTimeout) {
                try handle(events.feed(buffer.readableBytesView))
            }
        } catch let error as ModelError {
            throw error
        } catch {
            throw Self.describe(error, redacting: settings.apiKey)
        }
        try handle(events.finish())
        guard finished || !text.isEmpty else { throw ModelError.connection("the stream ended before the reply did") }
        guard !text.trimmingWhitespace.isEmpty else { throw ModelError.empty }
        let latency = Date().timeIntervalSince(started) * 1000
        if let usage {
            continuation.yield(.finished(Usage(model: settings.model, promptTokens: usage.prompt, completionTokens: usage.completion, latencyMs: latency.rounded())))
        } else {
            // No usage from the server: estimate (about four characters a token) and say so.
            let prompt = request.messages.reduce(0) { $0 + $1.content.count / 4 + 4 }
            continuation.yield(.finished(Usage(model: settings.model, promptTokens: prompt, completionTokens: max(1, text.count / 4),
                                               latencyMs: latency.rounded(), estimated: true)))
        }
    }

    static func errorMessage(in body: String) -> String? {
        guard let value = try? JSONParser.parse(body), let object = value.object else { return nil }
        return object["error"]?.object?["message"]?.string ?? object["error"]?.string ?? object["message"]?.string
    }

    static func redact(_ text: String, _ key: String?) -> String {
        guard let key, key.count >= 4 else { return text }
        return text.replacingOccurrences(of: key, with: "[redacted]")
    }

    static func describe(_ error: any Error, redacting key: String?, server: String? = nil) -> ModelError {
        if let e = error as? ModelError { return e }
        if error is CancellationError { return .connection("cancelled") }
        let text = redact("\(error)", key)
        let place = server.map { " at \($0)" } ?? ""
        if text.contains("Connection refused") || text.contains("errno: 111") { return .connection("nothing is listening\(place) (connection refused)") }
        if text.contains("Name or service not known") || text.contains("nodename nor servname") { return .connection("cannot find the server\(place)") }
        if text.contains("deadlineExceeded") || text.contains("readTimeout") || text.contains("connectTimeout") || text.lowercased().contains("timeout") {
            return .timedOut(text.contains("connect") ? "connecting" : "waiting for the reply")
        }
        return .connection(text)
    }
}

extension String {
    var trimmingSlash: String { hasSuffix("/") ? String(dropLast()) : self }
}

extension HTTPClientResponse.Body {
    /// The body's parts, failing with a timeout when the next part is slower than `seconds`.
    func timingOutBetweenParts(after seconds: Double) -> AsyncThrowingStream<ByteBuffer, any Error> {
        let body = self
        return AsyncThrowingStream { continuation in
            let watchdog = IdleWatchdog(seconds: seconds) { continuation.finish(throwing: ModelError.timedOut("waiting for the next part of the reply")) }
            let task = Task {
                do {
                    for try await part in body {
                        watchdog.kick()
                        continuation.yield(part)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
                watchdog.stop()
            }
            continuation.onTermination = { _ in task.cancel(); watchdog.stop() }
        }
    }
}

/// Fires once when it has not been kicked for a while.
final class IdleWatchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var deadline: Date
    private var stopped = false
    private let seconds: Double

    init(seconds: Double, onIdle: @escaping @Sendable () -> Void) {
        self.seconds = seconds
        deadline = Date().addingTimeInterval(seconds)
        Task { [weak self] in
            while let self {
                let (stopped, remaining) = self.lock.withLock { (self.stopped, self.deadline.timeIntervalSinceNow) }
                if stopped { return }
                if remaining <= 0 { onIdle(); return }
                try? await Task.sleep(nanoseconds: UInt64(min(remaining, 0.25) * 1e9))
            }
        }
    }

    func kick() { lock.withLock { deadline = Date().addingTimeInterval(seconds) } }
    func stop() { lock.withLock { stopped = true } }
}
