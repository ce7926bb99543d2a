import Foundation
import PalaverEngine

/// The engine's side of the command queue: a thread of its own reads the
/// commands attached workbenches send, checks each against the run's agents,
/// and posts it to the runner's inbox with its sender — so it takes effect at
/// the same points as a key pressed at the run's own screen, and is recorded
/// with who sent it. A command seen before (published again after a lost
/// confirm) is acknowledged and ignored; a malformed or foreign message is
/// dead-lettered and logged, and the run goes on.
public final class RemoteCommands: @unchecked Sendable {
    public let run: String
    private let lock = NSLock()
    private var closing = false
    private let wake = WakePipe()
    #if Broker
    private var thread: Thread?
    #endif

    /// Declares the queue (so commands sent before the engine listens wait in it); `listen` starts reading.
    public init(url: BrokerURL, run: String) throws {
        self.run = run
        #if Broker
        let first = try AMQPConnection(url: url)
        try RemoteCommands.declare(on: first, run: run)
        first.close()
        self.url = url
        #else
        throw BrokerSupport.missing
        #endif
    }

    #if Broker
    private let url: BrokerURL

    static func declare(on connection: AMQPConnection, run: String) throws(AMQPFailure) {
        try BrokerQueues.declareShared(on: connection)
        try connection.declareQueue(BrokerNames.commands(run), arguments: BrokerQueues.runQueue)
    }
    #endif

    /// Starts passing commands to `inbox`; `agents` are the run's agent ids in roster order.
    public func listen(inbox: Inbox, agents: [String], report: @escaping @Sendable (BrokerStatus) -> Void,
                       log: @escaping @Sendable (String) -> Void) {
        #if Broker
        let loop = CommandLoop(url: url, run: run, inbox: inbox, agents: agents, owner: self, report: report, log: log)
        let thread = Thread { loop.run() }
        thread.name = "palaver-broker-commands"
        self.thread = thread
        thread.start()
        #endif
    }

    public func close() {
        lock.withLock { closing = true }
        wake.wake()
    }

    fileprivate var isClosing: Bool { lock.withLock { closing } }
    fileprivate func waitForWork(socket: Int32?, timeout: Double) { wake.wait(socket: socket, timeout: timeout) }
}

#if Broker
private final class CommandLoop: @unchecked Sendable {
    let runID: String
    let inbox: Inbox
    let agents: [String]
    let owner: RemoteCommands
    let keeper: ConnectionKeeper
    let log: @Sendable (String) -> Void
    /// Ids of commands already applied, newest last (bounded: a duplicate comes soon after its first copy).
    private var seen: Set<String> = []
    private var seenOrder: [String] = []
    static let seenLimit = 10_000

    init(url: BrokerURL, run: String, inbox: Inbox, agents: [String], owner: RemoteCommands,
         report: @escaping @Sendable (BrokerStatus) -> Void, log: @escaping @Sendable (String) -> Void) {
        runID = run
        self.inbox = inbox
        self.agents = agents
        self.owner = owner
        self.log = log
        keeper = ConnectionKeeper(url: url, report: report) { connection throws(AMQPFailure) in
            try RemoteCommands.declare(on: connection, run: run)
            try connection.qos(prefetch: 100)
            try connection.consume(queue: BrokerNames.commands(run))
        }
    }

    func run() {
        while !owner.isClosing {
            if keeper.connection?.hasBufferedInput != true {
                owner.waitForWork(socket: keeper.connection?.socket, timeout: keeper.connection == nil ? max(0.01, keeper.secondsUntilRetry) : 1)
            }
            if owner.isClosing { break }
            guard let connection = keeper.current() else { continue }
            do throws(AMQPFailure) {
                while let delivery = try connection.nextDelivery(timeout: 0) {
                    // Acknowledged once posted: a command lost with the connection before this comes again (and is known by its id).
                    if handle(delivery) {
                        try connection.ack(delivery.deliveryTag)
                    } else {
                        try connection.reject(delivery.deliveryTag, requeue: false)
                    }
                }
            } catch {
                keeper.lost(error)
            }
        }
        keeper.close()
    }

    /// Posts the command (once per id); false when the message is not a command to keep.
    private func handle(_ delivery: AMQPDelivery) -> Bool {
        guard delivery.type == CommandMessage.messageType else {
            log("rejected a message on \(BrokerNames.commands(runID)) (dead-lettered): not a Palaver command (type \(delivery.type ?? "none"))")
            return false
        }
        let message: CommandMessage
        do {
            message = try CommandMessage(decoding: delivery.body, agents: agents)
        } catch {
            log("rejected a message on \(BrokerNames.commands(runID)) (dead-lettered): \(error)")
            return false
        }
        guard seen.insert(message.id).inserted else { return true }
        seenOrder.append(message.id)
        if seenOrder.count > CommandLoop.seenLimit {
            seen.remove(seenOrder.removeFirst())
        }
        inbox.post(message.command, from: message.sender)
        return true
    }
}
#endif
