import Testing
@testable import PalaverEngine

/// Text from sessions and models never reaches a terminal as a control.
@Suite struct TerminalTextTests {
    static let attack = "a\u{1B}]52;c;ZXZpbA==\u{07}b\u{1B}[2Jc\u{1B}]0;title\u{07}d\u{202E}e\u{2067}f\u{9B}g\u{7F}h\u{2028}i"

    @Test func escapesBidiOverridesAndC1AreNeutralised() {
        let cleaned = Self.attack.sanitizedForTerminal(singleLine: true)
        for scalar in cleaned.unicodeScalars {
            #expect(!(scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value)), "control \(scalar.value) kept")
            #expect(!(0x202A...0x202E).contains(scalar.value) && !(0x2066...0x2069).contains(scalar.value), "bidi \(scalar.value) kept")
            #expect(scalar.value != 0x2028)
        }
        #expect(cleaned.contains("a") && cleaned.contains("i"))
        // Right-to-left text itself and the plain marks stay.
        #expect("שלום \u{200F}abc".sanitizedForTerminal() == "שלום \u{200F}abc")
    }

    @Test func excerptsAreShortAndClean() {
        let huge = String(repeating: "x\u{1B}[2J", count: 100_000)
        let e = huge.excerpt(50)
        #expect(e.count <= 51 && e.hasSuffix("…") && !e.unicodeScalars.contains("\u{1B}"))
        #expect("short".excerpt() == "short")
    }

    @Test func jsonKeepsControlsOnlyAsEscapes() throws {
        var writer = JSONWriter()
        writer.beginObject(); writer.key("text"); writer.string(Self.attack); writer.endObject()
        let safe = String(decoding: writer.bytes, as: UTF8.self).escapingTerminalControlsInJSON
        #expect(!safe.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) || $0.value == 0x202E })
        let parsed = try JSONParser.parse(safe)
        #expect(parsed.object?["text"]?.string == Self.attack)
    }
}

/// A long unbroken word (a model streaming a base64 blob) wraps in one pass
/// into full lines that give back the word.
@Suite struct LongWordWrapTests {
    @Test func aLongWordBreaksIntoFullLines() {
        let word = String((0..<200_000).map { Character(Unicode.Scalar(UInt8(97 + $0 % 26))) })
        let lines = DisplayWidth.wrap("start " + word + " end", to: 37)
        #expect(lines.first == "start")
        #expect(lines.last?.hasSuffix("end") == true)
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 37 })
        #expect(lines.dropFirst().dropLast().allSatisfy { $0.count == 37 })
        #expect(lines.dropFirst().joined().hasPrefix(word))
    }

    @Test func wideCharactersInALongWordStillFit() {
        let word = String(repeating: "a中", count: 5_000)
        let lines = DisplayWidth.wrap(word, to: 7)
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 7 })
        #expect(lines.joined() == word)
    }
}
