/// Splits a server-sent event stream into the `data:` payloads of its events,
/// however the bytes arrive in chunks. Comments and other fields are skipped.
/// A server is untrusted: each byte is looked at once (a chunk of many lines
/// costs its length, not its length times its lines), and a line longer than
/// `maxLineLength` is dropped rather than held, so a stream that never ends a
/// line cannot fill memory.
public struct ServerSentEvents {
    public static let maxLineLength = 8 << 20
    private var buffer: [UInt8] = []
    /// Where in `buffer` the search for the next newline resumes.
    private var scanned = 0
    /// Inside a line that was too long: skip to its end.
    private var skipping = false
    private var data: [String] = []
    /// Lines dropped for being longer than `maxLineLength`.
    public private(set) var droppedLines = 0
    public var bufferedBytes: Int { buffer.count }

    public init() {}

    /// Feeds bytes; returns the payloads of the events they completed.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [String] {
        buffer.append(contentsOf: bytes)
        var events: [String] = []
        var lineStart = 0
        while let newline = buffer[scanned...].firstIndex(of: 0x0A) {
            if skipping || newline - lineStart > Self.maxLineLength {
                if !skipping { droppedLines += 1 }
                skipping = false
            } else {
                line(buffer[lineStart..<newline], into: &events)
            }
            lineStart = newline + 1
            scanned = lineStart
        }
        buffer.removeSubrange(..<lineStart)
        scanned = buffer.count
        if buffer.count > Self.maxLineLength {
            if !skipping { droppedLines += 1 }
            skipping = true
            buffer.removeAll(keepingCapacity: false)
            scanned = 0
        }
        return events
    }

    private mutating func line(_ bytes: ArraySlice<UInt8>, into events: inout [String]) {
        var line = bytes
        if line.last == 0x0D { line.removeLast() }
        if line.isEmpty {
            // A blank line ends an event.
            if !data.isEmpty { events.append(data.joined(separator: "\n")) }
            data.removeAll()
            return
        }
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix(":") { return }
        if text.hasPrefix("data:") {
            var value = text.dropFirst(5)
            if value.first == " " { value = value.dropFirst() }
            data.append(String(value))
        }
    }

    /// What is left when the stream ends: a last event without its blank line.
    public mutating func finish() -> [String] {
        var events = feed([0x0A])
        if !data.isEmpty { events.append(data.joined(separator: "\n")); data.removeAll() }
        return events
    }
}
