import PalaverEngine

/// The end of a text that fits a few rows: when its start does not fit, it
/// begins after "… " at a word, at a sentence where that costs no row, never
/// in the middle of a word or a number ("0).", "07:00. Not my…").
enum TextTail {
    static let closing: Set<Character> = ["。", "，", "、", "？", "！", "；", "：", "）", "」", "』", "》", "】", "”"]

    /// The text wrapped to `width`, keeping no more than `rows` lines from its end.
    static func lines(_ text: String, width: Int, rows: Int) -> [String] {
        guard rows > 0, width > 0 else { return [] }
        let whole = DisplayWidth.wrap(text, to: width)
        guard whole.count > rows else { return whole }
        return cut(text, width: width, rows: rows)
    }

    /// `lines(text + mark)` for a text known to wrap to more than `rows` lines (a pane that
    /// has wrapped it already), ending with a one-column mark (a cursor) if given: the mark
    /// wraps as a letter would, so an ASCII letter stands in for it on wrap's fast path.
    static func cut(_ text: String, width: Int, rows: Int, endingWith mark: Character?) -> [String] {
        guard let mark else { return cut(text, width: width, rows: rows) }
        return DisplayWidth.endingWith(mark, cut(text + "x", width: width, rows: rows))
    }

    private static func cut(_ text: String, width: Int, rows: Int) -> [String] {
        guard rows > 0, width > 0 else { return [] }
        let (window, starts) = tailStarts(of: text, width: width, rows: rows)
        // Later starts wrap to fewer lines: find the earliest that fits (counting lines, not making them).
        var low = 0, high = starts.count
        while low < high {
            let mid = (low + high) / 2
            if DisplayWidth.lineCount(markedTail(of: text, from: starts[mid]), to: width) <= rows { high = mid } else { low = mid + 1 }
        }
        guard low < starts.count else {
            // A single word longer than the room: its end, marked.
            var kept = Array(DisplayWidth.wrap(String(window), to: width).suffix(rows))
            var first = Substring(kept[0])
            while DisplayWidth.of(String(first)) > width - 1, !first.isEmpty { first.removeFirst() }
            kept[0] = "…" + first
            return kept
        }
        let best = wrappedTail(of: text, from: starts[low], width: width)
        // A sentence that starts soon after, on as many rows, reads better.
        for j in low..<starts.count {
            let i = starts[j]
            guard i > text.startIndex else { continue }
            if endsSentence(before: i, in: text) {
                let candidate = wrappedTail(of: text, from: i, width: width)
                if candidate.count == best.count { return candidate }
                break
            }
        }
        return best
    }

    /// The stretch of `text` that can show in `rows` × `width` (a little over: a start is looked for no
    /// further back), and where a tail may begin in it.
    static func tailStarts(of text: String, width: Int, rows: Int) -> (window: Substring, starts: [String.Index]) {
        let window = Substring(text.suffix(rows * width + width))
        return (window, starts(in: window, after: window.startIndex == text.startIndex ? " " : text[text.index(before: window.startIndex)]))
    }

    /// The tail from `i` after its mark: "…" is one column and wraps as a letter does, so an ASCII
    /// letter stands in for it and keeps plain text on wrap's fast path.
    private static func markedTail(of text: String, from i: String.Index) -> String { "x " + text[i...] }

    /// The tail from `i`, marked "… ", wrapped to `width`.
    static func wrappedTail(of text: String, from i: String.Index, width: Int) -> [String] {
        var lines = DisplayWidth.wrap(markedTail(of: text, from: i), to: width)
        lines[0] = "…" + lines[0].dropFirst()
        return lines
    }

    /// Where a tail may begin in `window` (`previous` is the character before it): after a space
    /// or a line break, or at any wide (CJK) character but closing punctuation, which may not start a line.
    static func starts(in window: Substring, after previous: Character) -> [String.Index] {
        var starts: [String.Index] = []
        let plain = window.utf8.withContiguousStorageIfAvailable { bytes -> [Int]? in
            guard bytes.allSatisfy({ (0x20...0x7E).contains($0) }) else { return nil }
            // Printable ASCII, as streams mostly are: each byte a character of one column.
            var offsets: [Int] = []
            var afterBreak = previous == " " || previous == "\n"
            for (offset, byte) in bytes.enumerated() {
                let isSpace = byte == 0x20
                if !isSpace && afterBreak { offsets.append(offset) }
                afterBreak = isSpace
            }
            return offsets
        }
        if let offsets = plain ?? nil {
            var index = window.startIndex, at = 0
            starts.reserveCapacity(offsets.count)
            for offset in offsets {
                index = window.utf8.index(index, offsetBy: offset - at)
                at = offset
                starts.append(index)
            }
            return starts
        }
        var previous = previous
        for i in window.indices {
            let c = window[i]
            if c != " ", c != "\n", previous == " " || previous == "\n" || (DisplayWidth.of(c) == 2 && !closing.contains(c)) {
                starts.append(i)
            }
            previous = c
        }
        return starts
    }

    /// Whether the last character before `i` but spaces and line breaks ends a sentence.
    static func endsSentence(before i: String.Index, in text: String) -> Bool {
        // Plain text: back over the spaces byte by byte; anything else is read as characters.
        let bytes = text.utf8
        var j = i
        while j > bytes.startIndex {
            j = bytes.index(before: j)
            let byte = bytes[j]
            if byte == 0x20 || byte == 0x0A { continue }
            if byte < 0x80 { return byte == 0x2E || byte == 0x21 || byte == 0x3F }
            break
        }
        guard let before = text[..<i].last(where: { $0 != " " && $0 != "\n" }) else { return false }
        return ".!?。！？".contains(before)
    }
}
