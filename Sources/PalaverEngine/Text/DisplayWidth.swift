/// How many terminal columns text takes: 2 for CJK, fullwidth forms and
/// emoji, 0 for combining marks and joiners, 1 otherwise. Pure Swift, so
/// layouts and snapshots are the same whatever the C library's locale says.
public enum DisplayWidth {
    @inline(__always)
    public static func of(_ character: Character) -> Int {
        if let ascii = character.asciiValue { return ascii < 0x20 || ascii == 0x7F ? 0 : 1 }
        return ofNonASCII(character)
    }

    static func ofNonASCII(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if scalars.count > 1 {
            // Emoji sequences (flags, ZWJ families, keycaps with VS16) render as one wide glyph.
            if scalars.contains(where: { $0.value == 0xFE0F || $0.value == 0x200D }) || (0x1F1E6...0x1F1FF).contains(first.value) {
                return 2
            }
        }
        return of(first)
    }

    /// Widths of the Basic Multilingual Plane, worked out once, so measuring
    /// text of any script is a lookup rather than a Unicode property query.
    private static let basicPlaneWidths: [Int8] = (0..<0x10000).map { v in
        Unicode.Scalar(UInt32(v)).map { Int8(computedWidth(of: $0)) } ?? 0
    }

    @inline(__always)
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x80 { return v < 0x20 || v == 0x7F ? 0 : 1 }
        if v < 0x10000 { return Int(basicPlaneWidths[Int(v)]) }
        return computedWidth(of: scalar)
    }

    /// A scalar that is a whole character whatever stands beside it: printable,
    /// and not a mark, joiner, selector, modifier, regional indicator, jamo or
    /// format character. Text made only of these needs no grapheme breaking:
    /// each scalar is one character (Latin, Greek, Cyrillic, punctuation,
    /// arrows, box drawing, symbols, braille, CJK, kana, Hangul syllables).
    @inline(__always)
    public static func standsAlone(_ v: UInt32) -> Bool {
        switch v {
        case 0x20...0x7E, 0xA0...0x2FF, 0x370...0x482, 0x48A...0x52F, 0x2010...0x2027, 0x2030...0x205E,
             0x2070...0x20CF, 0x2100...0x2BFF, 0x3000...0x3029, 0x3030...0x303F, 0x3041...0x3096,
             0x309B...0x30FF, 0x4E00...0x9FFF, 0xAC00...0xD7A3, 0xFF01...0xFF60:
            return true
        default:
            return false
        }
    }

    static func computedWidth(of scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        if v < 0x300 { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if v == 0x200B || (0xFE00...0xFE0F).contains(v) { return 0 }
        if isWide(v) { return 2 }
        if scalar.properties.isEmojiPresentation { return 2 }
        return 1
    }

    static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3,
             0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
             0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x1FA70...0x1FAFF,
             0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    public static func of(_ text: String) -> Int {
        var total = 0
        // Nearly all text is made of scalars that are characters on their own: no grapheme breaking needed.
        for scalar in text.unicodeScalars {
            guard standsAlone(scalar.value) else { return ofCharacters(text) }
            total += of(scalar)
        }
        return total
    }

    static func ofCharacters(_ text: String) -> Int {
        var total = 0
        for ch in text { total += of(ch) }
        return total
    }

    /// The longest prefix of `text` that fits in `columns`, and its width.
    public static func prefix(_ text: Substring, fitting columns: Int) -> (text: Substring, width: Int) {
        var width = 0
        var end = text.startIndex
        for index in text.indices {
            let w = of(text[index])
            if width + w > columns { break }
            width += w
            end = text.index(after: index)
        }
        return (text[text.startIndex..<end], width)
    }

    /// Cuts text to `columns`, ending with `…` when something was cut.
    public static func truncate(_ text: String, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        if of(text) <= columns { return text }
        let (head, _) = prefix(text[...], fitting: columns - 1)
        return String(head) + "…"
    }

    /// The line without spaces at either end.
    static func trimmed(_ line: String) -> String {
        var s = Substring(line)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }

    /// Breaks text into lines of at most `columns`, at spaces where it can,
    /// inside words (or between CJK characters) where it must.
    public static func wrap(_ text: String, to columns: Int) -> [String] {
        guard columns > 0 else { return [] }
        // Most text (and every stream of tokens) is plain ASCII: one column per byte.
        var copy = text
        if let lines = copy.withUTF8({ wrapPrintableASCII($0, to: columns) }) { return lines }
        // Most of the rest is made of scalars that are characters on their own: no grapheme breaking needed.
        if text.unicodeScalars.allSatisfy({ standsAlone($0.value) || $0.value == 0x0A }) {
            return wrapParagraphs(text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false), to: columns)
        }
        return wrapCharacters(text, to: columns)
    }

    static func wrapCharacters(_ text: String, to columns: Int) -> [String] {
        wrapParagraphs(text.split(separator: "\n", omittingEmptySubsequences: false), to: columns)
    }
}
