import Foundation
#if Broker
import CRabbitMQ
#endif
import PalaverEngine

/// An event sink that publishes a run's events, in order, to the run's stream
/// on the broker. The engine's thread only copies each event into a buffer of
/// its own (`StagedEvents`: packed bytes, no reference counting) and, once per
/// step (or per `batchEvents` events), moves that whole buffer to the publisher
/// under a lock and takes back an emptied one: no per-event lock, hop,
/// allocation or encoding on the engine's thread. A run
/// that records a session file hands over the file's lines instead (as an
/// `EncodedLinesSink` of the session writer), so each event is encoded once.
/// The publisher's own thread encodes the buffers as JSON lines, publishes them as
/// numbered messages (batches of whole lines) and keeps each until the broker
/// confirms it, republishing after a reconnect. The first message is the
/// session header, so the stream concatenated is a session file. Readers drop
/// a batch number they have seen (a republish).
public final class EventStreamPublisher: EventSink, EncodedLinesSink, @unchecked Sendable {
    /// What the engine's thread hands over: events to encode, or lines the session writer encoded.
    fileprivate enum Chunk {
        case events(StagedEvents)
        case lines([UInt8], events: Int)
        var count: Int {
            switch self {
            case .events(let events): events.count
            case .lines(_, let events): events
            }
        }
    }

    public let run: String
    private let lock = NSCondition()
    private var header: [UInt8]?
    /// Buffers handed over by the engine, oldest first (under the lock).
    private var full: [Chunk] = []
    /// Emptied buffers (capacity kept) for the engine to fill again (under the lock).
    private var spare: [StagedEvents] = []
    private var spareLines: [[UInt8]] = []
    /// The engine hands over events (not the session writer's lines), so it wants spare event buffers (under the lock).
    private var handsOverEvents = false
    /// The publisher's thread sleeps and wants a wake-up for the next hand-over (under the lock).
    private var sleeping = false
    /// The engine thread's buffer in the making (touched by that thread only, so without the lock,
    /// and without the run-time exclusivity check a class's property costs on every event).
    @exclusivity(unchecked) private var staged: StagedEvents {
        didSet { stagedRef = Unmanaged.passUnretained(staged) }
    }
    /// The same buffer, unretained: `staged` keeps it alive, and calling through this takes no retain and
    /// release per event.
    @exclusivity(unchecked) private var stagedRef: Unmanaged<StagedEvents>
    private var ended = false
    private var finished = false
    private var published = 0
    /// Events handed over by the engine so far (under the lock).
    private var handed = 0
    private var publisherCPU = 0.0
    private let wake = WakePipe()
    #if Broker
    private var thread: Thread?
    #endif
    /// A buffer goes over when it holds this many events (or the step ends, or the engine waits).
    static let batchEvents = 2048
    /// At most this many events go in one message (and are encoded in one round of the publisher's loop,
    /// which gives the engine its spare buffers between rounds).
    static let maxBatchEvents = 8192
    /// Emptied buffers kept for reuse (more are freed): enough for the engine to fill while the
    /// publisher encodes a message's worth, so it seldom has to make one itself.
    static let spareBuffers = 32
    static let latency = 0.005

