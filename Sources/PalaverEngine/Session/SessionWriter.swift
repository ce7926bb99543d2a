#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        guard failure == nil, !closed else { return }
        encoder.encode(event, into: &buffer)
        buffer.append(0x0A)
        eventsWritten += 1
        if buffer.count >= 1 << 18 || MonotonicClock.coarseSeconds() - lastFlush >= SessionWriter.flushInterval {
            flush()
        }
    }

    public func stepEnded() { flush() }

    public var hasPendingData: Bool { !buffer.isEmpty }

    /// Writes what is buffered when the last flush is 100 ms old or more.
    public func flushIfDue() {
        if !buffer.isEmpty, MonotonicClock.coarseSeconds() - lastFlush >= SessionWriter.flushInterval { flush() }
    }

    public func flush() {
        lastFlush = MonotonicClock.coarseSeconds()
        guard !buffer.isEmpty, failure == nil else { return }
        var written = 0
        buffer.withUnsafeBytes { raw in
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = SessionError(path: path, reason: .cannotWrite(String(cString: strerror(errno))))
                    return
                }
                written += n
            }
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
