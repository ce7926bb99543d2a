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

    /// Session files are compared byte for byte (a run and its replay, a local run and a pulled stream): the writer's text is fixed.
    @Test func jsonWriterWritesExactlyTheseBytes() {
        var w = JSONWriter()
        w.beginObject()
        w.key("n"); w.beginArray()
        for value in [0.0, 1.5, -0.25, 1234.567, 0.001, -3.0, 0.1004, -0.5, 12.34, .nan] { w.number(value) }
        w.endArray()
        w.key("i"); w.beginArray(); w.int(0); w.int(-42); w.int(Int64.min); w.int(UInt64.max); w.endArray()
        w.key("x"); w.exactNumber(0.1); w.key("inf"); w.exactNumber(.infinity)
        w.key("b"); w.beginArray(); w.bool(true); w.bool(false); w.null(); w.endArray()
        w.key("s"); w.string("a\"b\\c\nd\re\tf\u{01}\u{1F} ✓")
        w.key("t"); w.string(static: "step")
        w.key("q"); w.string(encoded: JSONWriter.quoted("a\"0"))
        w.key("k \"2\""); w.string("")
        w.endObject()
        let expected = #"{"n":[0,1.5,-0.25,1234.567,0.001,-3,0.1,-0.5,12.34,null],"i":[0,-42,-9223372036854775808,18446744073709551615],"x":0.1,"inf":null,"b":[true,false,null],"s":"a\"b\\c\nd\re\tf\u0001\u001f ✓","t":"step","q":"a\"0","k \"2\"":""}"#
        #expect(String(decoding: w.bytes, as: UTF8.self) == expected)
    }

    @Test func malformedJsonIsRejectedWithAColumn() {
        for bad in ["{", "{\"a\":}", "[1,]", "\"unterminated", "{\"a\":1}x", "nul", "01", "-01", "1x", "\"tab\there\""] {
            #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(bad) }
        }
    }
}
