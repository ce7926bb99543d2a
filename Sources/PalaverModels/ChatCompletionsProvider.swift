import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PalaverEngine

/// A streaming provider for the OpenAI Chat Completions API, which OpenAI,
/// Ollama, vLLM, llama.cpp's server, LM Studio and most gateways speak.
/// Passing failures (429, 5xx, dropped connections, timeouts, a reply cut off
/// before its finish) are retried with exponential backoff and full jitter,
/// honouring Retry-After; each retry is reported in the stream so the screen
/// and the session show it. A reply cut off mid-way is asked again from the
/// start (the runner discards the partial text on the retry).
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
        /// Longest a whole call may take, retries included (`--call-timeout`).
        public var callTimeout: Double = ChatCompletionsProvider.defaultCallTimeout
        public var maxRetries = 4
        /// First backoff, in seconds; each retry waits a random time up to twice the one before.
        public var backoff: Double = 0.5

        public init(model: String, baseURL: String, apiKey: String? = nil) {
            self.model = model
            self.baseURL = baseURL
            self.apiKey = apiKey
        }
    }

    public static let defaultCallTimeout: Double = 300
    public static let userAgent = "palaver/\(PalaverVersion.current)"

    public let settings: Settings
    private let client: HTTPClient
    private let gate: EndpointGate
    /// Every configured secret: the key and the extra headers' values.
    let redactor: SecretRedactor

    public var label: String { settings.model }

    public init(settings: Settings, client: HTTPClient = .shared, gate: EndpointGate = EndpointGate(limit: 64)) {
        self.settings = settings
        self.client = client
        self.gate = gate
        redactor = SecretRedactor([settings.apiKey] + settings.extraHeaders.map(\.1))
    }

    public func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelChunk, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
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
    /// Built by `ChatRequest.body`, which the call inspector shows, so the two cannot differ.
    func body(for request: ModelRequest) -> [UInt8] {
        ChatRequest.body(model: settings.model, temperature: settings.temperature, maxTokens: settings.maxTokens,
                         messages: request.messages, roster: request.roster)
    }

    /// Timing shared by a call's attempts.
    struct CallClock {
        let started = MonotonicClock.seconds()
        let deadline: Double
        /// Seconds spent waiting for a place in the endpoint's in-flight limit.
        var queued = 0.0
        init(timeout: Double) { deadline = started + timeout }
    }

    private func run(_ request: ModelRequest, continuation: AsyncThrowingStream<ModelChunk, any Error>.Continuation) async throws {
        var clock = CallClock(timeout: settings.callTimeout)
        var attempt = 0
        while true {
            try Task.checkCancellation()
            var streamed = false
            let waitFrom = MonotonicClock.seconds()
            try await gate.acquire()
            clock.queued += MonotonicClock.seconds() - waitFrom
            var failure: (any Error)?
            var learned: Int?
            do {
                try await attemptOnce(request, clock: clock, streamed: &streamed, continuation: continuation)
            } catch {
                failure = error
                if case .cutOff? = error as? ModelError { learned = await gate.lowerLimitAfterCutOff() }
            }
            await gate.release()
            guard let failure else { return }
            guard let error = failure as? ModelError else { throw failure }
            let remaining = clock.deadline - MonotonicClock.seconds()
            guard error.isTransient, attempt < settings.maxRetries, remaining > 0 else { throw error }
            attempt += 1
            let delay = min(retryDelay(after: error, attempt: attempt), remaining)
            var reason = error.description
            if let learned {
                reason += "; Palaver now sends at most \(learned) request\(learned == 1 ? "" : "s") at a time to \(settings.baseURL)"
                    + " (for llama-cpp-python, --interrupt_requests False lets it queue them)"
            }
            if streamed { reason += "; the partial reply is discarded and asked again" }
            continuation.yield(.retrying(attempt: attempt, reason: reason, delay: delay))
            try await Task.sleep(nanoseconds: UInt64(max(0, delay) * 1e9))
        }
    }

    /// Retry-After when the server gave one; else full jitter over a doubling
    /// ceiling, so agents that failed together do not all come back together.
    func retryDelay(after error: ModelError, attempt: Int) -> Double {
        if case .http(_, let message) = error, let range = message.range(of: "retry after "),
           let seconds = Double(message[range.upperBound...].prefix { $0.isNumber || $0 == "." }) {
            return min(60, seconds)
        }
        let ceiling = min(30, settings.backoff * pow(2, Double(attempt)))
        return Double.random(in: (ceiling / 10)...ceiling)
    }

    private func attemptOnce(_ request: ModelRequest, clock: CallClock, streamed: inout Bool,
                             continuation: AsyncThrowingStream<ModelChunk, any Error>.Continuation) async throws {
        var http = HTTPClientRequest(url: settings.baseURL.trimmingSlash + "/chat/completions")
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json")
        http.headers.add(name: "Accept", value: "text/event-stream")
        http.headers.add(name: "User-Agent", value: Self.userAgent)
        if let key = settings.apiKey { http.headers.add(name: "Authorization", value: "Bearer \(key)") }
        for (name, value) in settings.extraHeaders { http.headers.add(name: name, value: value) }
        http.body = .bytes(ByteBuffer(bytes: body(for: request)))

        let response: HTTPClientResponse
        let sent = MonotonicClock.seconds()
        do {
            try await gate.checkReachable(settings.baseURL)
            response = try await client.execute(http, timeout: .milliseconds(Int64(settings.connectTimeout * 1000)))
        } catch {
            let failure = Self.describe(error, redactor: redactor, server: settings.baseURL)
            if case .connection = failure { await gate.noteConnectionFailed() }
            throw failure
        }
        await gate.noteAnswered()
        guard response.status == .ok else {
            let text = (try? await response.body.collect(upTo: 64 * 1024)).map { String(buffer: $0) } ?? ""
            // Redact first: a cut could leave a piece of a secret too short to recognise.
            var message = Self.errorMessage(in: text).map(redactor.redact)
                ?? (text.isEmpty ? response.status.reasonPhrase : String(redactor.redact(text).prefix(200)))
            if let retryAfter = response.headers.first(name: "Retry-After") { message += " (retry after \(redactor.redact(retryAfter)) s)" }
            throw ModelError.http(status: Int(response.status.code), message: message)
        }
        var reply = ReplyReader(redactor: redactor)
        do {
            for try await buffer in response.body.timingOut(betweenParts: settings.idleTimeout, deadline: clock.deadline,
                                                            callTimeout: settings.callTimeout) {
                for token in try reply.feed(buffer.readableBytesView) {
                    streamed = true
                    continuation.yield(.token(token))
                }
            }
            for token in try reply.finish() { continuation.yield(.token(token)) }
        } catch let error as ModelError {
            if error.isTransient { await gate.noteConnectionFailed() }
            throw error
        } catch {
            // The server went away mid-reply: check it is there before the next call waits on it.
            await gate.noteConnectionFailed()
            throw Self.describe(error, redactor: redactor)
        }
        let now = MonotonicClock.seconds()
        let timing = (latency: ((now - clock.started) * 1000).rounded(), queued: (clock.queued * 1000).rounded(),
                      firstToken: reply.firstTokenAt.map { (($0 - sent) * 1000).rounded() },
                      streaming: reply.firstTokenAt.map { ((now - $0) * 1000).rounded() })
        var usage: Usage
        if let counted = reply.usage {
            usage = Usage(model: settings.model, promptTokens: counted.prompt, completionTokens: counted.completion, latencyMs: timing.latency)
        } else {
            // No usage from the server: estimate (about four characters a token) and say so.
            let prompt = request.messages.reduce(0) { $0 + TokenEstimate.tokens(in: $1.content) + 4 }
            usage = Usage(model: settings.model, promptTokens: prompt, completionTokens: max(1, TokenEstimate.tokens(in: reply.text)),
                          latencyMs: timing.latency, estimated: true)
        }
        usage.queuedMs = timing.queued
        usage.firstTokenMs = timing.firstToken
        usage.streamMs = timing.streaming
        continuation.yield(.finished(usage))
    }

    static func errorMessage(in body: String) -> String? {
        guard let value = try? JSONParser.parse(body), let object = value.object else { return nil }
        return object["error"]?.object?["message"]?.string ?? object["error"]?.string ?? object["message"]?.string
    }

    static func describe(_ error: any Error, redactor: SecretRedactor, server: String? = nil) -> ModelError {
        if let e = error as? ModelError { return e }
        if error is CancellationError { return .connection("cancelled") }
        let text = redactor.redact("\(error)")
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
