import Foundation
#if Broker
import CRabbitMQ
#endif
import PalaverEngine

/// An event sink that publishes a run's events, in order, to the run's stream
/// on the broker. The engine's thread only appends each event to a list under
/// a lock; the publisher's own thread takes the list every few milliseconds,
/// encodes it and publishes it as one message (a batch of whole lines, numbered),
/// and keeps it until the broker confirms it, republishing after a reconnect.
/// The first message is the session header, so the stream concatenated is a
/// session file. Readers drop a batch number they have seen (a republish).
public final class EventStreamPublisher: EventSink, @unchecked Sendable {
    public let run: String
    private let lock = NSCondition()
    private var header: [UInt8]?
    private var pending: [Event] = []
    /// The engine thread's batch in the making (touched by that thread only, so without the lock).
    private var staged: [Event] = []
    private var ended = false
    private var finished = false
    private var published = 0
    private let wake = WakePipe()
    #if Broker
    private var thread: Thread?
    #endif
    /// Batches of this many events go at once; smaller ones wait at most `latency`.
    static let batchEvents = 2048
    static let maxBatchEvents = 16384
    static let latency = 0.005

    /// Connects (failing fast when the broker cannot be reached at all), declares the stream and starts publishing.
    public init(url: BrokerURL, run: String, header: SessionHeader, scenario: String,
                report: @escaping @Sendable (BrokerStatus) -> Void) throws {
        self.run = run
        #if Broker
        let first = try AMQPConnection(url: url)
        try EventStreamPublisher.declare(on: first, run: run)
        first.close()
        self.header = header.line + [0x0A]
        let worker = PublisherLoop(url: url, run: run, scenario: scenario, report: report, owner: self)
        let thread = Thread {
            // The engine is the sequencer and comes first: on a saturated machine publishing falls behind
            // (events wait in memory, in order) and catches up, rather than slowing the run.
            _ = palaver_lower_thread_priority(10)
            worker.run()
        }
        thread.name = "palaver-broker-events"
        self.thread = thread
        thread.start()
        #else
        throw BrokerSupport.missing
        #endif
    }

    #if Broker
    static func declare(on connection: AMQPConnection, run: String) throws(AMQPFailure) {
        try connection.declareQueue(BrokerNames.events(run), arguments: [("x-queue-type", .string("stream"))])
        try connection.declareQueue(BrokerNames.runs, arguments: [("x-queue-type", .string("stream"))])
    }
    #endif

    /// Called on the engine's thread only: the event joins the step's batch, handed over at the step's end,
    /// when the engine waits, every `batchEvents` events, and at the session's end — one lock and one
    /// wake-up per batch, not per event.
    public func receive(_ event: Event) {
        staged.append(event)
        if case .sessionEnded = event.body {
            handOver(last: true)
        } else if staged.count >= EventStreamPublisher.batchEvents {
            handOver(last: false)
        }
    }

    public func stepEnded() { handOver(last: false) }
    public func idle() { handOver(last: false) }

    private func handOver(last: Bool) {
        guard !staged.isEmpty || last else { return }
        lock.lock()
        if pending.isEmpty {
            swap(&pending, &staged)
        } else {
            pending.append(contentsOf: staged)
            staged.removeAll(keepingCapacity: true)
        }
        if last { ended = true }
        lock.unlock()
        wake.wake()
    }

    /// Waits until every event is published and confirmed (or `timeout` passes); true when all are.
    @discardableResult
    public func finish(timeout: Double = 60) -> Bool {
        // The engine has stopped: whatever it staged goes too.
        handOver(last: true)
        let deadline = Date(timeIntervalSinceNow: timeout)
        lock.lock()
        defer { lock.unlock() }
        while !finished {
            if !lock.wait(until: deadline) { return false }
        }
        return true
    }

    /// Events handed to the broker and confirmed so far.
    public var eventsConfirmed: Int {
        lock.lock()
        defer { lock.unlock() }
        return published
    }

    // The loop's side: take what is buffered, and say when all is done.
    fileprivate func take() -> (header: [UInt8]?, events: [Event], last: Bool) {
        lock.lock()
        defer { lock.unlock() }
        let events: [Event]
        if pending.count <= EventStreamPublisher.maxBatchEvents {
            events = pending
            pending = []
            pending.reserveCapacity(min(events.count, EventStreamPublisher.batchEvents))
        } else {
            // Behind: publish in bounded messages, the rest next time round.
            events = Array(pending.prefix(EventStreamPublisher.maxBatchEvents))
            pending.removeFirst(EventStreamPublisher.maxBatchEvents)
        }
        let first = header
        header = nil
        return (first, events, ended && pending.isEmpty)
    }

    fileprivate func confirmed(events: Int, done: Bool) {
        lock.lock()
        published += events
        if done { finished = true }
        lock.broadcast()
        lock.unlock()
    }

