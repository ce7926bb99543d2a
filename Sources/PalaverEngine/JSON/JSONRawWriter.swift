/// Writes JSON pieces into memory the caller has made room for, with no bounds or uniqueness check per
/// byte. `JSONWriter` formats its numbers and strings with it, and the event encoder writes whole lines
/// of its common events with it, so both write the same bytes.
struct JSONRawWriter {
    let base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0

    init(_ base: UnsafeMutablePointer<UInt8>) { self.base = base }

    /// The most an integer takes: a sign and 20 digits.
    static let maxIntegerBytes = 21
    /// The most `number(_:)` takes: a sign, 16 digits, a point and 3 decimals.
    static let maxNumberBytes = 24

    /// The bytes `quoted(_:)` writes for these UTF-8 bytes.
    static func quotedCount(_ utf8: UnsafeBufferPointer<UInt8>) -> Int {
        var extra = 0
        for b in utf8 where needsEscape(b) {
            extra += b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b == 0x0A || b == 0x0D || b == 0x09 ? 1 : 5
        }
        return utf8.count + extra + 2
    }

    /// The most `quoted(_:)` writes for a string of `count` UTF-8 bytes (every byte escaped as \u00XX).
    static func maxQuotedBytes(_ count: Int) -> Int { 6 * count + 2 }

    @inline(__always) static func needsEscape(_ b: UInt8) -> Bool {
        b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\")
    }

    mutating func byte(_ b: UInt8) {
        base[count] = b
        count += 1
    }

    mutating func bytes(_ source: UnsafeBufferPointer<UInt8>) {
        guard let start = source.baseAddress, !source.isEmpty else { return }
        (base + count).update(from: start, count: source.count)
        count += source.count
    }

    mutating func bytes(_ source: [UInt8]) { source.withUnsafeBufferPointer { bytes($0) } }

    /// Text known when the program was built: a key, a fixed word, JSON punctuation.
    mutating func ascii(_ text: StaticString) { text.withUTF8Buffer { bytes($0) } }

    mutating func integer<T: BinaryInteger>(_ value: T) {
        if value == 0 { byte(UInt8(ascii: "0")); return }
        var v = value.magnitude
        if value < 0 { byte(UInt8(ascii: "-")) }
        // Least significant first, then turned round in place.
        var low = count
        while v > 0 {
            base[count] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
            count += 1
        }
        var high = count - 1
        while low < high {
            (base[low], base[high]) = (base[high], base[low])
            low += 1
            high -= 1
        }
    }

    /// A number with up to three decimals, exactly as given when it has fewer; `null` when not finite
    /// (or too large to write so).
    mutating func number(_ value: Double) {
        guard value.isFinite, abs(value) < 9e15 else { ascii("null"); return }
        let thousandths = (value * 1000).rounded()
        let whole = Int64(thousandths / 1000)
        var fraction = Int64(abs(thousandths.truncatingRemainder(dividingBy: 1000)))
        if thousandths < 0 && whole == 0 { byte(UInt8(ascii: "-")) }
        integer(whole)
        guard fraction != 0 else { return }
        var digits = 3
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        byte(UInt8(ascii: "."))
        for i in stride(from: digits - 1, through: 0, by: -1) {
            base[count + i] = UInt8(ascii: "0") + UInt8(fraction % 10)
            fraction /= 10
        }
        count += digits
    }

    /// The bytes as a JSON string, quotes included: `"`, `\` and control characters escaped.
    mutating func quoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        byte(UInt8(ascii: "\""))
        // Most strings need no escape: one tight scan, then one copy.
        var plain = true
        for b in utf8 where JSONRawWriter.needsEscape(b) { plain = false; break }
        if plain {
            bytes(utf8)
        } else {
            for b in utf8 {
                guard JSONRawWriter.needsEscape(b) else { byte(b); continue }
                byte(UInt8(ascii: "\\"))
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): byte(b)
                case 0x0A: byte(UInt8(ascii: "n"))
                case 0x0D: byte(UInt8(ascii: "r"))
                case 0x09: byte(UInt8(ascii: "t"))
                default:
                    ascii("u00")
                    byte(JSONRawWriter.hexDigit(b >> 4))
                    byte(JSONRawWriter.hexDigit(b & 15))
                }
            }
        }
        byte(UInt8(ascii: "\""))
    }

    mutating func quoted(_ text: String) {
        var text = text
        text.withUTF8 { quoted($0) }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}

extension Array where Element == UInt8 {
    /// Appends what `body` writes into room for at most `room` bytes: one append, whatever the pieces.
    mutating func appendJSON(room: Int, _ body: (inout JSONRawWriter) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: room) { buffer in
            var raw = JSONRawWriter(buffer.baseAddress!)
            body(&raw)
            append(contentsOf: UnsafeBufferPointer(start: buffer.baseAddress, count: raw.count))
        }
    }
}
