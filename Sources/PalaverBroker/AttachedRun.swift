import Foundation
import PalaverEngine

/// A run on a broker as a workbench's event source and controls (`palaver attach`).
///
/// One thread of its own owns one connection: it reads the run's stream from
/// the first event (a late attach catches up), decodes each batch once (a batch
/// republished after the engine reconnected is known by its number) and hands
/// the events to the workbench; and it publishes the user's commands to the
/// run's command queue with confirms. When the link drops it reconnects with
/// backoff and goes on from the stream offset after the last one it read, so
/// no event is shown twice; meanwhile the screen keeps saying the broker is
/// unreachable. Commands typed meanwhile wait and go when it is back.
public final class AttachedRun: EventSource, Controls, @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let url: BrokerURL
    public let run: String
    /// Who the recording names for this workbench's commands.
    public let sender: String
    /// `--watch`: nothing typed here changes the run.
    public let readOnly: Bool

    private let lock = NSLock()
    // Guarded by `lock`: written by the broker thread, taken by the workbench's.
    private var pending: [Event] = []
    private var notices: [SourceNotice] = []
    private var wakeScreen: (@Sendable () -> Void)?
    private var agents: [String]?
    private var ended = false
    private var stopping = false
    private var loopDone = false
    private var outbox: [(id: String, body: [UInt8])] = []
    private var inFlight = 0
    private let wake = WakePipe()

    /// Checks that the run exists (failing fast when the broker cannot be reached); `start` begins reading.
    public init(url: BrokerURL, run: String, sender: String, readOnly: Bool) throws(Failure) {
        guard BrokerNames.isValidRun(run) else { throw Failure(description: "'\(run)' is not a run id (letters, digits, - _ . only)") }
        self.url = url
        self.run = run
        self.sender = CommandMessage.cleanSender(sender)
        self.readOnly = readOnly
        #if Broker
        do {
            let probe = try AMQPConnection(url: url)
            defer { probe.close() }
            do { _ = try probe.queueDepth(BrokerNames.events(run)) } catch { throw Failure(description: "no run '\(run)' on \(url) (palaver runs --broker \(url) lists them)") }
        } catch let error as Failure {
            throw error
        } catch {
            throw Failure(description: "\(error)")
        }
        #else
        throw Failure(description: BrokerSupport.missing.description)
        #endif
    }

    // MARK: EventSource

    public func start(wake: @escaping @Sendable () -> Void) {
        lock.withLock { wakeScreen = wake }
        #if Broker
        let loop = AttachLoop(owner: self)
        let thread = Thread { loop.run() }
        thread.name = "palaver-broker-attach"
        thread.start()
        #endif
    }

    public func take(now: Double) -> SourceUpdate {
        lock.withLock {
            defer {
                pending.removeAll(keepingCapacity: true)
                notices.removeAll()
            }
            return SourceUpdate(events: pending, notices: notices)
        }
    }

    /// Detaches: the run goes on. Commands not yet confirmed by the broker are given a few seconds to get there.
    public func stop() {
        lock.withLock { stopping = true }
        wake.wake()
    }

    public var isFinished: Bool { lock.withLock { loopDone } }

    /// True once the run's last event has been read and taken.
    public var runIsOver: Bool { lock.withLock { ended && pending.isEmpty } }

    // MARK: Controls

    public func perform(_ request: ControlRequest) -> ControlOutcome {
        guard case .command(let command) = request else {
            return .refused("that key moves through recordings: copy this run with palaver pull, then replay it")
        }
        return lock.withLock {
            if readOnly { return .refused("watching read-only (--watch): attach without it to \(command.name) the run") }
            if ended { return .refused("the run has ended: there is nothing left to \(command.name)") }
            guard let agents else { return .refused("still catching up with the run: try again in a moment") }
            let message = CommandMessage(id: UUID().uuidString, sender: sender, command: command)
            outbox.append((message.id, message.encoded(agents: agents)))
            inFlight += 1
            wake.wake()
            return .done
        }
    }

    // MARK: The loop's side

    fileprivate func deliver(_ events: [Event], roster: [String]?, last: Bool) {
        let wakeNow: (@Sendable () -> Void)? = lock.withLock {
            let wasEmpty = pending.isEmpty && notices.isEmpty
            pending += events
            if let roster { agents = roster }
            if last { ended = true }
            return wasEmpty && (!events.isEmpty || last) ? wakeScreen : nil
        }
        wakeNow?()
    }

    fileprivate func say(_ notice: SourceNotice) {
        let wakeNow = lock.withLock {
            notices.append(notice)
            return wakeScreen
        }
        wakeNow?()
    }

    fileprivate func takeOutbox() -> (items: [(id: String, body: [UInt8])], stopping: Bool, ended: Bool) {
        lock.withLock {
            defer { outbox.removeAll() }
            return (outbox, stopping, ended)
        }
    }

    fileprivate func confirmed(_ count: Int) {
        guard count > 0 else { return }
        lock.withLock { inFlight -= count }
    }

    fileprivate var commandsInFlight: Int { lock.withLock { inFlight } }

    fileprivate func finished() {
        let wakeNow = lock.withLock {
            loopDone = true
            return wakeScreen
        }
        wakeNow?()
    }

    fileprivate func waitForWork(socket: Int32?, timeout: Double) { wake.wait(socket: socket, timeout: timeout) }
}

