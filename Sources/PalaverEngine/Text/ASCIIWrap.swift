extension DisplayWidth {
    /// `wrap(text + mark)` for a one-column mark such as a cursor. The mark
    /// wraps as any letter would, so an ASCII letter stands in for it and
    /// keeps plain text on the fast path.
    public static func wrap(_ text: String, to columns: Int, endingWith mark: Character) -> [String] {
        endingWith(mark, wrap(text + "x", to: columns))
    }

    /// Lines of a text that ended with the stand-in "x", with the mark back in its place
    /// (the stand-in ends the last line, unless a one-column tail cut it off).
    public static func endingWith(_ mark: Character, _ lines: [String]) -> [String] {
        guard let last = lines.last, last.hasSuffix("x") else { return lines }
        var marked = lines
        marked[marked.count - 1] = String(last.dropLast()) + String(mark)
        return marked
    }

    /// `wrap` for text of printable ASCII and line feeds, working on bytes
    /// (each one column, each its own character); nil for any other text.
    /// The lines are exactly those the character-by-character wrap gives:
    /// words are a space and what follows it up to the next space, a line
    /// is always one run of the text, so it is kept as a range of bytes.
    static func wrapPrintableASCII(_ bytes: UnsafeBufferPointer<UInt8>, to columns: Int) -> [String]? {
        var lines: [String] = []
        let plain = breakPrintableASCII(bytes, to: columns) { start, end in
            lines.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
        }
        return plain ? lines : nil
    }

    /// How many lines `wrap` gives, without making them.
    public static func lineCount(_ text: String, to columns: Int) -> Int {
        guard columns > 0 else { return 0 }
        var copy = text
        let count = copy.withUTF8 { bytes -> Int? in
            var count = 0
            return breakPrintableASCII(bytes, to: columns) { _, _ in count += 1 } ? count : nil
        }
        return count ?? wrap(text, to: columns).count
    }

    /// The lines of printable ASCII text, each handed to `line` as a range of bytes; false
    /// (and no line) for text with any other byte.
    private static func breakPrintableASCII(_ bytes: UnsafeBufferPointer<UInt8>, to columns: Int,
                                            line text: (_ start: Int, _ end: Int) -> Void) -> Bool {
        let space = UInt8(ascii: " "), newline = UInt8(ascii: "\n")
        for byte in bytes where byte != newline && !(0x20...0x7E).contains(byte) { return false }
        var paragraphStart = 0
        while true {
            var paragraphEnd = paragraphStart
            while paragraphEnd < bytes.count && bytes[paragraphEnd] != newline { paragraphEnd += 1 }
            // The line so far is bytes[lineStart..<lineEnd]; the word being read starts at wordStart == lineEnd.
            var lineStart = paragraphStart, lineEnd = paragraphStart
            func flushWord(endingAt wordEnd: Int) {
                let wordStart = lineEnd
                guard wordEnd > wordStart else { return }
                if lineEnd - lineStart + wordEnd - wordStart <= columns {
                    lineEnd = wordEnd
                    return
                }
                if lineEnd > lineStart {
                    var start = lineStart, end = lineEnd
                    while start < end && bytes[start] == space { start += 1 }
                    while end > start && bytes[end - 1] == space { end -= 1 }
                    text(start, end)
                }
                // The word starts the next line without its space; one longer than the line is cut.
                var restStart = bytes[wordStart] == space ? wordStart + 1 : wordStart
                while wordEnd - restStart > columns {
                    text(restStart, restStart + columns)
                    restStart += columns
                }
                lineStart = restStart
                lineEnd = wordEnd
            }
            for i in paragraphStart..<paragraphEnd where bytes[i] == space { flushWord(endingAt: i) }
            flushWord(endingAt: paragraphEnd)
            text(lineStart < lineEnd && bytes[lineStart] == space ? lineStart + 1 : lineStart, lineEnd)
            guard paragraphEnd < bytes.count else { return true }
            paragraphStart = paragraphEnd + 1
        }
    }
}
