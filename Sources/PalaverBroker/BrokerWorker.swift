import Foundation
import PalaverEngine

/// `palaver worker`: takes turn requests from the shared work queue (competing
/// consumers, prefetch = concurrency), answers each with its model and sends the
/// reply to the requesting run, then acknowledges the request — only once the
/// broker has confirmed the reply, so a worker that dies at any point leaves the
/// request to be redelivered, never a turn without an answer. Stateless: any
/// number can run anywhere. Malformed or foreign requests are rejected
/// (dead-lettered to palaver.dead) and logged.
public final class BrokerWorker: @unchecked Sendable {
    public typealias ModelFactory = @Sendable (TurnRequest) throws -> any ModelProvider

    public let url: BrokerURL
    public let concurrency: Int
    /// Names this worker's attempts, so the engine can tell a dead attempt's late chunks from a live one's.
    public let workerID: String
    private let models: ModelFactory
    private let log: @Sendable (String) -> Void
    private let lock = NSLock()
    private var outbox: [Outgoing] = []
    private var stopping = false
    private let wake = WakePipe()
    /// Turns answered (acknowledged) so far.
    public private(set) var answered = 0
    /// A file touched every few seconds while the worker is connected: a liveness probe's heartbeat.
    public var aliveFile: String?

    struct Outgoing {
        let replyTo: String
        let turn: String
        let attempt: String
        let reply: TurnReply
        /// Set on a turn's last reply: acknowledge this delivery once the reply is confirmed.
        let finishes: (tag: UInt64, generation: Int)?
    }

    public init(url: BrokerURL, concurrency: Int, workerID: String = BrokerWorker.defaultID(),
                models: @escaping ModelFactory, log: @escaping @Sendable (String) -> Void) {
        self.url = url
        self.concurrency = max(1, concurrency)
        self.workerID = workerID
        self.models = models
        self.log = log
    }

    public static func defaultID() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
    }

    public func stop() {
        lock.lock()
        stopping = true
        lock.unlock()
        wake.wake()
    }

    /// Serves until `stop()`, on the calling thread (which must be a thread of its own).
    public func run(report: @escaping @Sendable (BrokerStatus) -> Void) throws {
        #if Broker
        // Fail fast on a broker that cannot be reached or refuses the login.
        try AMQPConnection(url: url).close()
        let loop = WorkerLoop(worker: self, report: report)
        loop.run()
        #else
        throw BrokerSupport.missing
        #endif
    }

    // The loop's side.
    fileprivate func post(_ outgoing: Outgoing) {
        lock.lock()
        outbox.append(outgoing)
        lock.unlock()
        wake.wake()
    }

    fileprivate func takeOutbox() -> (items: [Outgoing], stopping: Bool) {
        lock.lock()
        defer { lock.unlock() }
        let items = outbox
        outbox.removeAll()
        return (items, stopping)
    }

    fileprivate func waitForWork(socket: Int32?, timeout: Double) { wake.wait(socket: socket, timeout: timeout) }
    fileprivate func model(for request: TurnRequest) throws -> any ModelProvider { try models(request) }
    fileprivate func note(_ line: String) { log(line) }
    fileprivate func countAnswered() {
        lock.lock()
        answered += 1
        lock.unlock()
    }
}

#if Broker
/// The worker's thread: owns its connection, consumes requests, publishes replies, acknowledges.
private final class WorkerLoop: @unchecked Sendable {
    let worker: BrokerWorker
    let keeper: ConnectionKeeper
    /// Replies published but not yet confirmed, with the delivery each one finishes.
    private var awaitingConfirm: [(sequence: UInt64, tag: UInt64)] = []
    /// Live (streaming) calls in flight on this connection, cancelled if it is lost.
    private var calls: [UInt64: Task<Void, Never>] = [:]
    private var generation = 0
    private var lastAlive = 0.0

    init(worker: BrokerWorker, report: @escaping @Sendable (BrokerStatus) -> Void) {
        self.worker = worker
        let prefetch = UInt16(min(worker.concurrency, Int(UInt16.max)))
        keeper = ConnectionKeeper(url: worker.url, report: report) { connection throws(AMQPFailure) in
            try BrokerQueues.declareShared(on: connection)
            try connection.selectConfirms()
            try connection.qos(prefetch: prefetch)
            try connection.consume(queue: BrokerNames.turns)
        }
    }