#if Broker
/// The attach thread: reads the stream, publishes commands, reconnects.
private final class AttachLoop: @unchecked Sendable {
    let owner: AttachedRun
    private var keeper: ConnectionKeeper!
    /// Where a new connection starts reading: the first event, then just past the last one read.
    private var offset: AMQPValue = .string("first")
    private var seenBatch: Int64 = -1
    private var decoder = EventDecoder()
    private var badLines = 0
    private var unconfirmed: [(id: String, body: [UInt8], sequence: UInt64)] = []
    private var generation = 0
    private var unacked = 0
    private var lastTag: UInt64 = 0
    private var down = false
    private var lastSaid = 0.0
    /// While unreachable the notice is said again this often, so it stays on the status bar.
    static let repeatNotice = 3.0

    init(owner: AttachedRun) {
        self.owner = owner
        let run = owner.run
        keeper = ConnectionKeeper(url: owner.url, report: { [unowned self] status in self.report(status) }) { [unowned self] connection throws(AMQPFailure) in
            try connection.declareQueue(BrokerNames.commands(run), arguments: BrokerQueues.runQueue)
            try connection.selectConfirms()
            try connection.qos(prefetch: 500)
            try connection.consume(queue: BrokerNames.events(run), arguments: [("x-stream-offset", self.offset)])
        }
    }

    private func report(_ status: BrokerStatus) {
        if case .unreachable = status { down = true } else { down = false }
        lastSaid = MonotonicSeconds.now()
        owner.say(SourceNotice(status.description, isError: down))
    }

    func run() {
        var stoppingSince: Double?
        while true {
            let (items, stopping, ended) = owner.takeOutbox()
            unconfirmed += items.map { ($0.id, $0.body, UInt64(0)) }
            if stopping {
                let now = MonotonicSeconds.now()
                if stoppingSince == nil { stoppingSince = now }
                if unconfirmed.isEmpty || now - stoppingSince! > 5 { break }
            }
            if ended && unconfirmed.isEmpty && !stopping {
                // Nothing more will come: let the broker go, and wait to be told to stop.
                keeper.close()
                owner.waitForWork(socket: nil, timeout: 60)
                continue
            }
            guard let connection = keeper.current() else {
                if down, MonotonicSeconds.now() - lastSaid >= AttachLoop.repeatNotice {
                    lastSaid = MonotonicSeconds.now()
                    owner.say(SourceNotice(BrokerStatus.unreachable("waiting for \(owner.url)").description, isError: true))
                }
                owner.waitForWork(socket: nil, timeout: min(1, max(0.01, keeper.secondsUntilRetry)))
                continue
            }
            do throws(AMQPFailure) {
                if keeper.generation != generation {
                    generation = keeper.generation
                    unacked = 0
                    for i in unconfirmed.indices { unconfirmed[i].sequence = 0 }
                }
                for i in unconfirmed.indices where unconfirmed[i].sequence == 0 {
                    unconfirmed[i].sequence = try connection.publish(
                        to: BrokerNames.commands(owner.run), body: unconfirmed[i].body,
                        properties: AMQPMessageProperties(type: CommandMessage.messageType, correlationID: unconfirmed[i].id))
                }
                var taken = 0
                while taken < 256, let delivery = try connection.nextDelivery(timeout: 0) {
                    taken += 1
                    receive(delivery)
                    unacked += 1
                    lastTag = delivery.deliveryTag
                    if unacked >= 100 { try connection.ack(lastTag, multiple: true); unacked = 0 }
                }
                if unacked > 0 && !connection.hasBufferedInput { try connection.ack(lastTag, multiple: true); unacked = 0 }
                let before = unconfirmed.count
                unconfirmed.removeAll { $0.sequence != 0 && $0.sequence <= connection.confirmed && !connection.nacked.contains($0.sequence) }
                owner.confirmed(before - unconfirmed.count)
                if taken < 256 && !connection.hasBufferedInput {
                    owner.waitForWork(socket: connection.socket, timeout: stopping ? 0.05 : 1)
                }
            } catch {
                keeper.lost(error)
            }
        }
        keeper.close()
        owner.finished()
    }

    /// One batch of event lines from the stream.
    private func receive(_ delivery: AMQPDelivery) {
        if case .int(let at)? = delivery.headers["x-stream-offset"] { offset = .int(at + 1) }
        guard case .int(let number)? = delivery.headers["palaver-batch"], number > seenBatch else { return }
        seenBatch = number
        var events: [Event] = []
        var roster: [String]?
        delivery.body.withUnsafeBufferPointer { all in
            var start = 0
            while start < all.count {
                var end = start
                while end < all.count && all[end] != 0x0A { end += 1 }
                let line = UnsafeBufferPointer(rebasing: all[start..<end])
                start = end + 1
                guard !line.isEmpty, !AttachLoop.isHeader(line) else { continue }
                do {
                    let event = try decoder.decode(line)
                    if case .sessionStarted(let info) = event.body { roster = info.agents.map(\.id) }
                    events.append(event)
                } catch {
                    badLines += 1
                    if badLines <= 3 {
                        owner.say(SourceNotice("run \(owner.run): an event the stream holds is unreadable and was skipped: \(error)", isError: true))
                    }
                }
            }
        }
        owner.deliver(events, roster: roster, last: delivery.headers["palaver-last"] != nil)
    }

    /// The session header line, which the stream carries first so that it concatenates to a session file.
    static func isHeader(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        let prefix = Array(#"{"palaver":"#.utf8)
        return line.count >= prefix.count && zip(line, prefix).allSatisfy { $0 == $1 }
    }
}
#endif
