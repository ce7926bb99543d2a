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
        // …and it answers the speaker in their own words.
        #expect(texts.allSatisfy { $0.contains("Agent1") && $0.contains("“We must cut the budget for marketing”") })
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

    // MARK: Reacting to what it heard (the built-in ship-it and the debate, run step by step)

    /// Runs a scenario offline for `steps`, applying `commands[step]` just before that step begins.
    static func run(_ scenario: Scenario, steps: Int, commands: [Int: [Command]] = [:]) -> [Message] {
        let info = scenario.sessionInfo(maxSteps: steps, speed: .fastest)
        let log = EventLog()
        let engine = Engine(info: info, sink: log)
        let model = OfflineModel(settings: info.offline)
        engine.start(opening: scenario.openingMessages)
        for step in 1...steps {
            for command in commands[step] ?? [] { engine.apply(command) }
            for turn in engine.beginStep() {
                if case .model(let request) = turn.kind {
                    engine.finishTurn(of: turn.agent, text: model.reply(to: request), usage: Usage(model: "offline", promptTokens: 1, completionTokens: 1, latencyMs: 1))
                }
            }
            engine.endStep()
        }
        return log.events.sentMessages
    }

    static func agent(_ name: String, in scenario: Scenario = .builtIn) -> AgentID {
        AgentID(scenario.agents.firstIndex { $0.id == name }!)
    }

    static func said(by name: String, in messages: [Message], after step: Int = 0, scenario: Scenario = .builtIn) -> [String] {
        messages.filter { $0.sender == .agent(agent(name, in: scenario)) && $0.step > step && $0.kind == .chat }.map(\.text)
    }

    /// A line without what it quotes from others (“…”), so only the speaker's own words remain.
    static func ownWords(_ line: String) -> String {
        var out = "", quoting = false
        for ch in line {
            if ch == "“" { quoting = true } else if ch == "”" { quoting = false } else if !quoting { out.append(ch) }
        }
        return out
    }

    @Test func anInjectedFactIsAcknowledgedAndFollowedByTheAgentItWasSentTo() {
        let otto = Self.agent("otto")
        // Without it, Otto argues about Friday releases within four turns of his own.
        let plain = Self.said(by: "otto", in: Self.run(.builtIn, steps: 16))
        #expect(plain.contains { Self.ownWords($0).contains("Friday") })
        let told = Self.run(.builtIn, steps: 16, commands: [4: [.inject(text: "legal blocked Friday", from: .user, to: .one(otto))]])
        let lines = Self.said(by: "otto", in: told, after: 3)
        #expect(lines.count == 4)
        // The next turn says it heard, in the user's words…
        #expect(lines[0].hasPrefix("Noted: legal blocked Friday, so Friday is off the table."), "\(lines[0])")
        // …and no turn argues about Friday again.
        let arguing = lines.map { Self.ownWords($0).replacingOccurrences(of: "Noted: legal blocked Friday, so Friday is off the table.", with: "") }
        #expect(arguing.allSatisfy { !$0.contains("Friday") }, "\(arguing)")
    }

    @Test(arguments: [
        ("@ravi talk about the rollback plan", "I can be ready by Tuesday with a rollback plan I trust."),
        ("@ravi be specific", "I can be ready by Tuesday with a rollback plan I trust."),
        ("@ravi stop talking about tests", nil),
        ("@ravi be brief", nil),
    ] as [(String, String?)])
    func anInjectedInstructionIsFollowedInTheAddressedAgentsNextTurn(instruction: String, expected: String?) {
        let ravi = Self.agent("ravi")
        let text = String(instruction.dropFirst("@ravi ".count))
        let messages = Self.run(.builtIn, steps: 10, commands: [6: [.inject(text: text, from: .user, to: .one(ravi))]])
        let next = Self.said(by: "ravi", in: messages, after: 5)[0]
        if let expected { #expect(next.contains(expected), "\(next)") }
        switch text {
        case "be specific": #expect(next.hasPrefix("Concretely:"))
        case "stop talking about tests":
            #expect(next.hasPrefix("Understood, I'll leave tests aside."))
            #expect(!Self.ownWords(next).dropFirst(40).contains("tests"), "\(next)")
        case "be brief": #expect(Quote.sentences(of: next).count == 1, "\(next)")
        default: #expect(next.hasPrefix("You asked about the rollback plan."))
        }
    }

    @Test func aStanceGivenWithAsIsKept() {
        let maya = Self.agent("maya")
        let given = "I now think we should wait a week"
        let messages = Self.run(.builtIn, steps: 16, commands: [5: [.inject(text: given, from: .agent(maya), to: .all)]])
        let lines = Self.said(by: "maya", in: messages, after: 4)
        #expect(lines.count == 3)
        for line in lines {
            #expect(Self.ownWords(line).contains("we should wait a week"), "\(line)")
            // Her persona argues to ship; none of that comes back.
            #expect(!line.contains("ship behind a flag") && !line.contains("Every week we wait costs"), "\(line)")
        }
        // Before, she argued to ship.
        #expect(Self.said(by: "maya", in: messages).first?.contains("ship") == true)
    }

    @Test func theModeratorModeratesAndTheOthersAnswerIt() throws {
        let debate = try ScenarioLoader(directories: ["scenarios"]).load("debate")
        let messages = Self.run(debate, steps: 16)
        let dana = Self.said(by: "dana", in: messages, scenario: debate)
        let participants = ["Ada", "Bruno", "Chen"]
        #expect(dana.count == 4)
        for line in dana {
            // Every line puts something to named participants rather than arguing a side.
            #expect(participants.contains { line.contains($0) }, "\(line)")
            #expect(line.contains("?") || line.contains("take that on") || line.contains("you first"), "\(line)")
        }
        // At least once it recaps two of them in their own words.
        #expect(dana.contains { $0.filter { $0 == "“" }.count >= 2 })
        // Whoever the moderator calls on answers the moderator.
        let answered = messages.filter { m in m.sender != .agent(Self.agent("dana", in: debate)) && m.text.contains("Dana") }
        #expect(answered.contains { $0.text.hasPrefix("Fair, Dana.") || $0.text.hasPrefix("Dana, to answer you directly:") })
    }

    @Test(arguments: ["ship-it", "debate", "launch-team"])
    func theConversationIsOpenedOnceAndQuotesAreWhatWasSaid(name: String) throws {
        let scenario = try ScenarioLoader(directories: ["scenarios"]).load(name)
        let messages = Self.run(scenario, steps: 16)
        let spoken = messages.filter { $0.kind == .chat }
        let openings = spoken.filter { m in OfflineVoice.openers.contains { m.text.hasPrefix($0) } || m.text.hasPrefix("Welcome.") }
        #expect(openings.count <= 1)
        if let first = openings.first { #expect(first.id == spoken.first?.id) }
        // Every quote is a whole piece of what someone said before: nothing torn out of context.
        for (i, m) in spoken.enumerated() {
            var rest = Substring(m.text)
            while let open = rest.firstIndex(of: "“"), let close = rest[open...].firstIndex(of: "”") {
                var quoted = String(rest[rest.index(after: open)..<close])
                if quoted.hasSuffix("…") { quoted.removeLast() }
                #expect(spoken[..<i].contains { $0.text.contains(quoted) }, "\(m.text)")
                rest = rest[rest.index(after: close)...]
            }
            #expect(!m.text.contains(" raised "), "\(m.text)")
        }
    }
}