    fileprivate func waitForWork(timeout: Double, socket: Int32?) {
        lock.lock()
        let behind = pending.count >= EventStreamPublisher.batchEvents
        lock.unlock()
        wake.wait(socket: socket, timeout: behind ? 0 : timeout)
    }
}

#if Broker
/// The publisher's thread: batches, publishes with confirms, reconnects, republishes.
private final class PublisherLoop: @unchecked Sendable {
    private struct Batch {
        let number: Int64
        let bytes: [UInt8]
        let events: Int
        let last: Bool
        var publishSequence: UInt64 = 0
    }

    let runID: String
    let scenario: String
    let keeper: ConnectionKeeper
    let owner: EventStreamPublisher
    private var unconfirmed: [Batch] = []
    private var nextNumber: Int64 = 0
    private var announced = false
    private var encoder = EventEncoder()
    /// At most this many batches wait for confirms; past that the loop waits (and events pile up in memory).
    static let window = 64

    init(url: BrokerURL, run: String, scenario: String, report: @escaping @Sendable (BrokerStatus) -> Void, owner: EventStreamPublisher) {
        self.runID = run
        self.scenario = scenario
        self.owner = owner
        keeper = ConnectionKeeper(url: url, report: report) { connection throws(AMQPFailure) in
            try EventStreamPublisher.declare(on: connection, run: run)
            try connection.selectConfirms()
        }
    }

    func run() {
        var sawLast = false
        while true {
            let socket = keeper.connection?.socket
            if keeper.connection?.hasBufferedInput != true {
                owner.waitForWork(timeout: keeper.connection == nil ? max(0.01, keeper.secondsUntilRetry) : EventStreamPublisher.latency, socket: socket)
            }
            if !sawLast {
                let (header, events, last) = owner.take()
                var bytes = header ?? []
                bytes.reserveCapacity(bytes.count + events.count * 96)
                for event in events {
                    encoder.encode(event, into: &bytes)
                    bytes.append(0x0A)
                }
                if !bytes.isEmpty || last {
                    unconfirmed.append(Batch(number: nextNumber, bytes: bytes, events: events.count, last: last))
                    nextNumber += 1
                }
                sawLast = last
            }
            guard let connection = keeper.current() else { continue }
            do throws(AMQPFailure) {
                if keeper.generation != announcedGeneration { try republishAll(on: connection) }
                try publishNew(on: connection)
                try collectConfirms(on: connection, blocking: unconfirmed.count > PublisherLoop.window)
                if sawLast && unconfirmed.isEmpty {
                    try announce("finished", on: connection)
                    _ = try connection.waitForConfirms(timeout: 10)
                    keeper.close()
                    owner.confirmed(events: 0, done: true)
                    return
                }
            } catch {
                keeper.lost(error)
            }
        }
    }

    private var announcedGeneration = 0

    /// After a (re)connect every unconfirmed batch goes again, in order; readers drop numbers they have.
    private func republishAll(on connection: AMQPConnection) throws(AMQPFailure) {
        announcedGeneration = keeper.generation
        if !announced {
            try announce("started", on: connection)
            announced = true
        }
        for i in unconfirmed.indices { unconfirmed[i].publishSequence = 0 }
    }

    private func publishNew(on connection: AMQPConnection) throws(AMQPFailure) {
        for i in unconfirmed.indices where unconfirmed[i].publishSequence == 0 {
            let batch = unconfirmed[i]
            var headers: [(String, AMQPValue)] = [("palaver-batch", .int(batch.number))]
            if batch.last { headers.append(("palaver-last", .int(1))) }
            unconfirmed[i].publishSequence = try connection.publish(
                to: BrokerNames.events(runID), body: batch.bytes,
                properties: AMQPMessageProperties(type: "palaver.events.v1", headers: headers))
        }
    }

    private func collectConfirms(on connection: AMQPConnection, blocking: Bool) throws(AMQPFailure) {
        repeat {
            _ = try connection.nextDelivery(timeout: blocking ? 0.05 : 0)
            var events = 0
            while let first = unconfirmed.first, first.publishSequence != 0, first.publishSequence <= connection.confirmed {
                if connection.nacked.contains(first.publishSequence) {
                    // The broker could not take it: publish it again.
                    unconfirmed[0].publishSequence = 0
                    break
                }
                events += first.events
                unconfirmed.removeFirst()
            }
            if events > 0 { owner.confirmed(events: events, done: false) }
        } while blocking && unconfirmed.count > PublisherLoop.window
    }

    private func announce(_ state: String, on connection: AMQPConnection) throws(AMQPFailure) {
        let record = RunRecord(run: runID, scenario: scenario, state: state, time: SessionHeader.now())
        try connection.publish(to: BrokerNames.runs, body: record.encoded(), properties: AMQPMessageProperties(type: RunRecord.messageType))
    }
}
#endif
