import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A Chat Completions server on 127.0.0.1 (random port) that streams a
/// reply, or misbehaves as asked: one fault per request, in order. For tests
/// and `palaver bench models`; it listens on loopback only.
public final class LoopbackChatServer: @unchecked Sendable {
    public enum Fault: Sendable {
        case none
        case status(Int, retryAfter: Int?)
        case jsonError(Int, String)
        case resetMidStream
        case malformedChunk
        case truncated
        case empty
        case stall(seconds: Double)
        case noUsage
        /// What llama-cpp-python sends for a reply it abandons for a newer request: a role chunk, maybe some text, `[DONE]`.
        case cutOff(words: Int)
        /// HTTP 200 and no body at all (llama.cpp when the prompt overflows its context window).
        case emptyBody
        /// SSE comment pings every 0.1 s for `seconds`, and never a token.
        case pingsOnly(seconds: Double)
        /// An error status with a plain-text (non-JSON) body.
        case plainError(Int, String)
        /// This reply instead of the usual one.
        case says(String)
    }

    let group: MultiThreadedEventLoopGroup
    private var channel: (any Channel)?
    private let lock = NSLock()
    private var faults: [Fault] = []
    private var recorded: [(head: HTTPRequestHead, body: String)] = []
    /// Whether to keep every request (tests look at them; benchmarks need not).
    public var keepsRequests = true
    public var reply = "Hello from the fake server."
    /// Seconds before the reply starts.
    public var latency: Double = 0

    public var port: Int { channel?.localAddress?.port ?? 0 }
    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    public var requests: [(head: HTTPRequestHead, body: String)] { lock.withLock { recorded } }

    public func queue(_ faults: Fault...) { lock.withLock { self.faults += faults } }
    func nextFault() -> Fault { lock.withLock { faults.isEmpty ? .none : faults.removeFirst() } }
    func record(_ head: HTTPRequestHead, _ body: String) {
        lock.withLock {
            count += 1
            if keepsRequests { recorded.append((head, body)) }
        }
    }
    private var count = 0
    public var requestCount: Int { lock.withLock { count } }
    private var active = 0
    private var peak = 0
    /// The most requests it was answering at the same moment.
    public var peakConcurrency: Int { lock.withLock { peak } }
    func begin() { lock.withLock { active += 1; peak = max(peak, active) } }
    func end() { lock.withLock { active -= 1 } }
    private var abandoned = 0
    /// Requests whose client hung up before the answer was complete.
    public var abandonedCount: Int { lock.withLock { abandoned } }
    func noteAbandoned() { lock.withLock { abandoned += 1 } }

