/// Splits a server-sent event stream into the `data:` payloads of its events,
/// however the bytes arrive in chunks. Comments and other fields are skipped.
public struct ServerSentEvents {
    private var buffer: [UInt8] = []
    private var data: [String] = []

    public init() {}

    /// Feeds bytes; returns the payloads of the events they completed.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [String] {
        buffer.append(contentsOf: bytes)
        var events: [String] = []
        while let newline = buffer.firstIndex(of: 0x0A) {
            var line = Array(buffer[..<newline])
            buffer.removeSubrange(...newline)
            if line.last == 0x0D { line.removeLast() }
            if line.isEmpty {
                // A blank line ends an event.
                if !data.isEmpty { events.append(data.joined(separator: "\n")) }
                data.removeAll()
                continue
            }
            let text = String(decoding: line, as: UTF8.self)
            if text.hasPrefix(":") { continue }
            if text.hasPrefix("data:") {
                var value = text.dropFirst(5)
                if value.first == " " { value = value.dropFirst() }
                data.append(String(value))
            }
        }
        return events
    }

    /// What is left when the stream ends: a last event without its blank line.
    public mutating func finish() -> [String] {
        var events = feed([0x0A])
        if !data.isEmpty { events.append(data.joined(separator: "\n")); data.removeAll() }
        return events
    }
}
