import Testing
@testable import PalaverEngine
@testable import PalaverTUI

/// What a new user tripped over on screen: text cut mid-word, a half-empty log,
/// a graph that claimed things that were not there, errors that never showed.
@Suite struct ReadableScreenTests {
    func draw(_ widget: some Widget, width: Int, height: Int) -> [String] {
        var buffer = Buffer(width: width, height: height)
        widget.render(in: buffer.area, buffer: &buffer)
        return buffer.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func aCutMessageStartsAtAWordAfterAnEllipsisPreferringASentence() {
        let text = "Proposal: I move to 09:00. Not my first choice (07:00), but it clears the clash with dock 2."
        let lines = TextTail.lines(text, width: 24, rows: 3)
        #expect(lines.count <= 3)
        #expect(lines.first?.hasPrefix("… ") == true)
        // Whatever follows the ellipsis is a whole word of the text, never the tail of one ("0).").
        let rest = lines.joined(separator: " ").dropFirst(2)
        #expect(text.contains(" " + rest.prefix(while: { $0 != " " }) + " "))
        #expect(lines.joined(separator: " ").hasPrefix("… Not my first choice"), "\(lines)")
        // Short text is left alone; a single huge word still shows its end, marked.
        #expect(TextTail.lines("Fine by me.", width: 24, rows: 3) == ["Fine by me."])
        let word = TextTail.lines(String(repeating: "x", count: 100), width: 10, rows: 2)
        #expect(word.count == 2 && word[0].hasPrefix("…"))
        // Chinese breaks between characters: still an ellipsis first.
        let chinese = TextTail.lines("欧洲的数据隐私法规要求数据留在本地。我建议两个地区各自部署一套服务。", width: 12, rows: 2)
        #expect(chinese.first?.hasPrefix("…") == true, "\(chinese)")
    }

    @Test func aStreamsCursorIsCutAndWrappedAsPartOfItsText() {
        var random = SeededGenerator(seed: 13)
        let pieces = [" ", "a", "tok", "release", "07:00.", "Not.", String(repeating: "z", count: 19), "中文", "。"]
        for _ in 0..<600 {
            let text = (0..<Int.random(in: 0...60, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let width = Int.random(in: 1...20, using: &random), rows = Int.random(in: 1...4, using: &random)
            let marked = text + String(AgentPane.cursor)
            guard DisplayWidth.wrap(marked, to: width).count > rows else { continue }
            #expect(TextTail.cut(text, width: width, rows: rows, endingWith: AgentPane.cursor)
                    == TextTail.lines(marked, width: width, rows: rows), "\(width)×\(rows): \(text.debugDescription)")
        }
    }

    @Test func aCutTextStartsAtTheEarliestWordThatFitsAsTryingEveryWordWould() {
        // The reference wraps from every word start in turn; the cut halves the range, counting lines, and must agree.
        func tryingEveryStart(_ text: String, width: Int, rows: Int) -> [String]? {
            let starts = TextTail.tailStarts(of: text, width: width, rows: rows).starts
            func wrapped(_ i: String.Index) -> [String] { TextTail.wrappedTail(of: text, from: i, width: width) }
            guard let k = starts.firstIndex(where: { wrapped($0).count <= rows }) else { return nil }
            let best = wrapped(starts[k])
            for i in starts[k...] where i > text.startIndex && TextTail.endsSentence(before: i, in: text) {
                let sentence = wrapped(i)
                return sentence.count == best.count ? sentence : best
            }
            return best
        }
        var random = SeededGenerator(seed: 29)
        let pieces = [" ", " ", "a", "tok", "release", "07:00.", "Not.", "\n", String(repeating: "z", count: 13), "中文", "。", "é"]
        var compared = 0
        for _ in 0..<800 {
            let text = (0..<Int.random(in: 0...200, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let width = Int.random(in: 2...30, using: &random), rows = Int.random(in: 1...6, using: &random)
            guard DisplayWidth.wrap(text, to: width).count > rows, let expected = tryingEveryStart(text, width: width, rows: rows) else { continue }
            compared += 1
            #expect(TextTail.lines(text, width: width, rows: rows) == expected, "\(width)×\(rows): \(text.debugDescription)")
        }
        #expect(compared > 300)
    }

    @Test func everyPaneStartsAtTheStartOfAMessageOrAfterAnEllipsis() throws {
        let state = try ScreenFixtures.state(steps: 9)
        for index in 0..<state.agentCount {
            let rows = draw(AgentPane(index: index, state: state), width: 44, height: 6)
            let first = String(rows[2].dropFirst(2)).trimmingWhitespace
            let starts = state.projection.agents[index].recent.compactMap { state.projection.message(id: $0)?.text }
            #expect(first.hasPrefix("…") || starts.contains { $0.hasPrefix(first.prefix(12)) }, "pane \(index) starts “\(first)”")
        }
    }

    @Test func topOfTheLogFillsThePane() throws {
        var state = try ScreenFixtures.state(steps: 16, width: 120, height: 40)
        state.focus = .log
        _ = state.handle(.char("g"))
        let layout = state.layout.log
        let rows = draw(MessageLog(state: state), width: layout.width, height: layout.height)
        let inner = rows.dropFirst().dropLast().map { String($0.dropFirst(1).dropLast(1)).trimmingWhitespace }
        #expect(inner.first?.hasPrefix("0 00:00") == true, "the first message is at the top: \(inner.first ?? "")")
        #expect(!inner.contains { $0.isEmpty }, "no blank rows under the first messages:\n\(rows.joined(separator: "\n"))")
        // Moving down from the top keeps the pane full too.
        _ = state.handle(.char("j"))
        let after = draw(MessageLog(state: state), width: layout.width, height: layout.height)
        #expect(!after.dropFirst().dropLast().contains { String($0.dropFirst(1).dropLast(1)).trimmingWhitespace.isEmpty })
    }

    @Test func graphClaimsOnlyWhatIsThere() throws {
        // launch-team opens with a message "from: user": the user has not said anything yet.
        var state = try ScreenFixtures.state(try ScreenFixtures.scenario("launch-team"), steps: 6)
        var rows = draw(ConversationGraph(state: state), width: 44, height: 22)
        #expect(!rows[0].contains("p: policy"), "no policy in this run: \(rows[0])")
        #expect(!rows.contains { $0.contains(" you ") })
        #expect(rows.contains { $0.contains("busiest pairs") || $0.contains("messages per pair") })
        // Once the user injects, they are a node.
        let said = Message(id: 1000, step: 7, time: 20, sender: .user, recipients: .one(AgentID(0)), kind: .injected, text: "Priya, the date?")
        state.receive([Event(step: 7, time: 20, .injected(said))])
        rows = draw(ConversationGraph(state: state), width: 44, height: 22)
        #expect(rows.contains { $0.contains(" you ") })
    }

    @Test func failuresAndTypedRepliesAreMarkedInTheLog() throws {
        var state = try ScreenFixtures.state(steps: 3)
        let last = try #require(state.projection.log.last?.message)
        let typed = Message(id: last.id + 1, step: 4, time: 10, sender: .agent(AgentID(2)), recipients: .all, kind: .chat,
                            text: "Lena here, typed by a person.", author: .person)
        state.receive([Event(step: 4, time: 10, .messageSent(typed)),
                       Event(step: 5, time: 12, .agentError(agent: AgentID(1), message: "connection refused (http://localhost:11434)"))])
        let entry = try #require(state.projection.log.last)
        #expect(entry.message.kind == .error)
        #expect(entry.message.sender == .agent(AgentID(1)))
        // Looking a message up by id still finds the message, not the failure after it.
        #expect(state.projection.message(id: typed.id)?.text == typed.text)
        let rows = draw(MessageLog(state: state), width: 90, height: 12).joined(separator: "\n")
        #expect(rows.contains("Ravi  ✗ model call failed"))
        #expect(rows.contains("connection refused (http://localhost:11434)"))
        #expect(rows.contains("Lena → all  ✍ typed by you"))
    }

    @Test func theEditPromptNumbersMessagesByStepAsTheLogDoes() throws {
        var state = try ScreenFixtures.state(steps: 3)
        let entry = try #require(state.projection.log.last)
        state.mode = .edit(messageID: entry.message.id, entry.message.text)
        let line = AppView.render(state).text.split(separator: "\n").last.map(String.init) ?? ""
        let name = try #require(state.projection.info?.name(of: entry.message.sender))
        #expect(line.hasPrefix("edit \(name), step \(entry.message.step) ▸ "), "\(line)")
        #expect(!line.contains("#\(entry.message.id)"))
        // Your own injection is "your message", not "edit you".
        let yours = Message(id: 80, step: 3, time: 8, sender: .user, recipients: .one(AgentID(3)), kind: .injected, text: "legal blocked Friday")
        state.receive([Event(step: 3, time: 8, .injected(yours))])
        state.mode = .edit(messageID: 80, yours.text)
        let mine = AppView.render(state).text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(mine.hasPrefix("edit your message, step 3 ▸ "), "\(mine)")
    }

    @Test func theStatusBarSaysTheSpeed() throws {
        let state = try ScreenFixtures.state(steps: 2)
        #expect(draw(StatusBar(state: state), width: 120, height: 1)[0].contains("speed max"))
    }
}
