#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Takes a session file's lines as the writer flushes them: the same bytes
/// go elsewhere (the broker's event stream) without encoding every event twice.
public protocol EncodedLinesSink: AnyObject, Sendable {
    /// `lines` holds whole lines, `events` of them; the receiver may keep the buffer by swapping in
    /// another (empty) one. `last`: the session's end is among them.
    func receive(lines: inout [UInt8], events: Int, last: Bool)
}

/// Appends events to a session file as JSON Lines. It flushes at every step
/// end and at least every 100 ms, and writes whole lines only, so a process
/// killed at any moment leaves a file whose every complete line is valid.
public final class SessionWriter: EventSink {
    public let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var encoder = EventEncoder()
    private var lastFlush: Double
    private var closed = false
    /// The first write error, if any; later events are not written.
    public private(set) var failure: SessionError?
    public private(set) var eventsWritten = 0
    /// Gets every line after the header, as flushed (and even once the file cannot be written).
    /// Set before the first event; with one set, the writer also flushes whenever the engine waits.
    public var linesSink: (any EncodedLinesSink)?
    private var eventsBuffered = 0
    private var endBuffered = false
    public static let flushInterval = 0.1

    public init(path: String, header: SessionHeader = SessionHeader()) throws(SessionError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SessionError(path: path, reason: .cannotOpen(String(cString: strerror(errno)))) }
        lastFlush = MonotonicClock.coarseSeconds()
        buffer.reserveCapacity(1 << 18)
        buffer.append(contentsOf: header.line)
        buffer.append(0x0A)
        flush()
        if let failure { throw failure }
    }

    deinit { close() }

    public func receive(_ event: Event) {
        guard failure == nil || linesSink != nil, !closed else { return }
        encoder.encode(event, into: &buffer)
        buffer.append(0x0A)
        eventsWritten += 1
        if linesSink != nil {
            eventsBuffered += 1
            if case .sessionEnded = event.body { endBuffered = true }
        }
        if buffer.count >= 1 << 18 || MonotonicClock.coarseSeconds() - lastFlush >= SessionWriter.flushInterval {
            flush()
        }
    }

    public func stepEnded() { flush() }

    /// Those who follow the lines see what happened before the engine waits (a file alone waits for its 100 ms).
    public func idle() { if linesSink != nil { flush() } }

    public var hasPendingData: Bool { !buffer.isEmpty }

    /// Writes what is buffered when the last flush is 100 ms old or more.
    public func flushIfDue() {
        if !buffer.isEmpty, MonotonicClock.coarseSeconds() - lastFlush >= SessionWriter.flushInterval { flush() }
    }

    public func flush() {
        lastFlush = MonotonicClock.coarseSeconds()
        guard !buffer.isEmpty, failure == nil || linesSink != nil else { return }
        var written = 0
        if failure == nil { buffer.withUnsafeBytes { raw in
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = SessionError(path: path, reason: .cannotWrite(String(cString: strerror(errno))))
                    return
                }
                written += n
            }
        } }
        if let linesSink {
            linesSink.receive(lines: &buffer, events: eventsBuffered, last: endBuffered)
            eventsBuffered = 0
            endBuffered = false
            if buffer.capacity < 1 << 16 { buffer.reserveCapacity(1 << 18) }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    public func close() {
        guard !closed else { return }
        flush()
        closed = true
        _ = Glibc.close(fd)
    }
}