    /// Connects (failing fast when the broker cannot be reached at all), declares the stream and starts publishing.
    public init(url: BrokerURL, run: String, header: SessionHeader, scenario: String,
                report: @escaping @Sendable (BrokerStatus) -> Void) throws {
        self.run = run
        let buffer = StagedEvents(capacity: EventStreamPublisher.batchEvents)
        staged = buffer
        stagedRef = Unmanaged.passUnretained(buffer)
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

    /// Called on the engine's thread only: the event joins the buffer in the making, handed over at the
    /// step's end, when the engine waits, every `batchEvents` events, and at the session's end.
    public func receive(_ event: Event) {
        let (ends, count) = stagedRef._withUnsafeGuaranteedRef { ($0.append(event), $0.count) }
        if ends {
            handOver(last: true)
        } else if count >= EventStreamPublisher.batchEvents {
            handOver(last: false)
        }
    }

    public func stepEnded() { handOver(last: false) }
    public func idle() { handOver(last: false) }

    /// Moves the engine's buffer to the publisher (no copy) and takes an emptied one back.
    private func handOver(last: Bool) {
        guard !staged.isEmpty || last else { return }
        lock.lock()
        if !staged.isEmpty {
            handsOverEvents = true
            handed += staged.count
            full.append(.events(staged))
            staged = spare.popLast() ?? StagedEvents(capacity: EventStreamPublisher.batchEvents)
        }
        if last { ended = true }
        let asleep = sleeping
        sleeping = false
        lock.unlock()
        if asleep || last { wake.wake() }
    }

    /// Called on the engine's thread by the session writer as it flushes: its buffer of lines changes
    /// hands (no copy) for an emptied one. Use this or `receive(_:)`, not both.
    public func receive(lines: inout [UInt8], events: Int, last: Bool) {
        guard !lines.isEmpty || last else { return }
        lock.lock()
        if !lines.isEmpty {
            handed += events
            full.append(.lines(lines, events: events))
            lines = spareLines.popLast() ?? []
        }
        if last { ended = true }
        let asleep = sleeping
        sleeping = false
        lock.unlock()
        if asleep || last { wake.wake() }
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

    /// Waits until every event handed over so far is confirmed by the broker (or `timeout` passes); true when
    /// all are. The engine's buffer in the making is not handed over by this: call `idle()` first.
    @discardableResult
    public func waitUntilConfirmed(timeout: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        lock.lock()
        defer { lock.unlock() }
        while published < handed {
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

    /// Processor time the publisher's thread has used (encoding, publishing, confirms), as of its last batch.
    public var publisherThreadCPUSeconds: Double {
        lock.lock()
        defer { lock.unlock() }
        return publisherCPU
    }

    // The loop's side: take the buffers handed over, give back emptied ones, say when all is done.
    /// `missingSpares`: how many emptied buffers the engine lacks, which the loop makes (and touches) for next time.
    fileprivate func take(into queue: inout [Chunk], returning emptied: inout [StagedEvents], _ emptiedLines: inout [[UInt8]]) -> (header: [UInt8]?, ended: Bool, missingSpares: Int) {
        lock.lock()
        defer { lock.unlock() }
        if queue.isEmpty {
            swap(&queue, &full)
        } else {
            queue.append(contentsOf: full)
            full.removeAll(keepingCapacity: true)
        }
        while spare.count < EventStreamPublisher.spareBuffers, let buffer = emptied.popLast() { spare.append(buffer) }
        emptied.removeAll()
        while spareLines.count < EventStreamPublisher.spareBuffers, let buffer = emptiedLines.popLast() { spareLines.append(buffer) }
        emptiedLines.removeAll()
        let first = header
        header = nil
        return (first, ended, handsOverEvents ? EventStreamPublisher.spareBuffers - spare.count : 0)
    }

    fileprivate func addSpares(_ buffers: [StagedEvents]) {
        lock.lock()
        spare.append(contentsOf: buffers)
        lock.unlock()
    }

    fileprivate func confirmed(events: Int, done: Bool, cpu: Double) {
        lock.lock()
        published += events
        publisherCPU = cpu
        if done { finished = true }
        lock.broadcast()
        lock.unlock()
    }

    /// Sleeps until the engine hands something over, the socket has input, or `timeout` passes.
    fileprivate func waitForWork(timeout: Double, socket: Int32?, takingEvents: Bool) {
        lock.lock()
        if takingEvents && (!full.isEmpty || ended) { lock.unlock(); return }
        sleeping = true
        lock.unlock()
        wake.wait(socket: socket, timeout: timeout)
        lock.lock()
        sleeping = false
        lock.unlock()
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
        var queue: [EventStreamPublisher.Chunk] = []
        var emptied: [StagedEvents] = []
        var emptiedLines: [[UInt8]] = []
        var ended = false
        while true {
            let socket = keeper.connection?.socket
            if queue.isEmpty, keeper.connection?.hasBufferedInput != true {
                owner.waitForWork(timeout: keeper.connection == nil ? max(0.01, keeper.secondsUntilRetry) : EventStreamPublisher.latency,
                                  socket: socket, takingEvents: !sawLast)
            }
            if !sawLast {
                let (header, endedNow, missingSpares) = owner.take(into: &queue, returning: &emptied, &emptiedLines)
                ended = endedNow
                if missingSpares > 0, !ended {
                    // Buffers the engine lacks are made, and their pages touched, here and handed over at once:
                    // so when the publisher falls behind, the engine's thread takes no page fault for new memory.
                    owner.addSpares((0..<missingSpares).map { _ in
                        let buffer = StagedEvents(capacity: EventStreamPublisher.batchEvents)
                        buffer.touchMemory()
                        return buffer
                    })
                }
                // Whole buffers, up to `maxBatchEvents` events per message; the rest next time round.
                var events = 0
                var used = 0
                while used < queue.count, events == 0 || events + queue[used].count <= EventStreamPublisher.maxBatchEvents {
                    events += queue[used].count
                    used += 1
                }
                var bytes = header ?? []
                bytes.reserveCapacity(bytes.count + events * 112)
                for i in 0..<used {
                    switch queue[i] {
                    case .events(let buffer):
                        buffer.forEach { event in
                            encoder.encode(event, into: &bytes)
                            bytes.append(0x0A)
                        }
                        // Emptied here, so the events' memory is let go of on this thread, not the engine's.
                        queue[i] = .lines([], events: 0)
                        buffer.removeAll()
                        emptied.append(buffer)
                    case .lines(var lines, _):
                        bytes.append(contentsOf: lines)
                        queue[i] = .lines([], events: 0)
                        lines.removeAll(keepingCapacity: true)
                        emptiedLines.append(lines)
                    }
                }
                queue.removeFirst(used)
                let last = ended && queue.isEmpty
                if !bytes.isEmpty || last {
                    unconfirmed.append(Batch(number: nextNumber, bytes: bytes, events: events, last: last))
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
                    owner.confirmed(events: 0, done: true, cpu: MonotonicClock.threadCPUSeconds())
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
            if events > 0 { owner.confirmed(events: events, done: false, cpu: MonotonicClock.threadCPUSeconds()) }
        } while blocking && unconfirmed.count > PublisherLoop.window
    }

    private func announce(_ state: String, on connection: AMQPConnection) throws(AMQPFailure) {
        let record = RunRecord(run: runID, scenario: scenario, state: state, time: SessionHeader.now())
        try connection.publish(to: BrokerNames.runs, body: record.encoded(), properties: AMQPMessageProperties(type: RunRecord.messageType))
    }
}
#endif
