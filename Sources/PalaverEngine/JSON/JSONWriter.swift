/// Writes JSON straight into a byte buffer. Sessions write hundreds of
/// thousands of events a second; a general-purpose encoder is far too slow
/// for that, and our shapes are fixed and flat.
public struct JSONWriter {
    public var bytes: [UInt8] = []
    private var needsComma = false

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// Empties the buffer for the next document, keeping its memory.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        needsComma = false
    }

    public mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma = false }
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma = true }
    public mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma = false }
    public mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma = true }

    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func key(_ name: String) {
        separate()
        appendString(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func string(_ value: String) { separate(); appendString(value); needsComma = true }

    /// A string known when the program was built (a type name, a fixed word): no String made for it.
    public mutating func string(static value: StaticString) {
        separate()
        value.withUTF8Buffer { appendQuoted($0) }
        needsComma = true
    }

    /// A string value already written as JSON, quotes included (see `quoted(_:)`): for names written
    /// again and again, escaped once.
    public mutating func string(encoded value: [UInt8]) {
        separate()
        bytes.append(contentsOf: value)
        needsComma = true
    }

    /// `value` as a JSON string, quotes included, for `string(encoded:)`.
    public static func quoted(_ value: String) -> [UInt8] {
        var writer = JSONWriter(capacity: value.utf8.count + 2)
        writer.appendString(value)
        return writer.bytes
    }

    /// Starts a new document after whatever `bytes` holds already (a writer handed another buffer to append to).
    public mutating func startDocument() { needsComma = false }

    public mutating func int<T: BinaryInteger>(_ value: T) {
        separate()
        appendInteger(value)
        needsComma = true
    }

    public mutating func bool(_ value: Bool) {
        separate()
        if value { appendASCII("true") } else { appendASCII("false") }
        needsComma = true
    }

    public mutating func null() { separate(); appendASCII("null"); needsComma = true }

    /// Writes a number with up to three decimals, exactly as given when it has fewer.
    public mutating func number(_ value: Double) {
        separate()
        bytes.appendJSON(room: JSONRawWriter.maxNumberBytes) { $0.number(value) }
        needsComma = true
    }

    /// A full-precision number, for values where three decimals would lose meaning.
    public mutating func exactNumber(_ value: Double) {
        separate()
        if value.isFinite { bytes.append(contentsOf: "\(value)".utf8) } else { appendASCII("null") }
        needsComma = true
    }

    /// Writes an ASCII literal as is (for the writer's own words, which need no escaping).
    private mutating func appendASCII(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func appendInteger<T: BinaryInteger>(_ value: T) {
        bytes.appendJSON(room: JSONRawWriter.maxIntegerBytes) { $0.integer(value) }
    }

    private mutating func appendString(_ value: String) {
        var value = value
        value.withUTF8 { appendQuoted($0) }
    }

    private mutating func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.appendJSON(room: JSONRawWriter.quotedCount(utf8)) { $0.quoted(utf8) }
    }
}
