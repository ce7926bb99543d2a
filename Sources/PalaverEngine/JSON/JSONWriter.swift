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
        if value.isFinite, abs(value) < 9e15 {
            let thousandths = (value * 1000).rounded()
            let whole = Int64(thousandths / 1000)
            var frac = Int64(abs(thousandths.truncatingRemainder(dividingBy: 1000)))
            if thousandths < 0 && whole == 0 { bytes.append(UInt8(ascii: "-")) }
            appendInteger(whole)
            if frac != 0 {
                var digits = 3
                while frac % 10 == 0 { frac /= 10; digits -= 1 }
                // ".d", ".dd" or ".ddd", most significant first, in one append (no scratch array).
                var text: (UInt8, UInt8, UInt8, UInt8) = (UInt8(ascii: "."), 0, 0, 0)
                withUnsafeMutableBytes(of: &text) { buf in
                    for i in stride(from: digits, through: 1, by: -1) { buf[i] = UInt8(ascii: "0") + UInt8(frac % 10); frac /= 10 }
                    bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[0...digits]))
                }
            }
        } else {
            appendASCII("null")
        }
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

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func appendInteger<T: BinaryInteger>(_ value: T) {
        if value == 0 { bytes.append(UInt8(ascii: "0")); return }
        var v = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        // Filled from the end, so the digits go over in one append.
        withUnsafeMutableBytes(of: &digits) { buf in
            var start = buf.count
            while v > 0 {
                start -= 1
                buf[start] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[start...]))
        }
    }

    private mutating func appendString(_ value: String) {
        var value = value
        value.withUTF8 { appendQuoted($0) }
    }

    private mutating func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings need no escape: one tight scan, then one copy.
        var plain = true
        for b in utf8 where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { plain = false; break }
        if plain {
            bytes.append(contentsOf: utf8)
        } else {
            var start = 0
            for i in 0..<utf8.count {
                let b = utf8[i]
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
                if start < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i])) }
                bytes.append(UInt8(ascii: "\\"))
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(b)
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    appendASCII("u00")
                    bytes.append(JSONWriter.hexDigit(b >> 4))
                    bytes.append(JSONWriter.hexDigit(b & 15))
                }
                start = i + 1
            }
            if start < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