    /// - Parameter port: 0 for any free port.
    public init(threads: Int = 1, port: Int = 0) throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(server: self))
                }
            }
        channel = try bootstrap.bind(host: "127.0.0.1", port: port).wait()
    }

    public func shutdown() {
        try? channel?.close().wait()
        try? group.syncShutdownGracefully()
    }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let server: LoopbackChatServer
        var head: HTTPRequestHead?
        var body = ""
        var answering = false

        init(server: LoopbackChatServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h): head = h; body = ""
            case .body(var buffer): body += buffer.readString(length: buffer.readableBytes) ?? ""
            case .end:
                guard let head else { return }
                server.record(head, body)
                if head.uri.hasSuffix("/models") {
                    let text = "{\"object\":\"list\",\"data\":[{\"id\":\"fake-model\"},{\"id\":\"other-model\"}]}"
                    let headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", "\(text.utf8.count)")])
                    context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                    write(context, text)
                    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                    return
                }
                server.begin()
                answering = true
                respond(context: context, fault: server.nextFault())
            }
        }

        /// A client that hangs up mid-answer cancelled its request.
        func channelInactive(context: ChannelHandlerContext) {
            if answering { server.noteAbandoned() }
            context.fireChannelInactive()
        }

        func finishAnswering() {
            answering = false
            server.end()
        }

        func write(_ context: ChannelHandlerContext, _ text: String) {
            var buffer = context.channel.allocator.buffer(capacity: text.utf8.count)
            buffer.writeString(text)
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }

        func chunk(_ content: String) -> String {
            let escaped = content.replacingOccurrences(of: "\"", with: "\\\"")
            return "data: {\"choices\":[{\"delta\":{\"content\":\"\(escaped)\"},\"finish_reason\":null}]}\n\n"
        }

        /// A keep-alive comment every 0.1 s until `until`, then the connection closes.
        func ping(_ context: ChannelHandlerContext, until: NIODeadline) {
            guard context.channel.isActive else { return }
            if NIODeadline.now() >= until { context.close(promise: nil); return }
            write(context, ": ping\n\n")
            context.eventLoop.scheduleTask(in: .milliseconds(100)) { self.ping(context, until: until) }
        }

        func respond(context: ChannelHandlerContext, fault: Fault) {
            let loop = context.eventLoop
            switch fault {
            case .status(let code, let retryAfter):
                var headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", "0")])
                if let retryAfter { headers.add(name: "Retry-After", value: "\(retryAfter)") }
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: code), headers: headers))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                finishAnswering()
                return
            case .emptyBody:
                let headers = HTTPHeaders([("Content-Type", "text/event-stream"), ("Content-Length", "0")])
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                finishAnswering()
                return
            case .plainError(let code, let text):
                let headers = HTTPHeaders([("Content-Type", "text/plain"), ("Content-Length", "\(text.utf8.count)")])
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: code), headers: headers))), promise: nil)
                write(context, text)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                finishAnswering()
                return
            case .jsonError(let code, let message):
                let text = "{\"error\":{\"message\":\"\(message)\",\"type\":\"invalid_request_error\"}}"
                let headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", "\(text.utf8.count)")])
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: code), headers: headers))), promise: nil)
                write(context, text)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                finishAnswering()
                return
            default:
                break
            }
            let headers = HTTPHeaders([("Content-Type", "text/event-stream"), ("Transfer-Encoding", "chunked")])
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            var replyText = server.reply
            if case .says(let text) = fault { replyText = text }
            let words = replyText.split(separator: " ").enumerated().map { $0.offset == 0 ? String($0.element) : " " + $0.element }
            let stopChunk = "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            let usage = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":42,\"completion_tokens\":\(words.count)}}\n\n"
            loop.scheduleTask(in: .milliseconds(Int64(server.latency * 1000))) {
                defer { self.finishAnswering() }
                switch fault {
                case .resetMidStream:
                    self.write(context, self.chunk(words[0]))
                    self.answering = false
                    context.close(promise: nil)
                    return
                case .malformedChunk:
                    self.write(context, self.chunk(words[0]))
                    self.write(context, "data: {\"choices\":[{\"delta\":{\"content\": broken\n\n")
                case .truncated:
                    self.write(context, "data: {\"choices\":[{\"del")
                    context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
                    return
                case .empty:
                    self.write(context, stopChunk)
                    self.write(context, "data: [DONE]\n\n")
                case .cutOff(let count):
                    self.write(context, "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"},\"finish_reason\":null}]}\n\n")
                    for word in words.prefix(count) { self.write(context, self.chunk(word)) }
                    self.write(context, "data: [DONE]\n\n")
                case .pingsOnly(let seconds):
                    self.ping(context, until: NIODeadline.now() + .milliseconds(Int64(seconds * 1000)))
                    return
                case .stall(let seconds):
                    loop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) {
                        self.answering = false
                        context.close(promise: nil)
                    }
                    return
                default:
                    for word in words { self.write(context, self.chunk(word)) }
                    self.write(context, stopChunk)
                    if case .noUsage = fault {} else { self.write(context, usage) }
                    self.write(context, "data: [DONE]\n\n")
                }
                context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
