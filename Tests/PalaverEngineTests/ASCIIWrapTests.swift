import Testing
@testable import PalaverEngine

/// Plain ASCII text wraps through a byte-level fast path; it must give the
/// very lines the character-by-character wrap gives, or panes would change
/// depending on whether a stream happened to hold one accented letter.
@Suite struct ASCIIWrapTests {
    @Test func theFastPathGivesTheSameLinesAsTheCharacterWrap() {
        var random = SeededGenerator(seed: 11)
        // Spaces in runs, long words, line feeds (also at either end), punctuation.
        let pieces = [" ", " ", "  ", "   ", "a", "to", "the", "word", "release", "0).", "07:00.", "\n", "\n\n",
                      String(repeating: "x", count: 23), String(repeating: "y", count: 61), "-", "!?"]
        for _ in 0..<3_000 {
            let count = Int.random(in: 0...40, using: &random)
            let text = (0..<count).map { _ in pieces.randomElement(using: &random)! }.joined()
            let columns = Int.random(in: 1...30, using: &random)
            var copy = text
            let fast = copy.withUTF8 { DisplayWidth.wrapPrintableASCII($0, to: columns) }
            #expect(fast != nil)
            #expect(fast == DisplayWidth.wrapCharacters(text, to: columns), "\(columns) columns: \(text.debugDescription)")
            #expect(DisplayWidth.lineCount(text, to: columns) == fast?.count)
        }
    }

    @Test func textBeyondPrintableASCIITakesTheCharacterWrap() {
        for text in ["café au lait", "a\r\nb", "tab\there", "中文 words", "bell\u{07}", "del\u{7F}"] {
            var copy = text
            #expect(copy.withUTF8 { DisplayWidth.wrapPrintableASCII($0, to: 8) } == nil, "\(text.debugDescription)")
        }
        #expect(DisplayWidth.wrap("a\r\nb", to: 8) == DisplayWidth.wrapCharacters("a\r\nb", to: 8))
        #expect(DisplayWidth.wrap("the quick brown fox", to: 10) == ["the quick", "brown fox"])
    }

    @Test func aCursorMarkWrapsAsTheCharacterItIs() {
        var random = SeededGenerator(seed: 12)
        let pieces = [" ", "  ", "a", "word", "release", "07:00.", String(repeating: "z", count: 17), "中文", "é", "\n"]
        for _ in 0..<2_000 {
            let count = Int.random(in: 0...30, using: &random)
            let text = (0..<count).map { _ in pieces.randomElement(using: &random)! }.joined()
            let columns = Int.random(in: 1...24, using: &random)
            #expect(DisplayWidth.wrap(text, to: columns, endingWith: "▍") == DisplayWidth.wrapCharacters(text + "▍", to: columns),
                    "\(columns) columns: \(text.debugDescription)")
        }
    }

    @Test func textOfStandaloneScalarsWrapsAsCharactersDo() {
        var random = SeededGenerator(seed: 13)
        // CJK (which breaks anywhere), its closing punctuation (which never starts a line), accented and
        // wide letters, symbols, spaces and line feeds; plus, now and then, a scalar that joins its neighbour.
        let pieces = [" ", "  ", "a", "word", "中", "文字", "。", "，", "」", "）", "é", "Жук", "→", "●", "½", "한국",
                      "\n", "ｗｉｄｅ", String(repeating: "ü", count: 13)]
        let joiners = ["e\u{301}", "👍\u{1F3FD}", "☀\u{FE0F}", "\r\n"]
        for round in 0..<3_000 {
            var parts = (0..<Int.random(in: 0...30, using: &random)).map { _ in pieces.randomElement(using: &random)! }
            if round % 5 == 0 { parts.append(joiners.randomElement(using: &random)!) }
            let text = parts.joined()
            let columns = Int.random(in: 1...24, using: &random)
            #expect(DisplayWidth.wrap(text, to: columns) == DisplayWidth.wrapCharacters(text, to: columns),
                    "\(columns) columns: \(text.debugDescription)")
        }
    }
}
