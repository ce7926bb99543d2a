import Testing
@testable import PalaverEngine

@Suite struct OfflineModelTests {
    static func request(agent: Int = 0, turn: Int = 0, seed: UInt64 = 1, heard: String = "We must cut the budget for marketing.",
                        previous: String? = nil, language: String = "en") -> ModelRequest {
        var roster = Fixtures.agents(3)
        roster[agent].language = language
        var messages = [ChatMessage(role: .system, content: "persona"), ChatMessage(role: .user, name: "Agent1", content: heard)]
        if let previous { messages.insert(ChatMessage(role: .assistant, content: previous), at: 1) }
        return ModelRequest(agent: AgentID(agent), spec: roster[agent], roster: roster, scenarioTitle: "budget",
                            seed: seed, step: 1, turn: turn, messages: messages)
    }

    @Test func isDeterministicForASeedAndVariesWithIt() {
        let model = OfflineModel()
        #expect(model.reply(to: Self.request()) == model.reply(to: Self.request()))
        let replies = Set((1...8).map { model.reply(to: Self.request(seed: $0)) })
        #expect(replies.count > 3)
    }

    @Test func respondsToWhatTheAgentJustHeardInCharacter() {
        let model = OfflineModel()
        let texts = (0..<6).map { model.reply(to: Self.request(turn: $0)) }
        // Its talking points come from its persona…
        #expect(texts.contains { $0.contains("I care about topic 0") })
        #expect(texts.contains { $0.contains("Point two of 0") })
        // …and it answers the speaker or the subject they raised.
        #expect(texts.filter { $0.contains("Agent1") || $0.contains("marketing") || $0.contains("budget") }.count >= 3)
    }

    @Test func neverSaysTheSameLineTwiceInARow() {
        let model = OfflineModel()
        var previous: String?
        for turn in 0..<40 {
            let text = model.reply(to: Self.request(turn: turn, previous: previous))
            #expect(text != previous)
            previous = text
        }
    }

    @Test func differentAgentsSoundDifferent() {
        let model = OfflineModel()
        let a = model.reply(to: Self.request(agent: 0))
        let b = model.reply(to: Self.request(agent: 2))
        #expect(a != b)
    }

    @Test func speaksChineseWhenTheAgentDoes() {
        let model = OfflineModel()
        var request = Self.request(language: "zh")
        request.spec.persona = "我们必须在三月前完成支付接入。我希望先把体验做好。"
        let text = model.reply(to: request)
        #expect(text.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF })
    }

    @Test func streamsTokensThatAddUpToTheReplyWithUsageAndLatency() {
        let script = OfflineModel(tokensPerSecond: 20, firstTokenDelay: 0.5).makeScript(for: Self.request())
        #expect(script.text == OfflineModel().reply(to: Self.request()))
        #expect(script.tokens.count > 5)
        #expect(script.usage.model == "offline")
        #expect(script.usage.completionTokens == script.tokens.count)
        #expect(script.usage.promptTokens > 0)
        #expect(script.usage.latencyMs >= 500 + Double(script.tokens.count) * 50 - 1)
    }

    @Test func tokenizesWideTextWithoutLosingCharacters() {
        let text = "关于“共享电动车”，Anna 说 hello 🎉 世界。"
        #expect(OfflineModel.tokenize(text).joined() == text)
    }
}
