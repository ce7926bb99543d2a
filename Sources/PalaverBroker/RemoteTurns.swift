import Foundation
import PalaverEngine

/// The engine's side of the work queue: sends each model turn as a persistent
/// turn request (publisher confirms; unconfirmed requests go again after a
/// reconnect) and reads the workers' replies from the run's reply queue, all on
/// one thread of its own. The engine's agents get `RemoteModel`s that wait on it.
public final class RemoteTurns: @unchecked Sendable {
    public let run: String
    let board = TurnBoard()
    private let offline: OfflineSettings
    private let lock = NSLock()
    private var outbox: [(id: String, body: [UInt8])] = []
    private var closing = false
    private let wake = WakePipe()
    private let log: @Sendable (String) -> Void
    #if Broker
    private var thread: Thread?
    #endif
    /// How long the runner waits for a worker's whole (scripted) reply before it streams the turn instead.
    public var patience = 10.0

    public init(url: BrokerURL, run: String, offline: OfflineSettings, report: @escaping @Sendable (BrokerStatus) -> Void,
                log: @escaping @Sendable (String) -> Void) throws {
        self.run = run
        self.offline = offline
        self.log = log
        #if Broker
        let first = try AMQPConnection(url: url)
        try RemoteTurns.declare(on: first, run: run)
        first.close()
        let board = self.board
        let loop = TurnLoop(url: url, run: run, owner: self) { status in
            if case .unreachable = status { board.reachable = false } else { board.reachable = true }
            report(status)
        }
        let thread = Thread { loop.run() }
        thread.name = "palaver-broker-turns"
        self.thread = thread
        thread.start()
        #else
        throw BrokerSupport.missing
        #endif
    }

    #if Broker
    static func declare(on connection: AMQPConnection, run: String) throws(AMQPFailure) {
        try BrokerQueues.declareShared(on: connection)
        try connection.declareQueue(BrokerNames.replies(run), arguments: BrokerQueues.runQueue)
    }
    #endif

    /// The provider for one agent: every call goes through the work queue.
    public func model(for agent: AgentSpec) -> any ModelProvider { RemoteModel(turns: self, label: agent.model) }

    public func close() {
        lock.lock()
        closing = true
        lock.unlock()
        wake.wake()
    }

    func send(_ request: ModelRequest, prefetched: Bool) -> String {
        let id = board.open(request, prefetched: prefetched)
        let body = TurnRequest(turnID: id, run: run, request: request, offline: offline).encoded()
        lock.lock()
        outbox.append((id, body))
        lock.unlock()
        wake.wake()
        return id
    }

    // The loop's side.
    fileprivate func takeOutbox() -> (items: [(id: String, body: [UInt8])], closing: Bool) {
        lock.lock()
        defer { lock.unlock() }
        let items = outbox
        outbox.removeAll()
        return (items, closing)
    }

    fileprivate func waitForWork(socket: Int32?, timeout: Double) { wake.wait(socket: socket, timeout: timeout) }
    fileprivate func note(_ line: String) { log(line) }
}

/// An agent's model when its turns are taken by workers.
struct RemoteModel: PrefetchingModelProvider, ScriptedModelProvider {
    let turns: RemoteTurns
    let label: String

    func prefetch(_ request: ModelRequest) { _ = turns.send(request, prefetched: true) }

    /// A worker's scripted (offline, recorded) reply, played by the runner on its own clock as in a local run.
    func script(for request: ModelRequest) -> ModelScript? { turns.board.script(for: request, patience: turns.patience) }

    func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelChunk, any Error> {
        let turns = self.turns
        let id = turns.board.claim(request)?.id ?? turns.send(request, prefetched: false)
        return AsyncThrowingStream { continuation in
            continuation.onTermination = { reason in
                if case .cancelled = reason { turns.board.forget(id) }
            }
            turns.board.attach(id, continuation)
        }
    }
}

#if Broker
/// The thread that owns the engine's connection for turns.
private final class TurnLoop: @unchecked Sendable {
    let runID: String
    let owner: RemoteTurns
    let keeper: ConnectionKeeper
    /// Sent but not yet confirmed, oldest first; all go again on a new connection.
    private var unconfirmed: [(id: String, body: [UInt8], sequence: UInt64)] = []
    private var generation = 0

    init(url: BrokerURL, run: String, owner: RemoteTurns, report: @escaping @Sendable (BrokerStatus) -> Void) {
        self.runID = run
        self.owner = owner
        keeper = ConnectionKeeper(url: url, report: report) { connection throws(AMQPFailure) in
            try RemoteTurns.declare(on: connection, run: run)
            try connection.selectConfirms()
            try connection.qos(prefetch: 1000)
            try connection.consume(queue: BrokerNames.replies(run))
        }
    }

    func run() {
        while true {
            if keeper.connection?.hasBufferedInput != true {
                owner.waitForWork(socket: keeper.connection?.socket, timeout: keeper.connection == nil ? max(0.01, keeper.secondsUntilRetry) : 1)
            }
            let (items, closing) = owner.takeOutbox()
            unconfirmed += items.map { ($0.id, $0.body, UInt64(0)) }
            if closing {
                keeper.close()
                return
            }
            guard let connection = keeper.current() else { continue }
            do throws(AMQPFailure) {
                if keeper.generation != generation {
                    generation = keeper.generation
                    for i in unconfirmed.indices { unconfirmed[i].sequence = 0 }
                }
                for i in unconfirmed.indices where unconfirmed[i].sequence == 0 {
                    unconfirmed[i].sequence = try connection.publish(
                        to: BrokerNames.turns, body: unconfirmed[i].body,
                        properties: AMQPMessageProperties(type: TurnRequest.messageType, correlationID: unconfirmed[i].id,
                                                          replyTo: BrokerNames.replies(runID)))
                }
                while let delivery = try connection.nextDelivery(timeout: 0) {
                    handle(delivery, on: connection)
                }
                unconfirmed.removeAll { $0.sequence != 0 && $0.sequence <= connection.confirmed && !connection.nacked.contains($0.sequence) }
            } catch {
                keeper.lost(error)
            }
        }
    }

    private func handle(_ delivery: AMQPDelivery, on connection: AMQPConnection) {
        do {
            guard delivery.type == TurnReply.messageType, let turn = delivery.correlationID,
                  case .string(let attempt)? = delivery.headers["palaver-attempt"] else {
                throw BrokerMessageError(reason: "not a Palaver reply (type \(delivery.type ?? "none"))")
            }
            let reply = try TurnReply(decoding: delivery.body)
            owner.board.receive(reply, turn: turn, attempt: attempt)
            try? connection.ack(delivery.deliveryTag)
        } catch {
            owner.note("rejected a message on \(BrokerNames.replies(runID)) (dead-lettered): \(error)")
            try? connection.reject(delivery.deliveryTag, requeue: false)
        }
    }
}
#endif
