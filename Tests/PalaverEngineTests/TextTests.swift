import Testing
@testable import PalaverEngine

@Suite struct TextTests {
    @Test func escapeSequencesAndControlCharactersNeverSurvive() {
        let hostile = "red \u{1B}[31mTEXT\u{1B}[0m title \u{1B}]0;pwned\u{07} bell \u{07} nul \u{00} del \u{7F} c1 \u{9B}2J"
        let clean = hostile.sanitizedForTerminal(singleLine: true)
        #expect(!clean.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || (0x80..<0xA0).contains($0.value) })
        #expect(clean.contains("TEXT"))
        #expect(!clean.contains("pwned"))
        #expect("a\nb".sanitizedForTerminal(singleLine: true) == "a b")
        #expect("a\nb".sanitizedForTerminal() == "a\nb")
        #expect("中文 🎉".sanitizedForTerminal() == "中文 🎉")
    }

    @Test func jsonRoundTripsAwkwardStrings() throws {
        for text in ["", "plain", "quote \" and \\ slash", "line\nbreak\ttab\r", "\u{01}\u{1F}", "中文🎉", "é"] {
            var w = JSONWriter()
            w.string(text)
            let parsed = try JSONParser.parse(String(decoding: w.bytes, as: UTF8.self))
            #expect(parsed == .string(text))
        }
        #expect(try JSONParser.parse(#""\ud83c\udf89 \u4e2d""#) == .string("🎉 中"))
    }

    @Test func jsonNumbersKeepMillisecondsAndIntegers() throws {
        for value in [0.0, 1.5, -0.25, 1234.567, 0.001, -3.0] {
            var w = JSONWriter()
            w.number(value)
            #expect(try JSONParser.parse(String(decoding: w.bytes, as: UTF8.self)).double == value)
        }
        #expect(try JSONParser.parse("-9223372036854775807") == .integer(-9_223_372_036_854_775_807))
        #expect(try JSONParser.parse("1e3").double == 1000)
    }

    @Test func malformedJsonIsRejectedWithAColumn() {
        for bad in ["{", "{\"a\":}", "[1,]", "\"unterminated", "{\"a\":1}x", "nul", "01", "-01", "1x", "\"tab\there\""] {
            #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(bad) }
        }
    }
}
