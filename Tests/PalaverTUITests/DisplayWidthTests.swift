import PalaverEngine
import Testing
@testable import PalaverTUI

@Suite struct DisplayWidthTests {
    @Test func wideCharactersTakeTwoColumns() {
        #expect(DisplayWidth.of("a") == 1)
        #expect(DisplayWidth.of("中") == 2)
        #expect(DisplayWidth.of("ア") == 2)
        #expect(DisplayWidth.of("한") == 2)
        #expect(DisplayWidth.of("🎉") == 2)
        #expect(DisplayWidth.of("👍🏽") == 2)
        #expect(DisplayWidth.of("👨‍👩‍👧") == 2)
        #expect(DisplayWidth.of("🇩🇪") == 2)
        #expect(DisplayWidth.of("é") == 1)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("Ａ") == 2)
        #expect(DisplayWidth.of("林晓 says hi 🎉") == 4 + 9 + 2)
    }

    @Test func truncationAndWrappingRespectWidth() {
        #expect(DisplayWidth.truncate("中文字符串", to: 5) == "中文…")
        #expect(DisplayWidth.truncate("short", to: 10) == "short")
        let lines = DisplayWidth.wrap("the quick brown fox jumps over the lazy dog", to: 10)
        #expect(lines == ["the quick", "brown fox", "jumps over", "the lazy", "dog"])
        let cjk = DisplayWidth.wrap("我们必须在三月前完成支付接入", to: 9)
        #expect(cjk.allSatisfy { DisplayWidth.of($0) <= 9 })
        #expect(cjk.joined() == "我们必须在三月前完成支付接入")
        #expect(DisplayWidth.wrap("abcdefghijkl", to: 5) == ["abcde", "fghij", "kl"])
    }
}
