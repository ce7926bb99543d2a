import AsyncHTTPClient
import Foundation
import Testing
@testable import PalaverEngine
@testable import PalaverModels

/// The provider against a real HTTP server on 127.0.0.1 that misbehaves on command.
@Suite(.serialized) struct ChatCompletionsProviderTests {
    static let key = "sk-test-SECRET-0123456789"

    func provider(_ server: LoopbackChatServer, idle: Double = 2, retries: Int = 3) -> ChatCompletionsProvider {
        var settings = ChatCompletionsProvider.Settings(model: "fake-model", baseURL: server.baseURL, apiKey: Self.key)
        settings.idleTimeout = idle
        settings.maxRetries = retries
        settings.backoff = 0.05
        settings.connectTimeout = 5
        return ChatCompletionsProvider(settings: settings)
    }

    var request: ModelRequest {
        let roster = [AgentSpec(id: "ada", name: "Ada", role: "planner"), AgentSpec(id: "bo", name: "林晓", role: "engineer")]
        return ModelRequest(agent: AgentID(0), spec: roster[0], roster: roster, scenarioTitle: "t", seed: 1, step: 1, turn: 0,
                            messages: [ChatMessage(role: .system, content: "You are Ada."), ChatMessage(role: .user, name: "林晓", content: "你好")])
    }

    /// Everything the stream produced, or the error it ended with.
    func collect(_ provider: ChatCompletionsProvider) async -> (chunks: [ModelChunk], error: (any Error)?) {
        var chunks: [ModelChunk] = []
        do {
            for try await chunk in provider.stream(request) { chunks.append(chunk) }
            return (chunks, nil)
        } catch {
            return (chunks, error)
        }
    }

    func text(_ chunks: [ModelChunk]) -> String {
        chunks.compactMap { if case .token(let t) = $0 { return t } else { return nil } }.joined()
    }