    func run() {
        while true {
            if keeper.connection?.hasBufferedInput != true {
                worker.waitForWork(socket: keeper.connection?.socket, timeout: keeper.connection == nil ? max(0.01, keeper.secondsUntilRetry) : 1)
            }
            let (items, stopping) = worker.takeOutbox()
            if stopping {
                for task in calls.values { task.cancel() }
                keeper.close()
                return
            }
            guard let connection = keeper.current() else { continue }
            touchAliveFile()
            if keeper.generation != generation {
                // A new connection: requests held on the old one are redelivered, so their calls stop.
                generation = keeper.generation
                for task in calls.values { task.cancel() }
                calls.removeAll()
                awaitingConfirm.removeAll()
            }
            do throws(AMQPFailure) {
                for item in items {
                    if let finishes = item.finishes, finishes.generation != generation { continue }
                    let sequence = try publish(item, on: connection)
                    if let finishes = item.finishes {
                        calls[finishes.tag] = nil
                        awaitingConfirm.append((sequence, finishes.tag))
                    }
                }
                while let delivery = try connection.nextDelivery(timeout: 0) {
                    try take(delivery, on: connection)
                }
                while let first = awaitingConfirm.first, first.sequence <= connection.confirmed {
                    try connection.ack(first.tag)
                    awaitingConfirm.removeFirst()
                    worker.countAnswered()
                }
            } catch {
                keeper.lost(error)
            }
        }
    }

    private func touchAliveFile() {
        guard let path = worker.aliveFile, MonotonicSeconds.now() - lastAlive >= 5 else { return }
        lastAlive = MonotonicSeconds.now()
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        futimens(fd, nil)
        close(fd)
    }

    @discardableResult
    private func publish(_ item: BrokerWorker.Outgoing, on connection: AMQPConnection) throws(AMQPFailure) -> UInt64 {
        let final: Bool
        switch item.reply {
        case .chunk(.token), .chunk(.retrying): final = false
        default: final = true
        }
        return try connection.publish(
            to: item.replyTo, body: item.reply.encoded(),
            properties: AMQPMessageProperties(type: TurnReply.messageType, correlationID: item.turn, persistent: final,
                                              headers: [("palaver-attempt", .string(item.attempt))]))
    }

    private func take(_ delivery: AMQPDelivery, on connection: AMQPConnection) throws(AMQPFailure) {
        let request: TurnRequest
        do {
            guard delivery.type == TurnRequest.messageType else {
                throw BrokerMessageError(reason: "not a Palaver turn request (type \(delivery.type ?? "none"))")
            }
            request = try TurnRequest(decoding: delivery.body)
            guard BrokerNames.isValidRun(request.run), delivery.replyTo == BrokerNames.replies(request.run) else {
                throw BrokerMessageError(reason: "its reply queue is not its run's")
            }
        } catch {
            worker.note("rejected a message on \(BrokerNames.turns) (dead-lettered): \(error)")
            try connection.reject(delivery.deliveryTag, requeue: false)
            return
        }
        let attempt = "\(worker.workerID).\(generation).\(delivery.deliveryTag)"
        let replyTo = BrokerNames.replies(request.run)
        let finishes = (tag: delivery.deliveryTag, generation: generation)
        let provider: any ModelProvider
        do {
            provider = try worker.model(for: request)
        } catch {
            worker.post(.init(replyTo: replyTo, turn: request.turnID, attempt: attempt, reply: .failed("\(error)"), finishes: finishes))
            return
        }
        if let scripted = provider as? any ScriptedModelProvider, let script = scripted.script(for: request.request) {
            worker.post(.init(replyTo: replyTo, turn: request.turnID, attempt: attempt, reply: .script(script), finishes: finishes))
            return
        }
        let worker = self.worker
        let model = request.request
        let turn = request.turnID
        calls[delivery.deliveryTag] = Task {
            do {
                for try await chunk in provider.stream(model) {
                    let last: Bool
                    if case .finished = chunk { last = true } else { last = false }
                    worker.post(.init(replyTo: replyTo, turn: turn, attempt: attempt, reply: .chunk(chunk), finishes: last ? finishes : nil))
                    if last { return }
                }
                worker.post(.init(replyTo: replyTo, turn: turn, attempt: attempt, reply: .failed("the model ended without finishing"), finishes: finishes))
            } catch is CancellationError {
            } catch {
                worker.post(.init(replyTo: replyTo, turn: turn, attempt: attempt, reply: .failed("\(error)"), finishes: finishes))
            }
        }
    }
}
#endif
