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
        // What can show is a little over rows × width columns: look for a start no further back.
        let window = Substring(text.suffix(rows * width + width))
        var starts: [String.Index] = []
        var previous: Character = window.startIndex == text.startIndex ? " " : text[text.index(before: window.startIndex)]
        for i in window.indices {
            let c = window[i]
            // After a space, or at any wide (CJK) character but closing punctuation, which may not start a line.
            if c != " ", c != "\n", previous == " " || previous == "\n" || (DisplayWidth.of(c) == 2 && !closing.contains(c)) {
                starts.append(i)
            }
            previous = c
        }
        func wrapped(from i: String.Index) -> [String] { DisplayWidth.wrap("… " + text[i...], to: width) }
        // Later starts wrap to fewer lines: find the earliest that fits.
        var low = 0, high = starts.count
        while low < high {
            let mid = (low + high) / 2
            if wrapped(from: starts[mid]).count <= rows { high = mid } else { low = mid + 1 }
        }
        guard low < starts.count else {
            // A single word longer than the room: its end, marked.
            var kept = Array(DisplayWidth.wrap(String(window), to: width).suffix(rows))
            var first = Substring(kept[0])
            while DisplayWidth.of(String(first)) > width - 1, !first.isEmpty { first.removeFirst() }
            kept[0] = "…" + first
            return kept
        }
        let best = wrapped(from: starts[low])
        // A sentence that starts soon after, on as many rows, reads better.
        for j in low..<starts.count {
            let i = starts[j]
            guard i > text.startIndex else { continue }
            let before = text[..<i].last { $0 != " " && $0 != "\n" }
            if let before, ".!?。！？".contains(before) {
                let candidate = wrapped(from: i)
                if candidate.count == best.count { return candidate }
                break
            }
        }
        return best
    }
}