    @Test func streamsTokensAndUsageAndSendsTheConversation() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        let (chunks, error) = await collect(provider(server))
        #expect(error == nil)
        #expect(text(chunks) == server.reply)
        guard case .finished(let usage)? = chunks.last else { Issue.record("no usage at the end"); return }
        #expect(usage.promptTokens == 42 && !usage.estimated)
        let sent = try #require(server.requests.first)
        #expect(sent.head.uri == "/v1/chat/completions")
        #expect(sent.head.headers.first(name: "Authorization") == "Bearer \(Self.key)")
        #expect(sent.body.contains("\"stream\":true"))
        #expect(sent.body.contains("\"role\":\"system\""))
        #expect(!sent.body.contains("\"name\":\"林晓\""))
        #expect(sent.body.contains("\"name\":\"lin_xiao\""))
    }

    @Test func aServerThatIsNotRunningIsFoundOutAtOnce() async throws {
        let server = try LoopbackChatServer()
        let dead = provider(server, retries: 2)
        server.shutdown()
        let (chunks, error) = await collect(dead)
        // Found out by the quick connect (its own message), not by waiting out the request deadline.
        #expect(chunks.filter { if case .retrying = $0 { true } else { false } }.count == 2)
        #expect("\(error.map { "\($0)" } ?? "")".contains("nothing is listening at http://127.0.0.1:"))
    }

    @Test func aServerThatComesBackIsUsedAgain() async throws {
        let first = try LoopbackChatServer()
        let port = first.port
        var settings = ChatCompletionsProvider.Settings(model: "fake-model", baseURL: first.baseURL)
        settings.backoff = 0.3
        settings.maxRetries = 6
        first.shutdown()
        let provider = ChatCompletionsProvider(settings: settings)
        // The server comes back when the provider says it will retry (not after a fixed sleep, which loses the
        // race on a loaded machine): the retry must then find it.
        var revived: LoopbackChatServer?
        var chunks: [ModelChunk] = []
        var failure: (any Error)?
        do {
            for try await chunk in provider.stream(request) {
                chunks.append(chunk)
                if case .retrying = chunk, revived == nil {
                    revived = try LoopbackChatServer(port: port)
                }
            }
        } catch {
            failure = error
        }
        defer { revived?.shutdown() }
        try #require(revived != nil, "no retry was announced, or port \(port) was taken meanwhile: \(String(describing: failure))")
        #expect(failure == nil)
        #expect(text(chunks) == revived?.reply)
        #expect(chunks.contains { if case .retrying = $0 { true } else { false } })
    }

    @Test func missingUsageIsEstimatedAndMarked() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        server.queue(.noUsage)
        let (chunks, _) = await collect(provider(server))
        guard case .finished(let usage)? = chunks.last else { Issue.record("no usage"); return }
        #expect(usage.estimated)
    }

    @Test func rateLimitsAndServerErrorsAreRetriedHonouringRetryAfter() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        server.queue(.status(429, retryAfter: 1), .status(503, retryAfter: nil), .none)
        let started = Date()
        let (chunks, error) = await collect(provider(server))
        #expect(error == nil)
        #expect(text(chunks) == server.reply)
        let retries = chunks.compactMap { if case .retrying(let a, let r, let d) = $0 { return (a, r, d) } else { return nil } }
        #expect(retries.count == 2)
        #expect(retries.first?.2 == 1)
        #expect(retries.first?.1.contains("429") == true)
        #expect(Date().timeIntervalSince(started) >= 1)
        #expect(server.requestCount == 3)
    }

    @Test func giveUpAfterTheLastRetryWithTheReason() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        server.queue(.status(500, retryAfter: nil), .status(500, retryAfter: nil), .status(500, retryAfter: nil))
        let (_, error) = await collect(provider(server, retries: 2))
        #expect((error as? ModelError)?.description.contains("500") == true)
    }

    @Test func aJsonErrorBodyIsReportedNotRetried() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        server.queue(.jsonError(400, "model 'nope' does not exist"))
        let (_, error) = await collect(provider(server))
        #expect((error as? ModelError) == .http(status: 400, message: "model 'nope' does not exist"))
        #expect(server.requestCount == 1)
    }

    @Test func aReplyCutOffMidStreamIsAskedAgainFromTheStart() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        server.reply = "One two three four."
        server.queue(.resetMidStream)
        let (chunks, error) = await collect(provider(server))
        #expect(error == nil)
        // The first word streamed, then the server died; the retry is recorded and says the partial text went.
        let retry = chunks.firstIndex { if case .retrying(_, let reason, _) = $0 { reason.contains("partial reply is discarded") } else { false } }
        let firstToken = chunks.firstIndex { if case .token = $0 { true } else { false } }
        #expect(try #require(firstToken) < (try #require(retry)))
        // What came after the retry is the whole reply, once.
        #expect(text(Array(chunks[try #require(retry)...])) == "One two three four.")
        #expect(server.requestCount == 2)
    }

    @Test func aStreamEndingWithoutAFinishReasonIsRetried() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        server.queue(.cutOff(words: 0), .cutOff(words: 2), .none)
        let (chunks, error) = await collect(provider(server))
        #expect(error == nil)
        #expect(text(chunks).hasSuffix(server.reply))
        let reasons = chunks.compactMap { if case .retrying(_, let r, _) = $0 { r } else { nil } }
        #expect(reasons.count == 2)
        #expect(reasons.allSatisfy { $0.contains("without finishing it") })
        #expect(reasons[1].contains("part-way") && reasons[1].contains("discarded"))
    }

    @Test func retriesWaitARandomTimeUnderADoublingCeiling() {
        let p = ChatCompletionsProvider(settings: .init(model: "m", baseURL: "http://127.0.0.1:9/v1"))
        let delays = (0..<200).map { _ in p.retryDelay(after: .cutOff(hadText: false), attempt: 3) }
        // Backoff 0.5 s: the third retry waits between 0.4 and 4 s, spread out, not all the same.
        #expect(delays.allSatisfy { $0 >= 0.4 && $0 <= 4 })
        #expect(Set(delays.map { ($0 * 10).rounded() }).count > 10)
    }

    @Test func anEmptyBodyIsSaidPlainlyAndNotRetried() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        server.queue(.emptyBody)
        let (_, error) = await collect(provider(server))
        #expect((error as? ModelError) == .emptyBody)
        #expect("\(try #require(error))".contains("empty reply (HTTP 200, no body)"))
        #expect("\(try #require(error))".contains("context_tokens"))
        #expect(server.requestCount == 1)
    }

    @Test func pingsWithoutTokensRunIntoTheCallDeadline() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        server.queue(.pingsOnly(seconds: 30))
        var settings = ChatCompletionsProvider.Settings(model: "fake-model", baseURL: server.baseURL)
        settings.idleTimeout = 5
        settings.callTimeout = 0.6
        let (_, error) = await collect(ChatCompletionsProvider(settings: settings))
        #expect((error as? ModelError) == .deadline(seconds: 0.6))
        #expect(server.requestCount == 1)
    }

    @Test func requestsSayWhoIsCalling() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        _ = await collect(provider(server))
        #expect(server.requests.first?.head.headers.first(name: "User-Agent") == "palaver/\(PalaverVersion.current)")
    }

    @Test func malformedAndTruncatedChunksAreErrors() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        server.queue(.malformedChunk)
        let (_, malformed) = await collect(provider(server))
        #expect((malformed as? ModelError)?.description.contains("not JSON") == true)
        server.queue(.truncated, .truncated, .truncated, .truncated, .truncated)
        let (_, truncated) = await collect(provider(server, retries: 1))
        #expect(truncated != nil)
    }

    @Test func anEmptyReplyIsAnError() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        server.queue(.empty)
        let (_, error) = await collect(provider(server))
        #expect((error as? ModelError) == .empty)
    }

    @Test func aStalledStreamTimesOut() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        server.queue(.stall(seconds: 3), .none)
        let (chunks, error) = await collect(provider(server, idle: 0.5))
        // Nothing had streamed, so the timeout is retried and the second try succeeds.
        #expect(error == nil)
        #expect(chunks.contains { if case .retrying(_, let reason, _) = $0 { return reason.contains("timed out") } else { return false } })
    }

    @Test func errorsNeverContainTheKey() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        server.queue(.jsonError(401, "Incorrect API key provided: \(Self.key)"))
        let (_, error) = await collect(provider(server))
        let text = "\(try #require(error))"
        #expect(!text.contains(Self.key))
        #expect(text.contains("[redacted]"))
    }

    @Test func aStoppedCallEndsAtOnce() async throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        // The server would answer only after a minute: a call that ended with no text was stopped,
        // not answered (no clock is read, so a loaded machine cannot fail it).
        server.latency = 60
        let p = provider(server)
        let task = Task { await collect(p) }
        while server.requestCount == 0 { try await Task.sleep(nanoseconds: 10_000_000) }
        task.cancel()
        let (chunks, _) = await task.value
        #expect(text(chunks).isEmpty)
    }
}
