import Testing
@testable import PalaverEngine
@testable import PalaverTUI

/// The debugging keys without a terminal: restore, log filters, the chatter
/// switch, the mailbox view and the fork form.
@Suite struct DebuggingUpdateTests {
    func state(steps: Int = 4) throws -> AppState { try ScreenFixtures.state(steps: steps, width: 120, height: 40) }

    func type(_ text: String, into state: inout AppState) {
        for c in text { _ = state.handle(.char(c)) }
    }

    /// Selects the log entry of message `id`.
    func select(_ id: Int, in state: inout AppState) throws {
        state.focus = .log
        let visible = state.visibleLog
        state.logSelection = try #require(visible.indices.first { state.projection.log[visible[$0]].message.id == id })
    }

    // MARK: Restore

    @Test func uRestoresTheSelectedDroppedMessage() throws {
        var s = try state()
        let injected = Message(id: 90, step: 4, time: 10, sender: .user, recipients: .one(AgentID(3)), kind: .injected, text: "Otto, legal blocked Friday.")
        s.receive([Event(step: 4, time: 10, .injected(injected)), Event(step: 4, time: 10, .dropped(messageID: 90, from: [AgentID(3)]))])
        try select(90, in: &s)
        #expect(s.handle(.char("u")) == [.engine(.restore(messageID: 90))])
        // The engine says it is back: the log shows it waiting for Otto again.
        s.receive([Event(step: 4, time: 11, .restored(messageID: 90))])
        let text = AppView.render(s).text
        #expect(text.contains("⧗ waiting: Otto  ↺ restored"))
    }

    @Test func marksThatDoNotFitBesideTheSenderGoOnALineOfTheirOwnWhole() throws {
        var s = try state()
        let injected = Message(id: 90, step: 4, time: 10, sender: .user, recipients: .one(AgentID(3)), kind: .injected, text: "Otto, legal blocked Friday.")
        s.receive([Event(step: 4, time: 10, .injected(injected)),
                   Event(step: 4, time: 10, .edited(messageID: 90, text: "Otto, legal blocked Friday and Monday.", original: "Otto, legal blocked Friday.")),
                   Event(step: 4, time: 10, .dropped(messageID: 90, from: [AgentID(3)]))])
        let entry = try #require(s.projection.log.last)
        // 60 columns: "you ⇒ Otto  injected  ✗ dropped for Otto · u restores  ✎ edited" does not fit on one line.
        let lines = MessageLog(state: s).lines(for: entry, at: s.projection.log.count - 1, width: 60, selected: false)
            .map { $0.spans.map(\.text).joined() }
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 60 })
        #expect(lines[0].contains("you ⇒ Otto"))
        #expect(lines.prefix(2).joined().contains("✗ dropped for Otto · u restores"))
        #expect(lines.prefix(2).joined().contains("✎ edited"))
        #expect(lines.contains { $0.contains("→ Otto, legal blocked Friday and Monday.") })
        // Where all fits, one line as before.
        let wide = MessageLog(state: s).lines(for: entry, at: s.projection.log.count - 1, width: 110, selected: false)
        #expect(wide[0].spans.map(\.text).joined().contains("✎ edited"))
    }

    @Test func uIsRefusedWithAReasonUnlessTheMessageWasDropped() throws {
        var s = try state()
        s.focus = .log
        #expect(s.handle(.char("u")).isEmpty)
        #expect(s.notice?.isError == true)
        #expect(s.notice?.text.hasPrefix("this message ") == true)
        s.focus = .agent(0)
        #expect(s.handle(.char("u")).isEmpty)
        #expect(s.notice?.text.contains("Tab to the log") == true)
        // The engine's own refusal (delivered meanwhile) shows as a notice too.
        s.receive([Event(step: 4, time: 10, .rejected(command: "restore", reason: "message 3 is not dropped (it was delivered or is still waiting)"))])
        #expect(s.notice?.text == "can't restore: message 3 is not dropped (it was delivered or is still waiting)")
    }

    @Test func theLogSaysWhoAMessageStillWaitsForAndShowsEditsOldToNew() throws {
        var s = try state(steps: 3)
        let m = Message(id: 70, step: 3, time: 9, sender: .user, recipients: .some([AgentID(1), AgentID(3)]), kind: .injected, text: "Be specific.")
        s.receive([Event(step: 3, time: 9, .injected(m)), Event(step: 3, time: 9, .edited(messageID: 70, text: "Be specific, please.", original: "Be specific."))])
        let text = AppView.render(s).text
        #expect(text.contains("⧗ waiting: Ravi, Otto"))
        let lines = text.split(separator: "\n").map(String.init)
        let old = try #require(lines.firstIndex { $0.contains("Be specific.") && !$0.contains("please") })
        #expect(lines[old + 1].contains("→ Be specific, please."))
    }

    // MARK: Filters

    func visibleMessages(_ s: AppState) -> [Message] { s.visibleLog.map { s.projection.log[$0].message } }

    @Test func filtersBySenderRecipientKindAndTextTogether() throws {
        var s = try state(steps: 8)
        let injected = Message(id: 500, step: 8, time: 20, sender: .user, recipients: .one(AgentID(3)), kind: .injected, text: "Otto, what about the rollback?")
        s.receive([Event(step: 8, time: 20, .injected(injected))])
        s.logFilter = "from:otto"
        #expect(!visibleMessages(s).isEmpty && visibleMessages(s).allSatisfy { $0.sender == .agent(AgentID(3)) })
        s.logFilter = "to:otto"
        #expect(visibleMessages(s).allSatisfy { $0.recipients.includes(AgentID(3)) && $0.sender != .agent(AgentID(3)) })
        #expect(visibleMessages(s).contains { $0.id == 500 })
        s.logFilter = "kind:injected"
        #expect(visibleMessages(s).map(\.id) == [500])
        s.logFilter = "kind:chat|system from:maya"
        #expect(!visibleMessages(s).isEmpty && visibleMessages(s).allSatisfy { $0.sender == .agent(AgentID(0)) && $0.kind == .chat })
        s.logFilter = "to:Otto kind:injected ROLLBACK"
        #expect(visibleMessages(s).map(\.id) == [500])
        s.logFilter = "from:you rollback"
        #expect(visibleMessages(s).map(\.id) == [500])
        s.logFilter = "from:zed"
        #expect(s.visibleLog.isEmpty)
        #expect(s.filterProblem?.hasPrefix("no agent 'zed'") == true)
        s.logFilter = "kind:gossip"
        #expect(s.filterProblem?.hasPrefix("no kind 'gossip'") == true)
        // A key still being typed is not an error yet.
        s.logFilter = "from:"
        #expect(s.filterProblem == nil && s.visibleLog.count == s.projection.log.count)
    }

    @Test func typingAFilterCompletesNamesAndMarksMatches() throws {
        var s = try state(steps: 8)
        _ = s.handle(.char("/"))
        type("from:ot", into: &s)
        _ = s.handle(.tab)
        #expect(s.mode == .filter("from:otto "))
        _ = s.handle(.ctrl("u"))
        type("friday", into: &s)
        _ = s.handle(.enter)
        #expect(s.logFilter == "friday")
        let buffer = AppView.render(s)
        let matched = (0..<buffer.height).flatMap { y in (0..<buffer.width).map { (x: $0, y: y) } }
            .filter { buffer[$0.x, $0.y].style.background == s.theme.warning }
        #expect(!matched.isEmpty, "the matches are marked")
        let marked = String(matched.prefix(6).map { buffer[$0.x, $0.y].character })
        #expect(marked.lowercased() == "friday")
    }

    @Test func oneKeyHidesAlgorithmChatterAndTheLogTitleSaysSo() throws {
        var s = try ScreenFixtures.state(try ScreenFixtures.scenario("dock-scheduling"), steps: 12)
        let all = s.visibleLog.count
        #expect(visibleMessages(s).contains { $0.kind == .action })
        #expect(AppView.render(s).text.contains("a hides chatter"))
        _ = s.handle(.char("a"))
        #expect(s.hideChatter)
        #expect(s.visibleLog.count < all)
        #expect(!visibleMessages(s).contains { $0.kind == .action })
        #expect(AppView.render(s).text.contains("chatter hidden (a)"))
        s.logFilter = "kind:algorithm"
        #expect(s.visibleLog.isEmpty, "hidden chatter stays hidden under a filter")
        s.logFilter = ""
        _ = s.handle(.char("a"))
        #expect(s.visibleLog.count == all)
    }

    @Test func aInARunWithoutChatterSaysThereIsNoneToHide() throws {
        var s = try state()
        _ = s.handle(.char("a"))
        #expect(!s.hideChatter, "the log title would otherwise claim chatter was hidden")
        #expect(s.notice?.text.contains("no algorithm chatter") == true)
        #expect(!AppView.render(s).text.contains("chatter hidden"))
    }

    @Test func stepCommandInAReplayStepsThePlayback() throws {
        var s = try replayState()
        #expect(s.runCommand("step") == [.replay(.events(1))])
        var live = try state()
        #expect(live.runCommand("step") == [.engine(.stepOnce)])
    }

    // MARK: Mailboxes

    @Test func mOpensTheFocusedAgentsMailboxAndKeysMoveBetweenAgents() throws {
        var s = try state()
        s.focus = .agent(2)
        _ = s.handle(.char("M"))
        #expect(s.mode == .mailboxes(agent: 2, scroll: 0))
        _ = s.handle(.right)
        #expect(s.mode == .mailboxes(agent: 3, scroll: 0))
        _ = s.handle(.tab)
        #expect(s.mode == .mailboxes(agent: 0, scroll: 0))
        _ = s.handle(.char("j"))
        #expect(s.mode == .mailboxes(agent: 0, scroll: 1))
        _ = s.handle(.char("2"))
        #expect(s.mode == .mailboxes(agent: 1, scroll: 0))
        _ = s.handle(.escape)
        #expect(s.mode == .normal)
    }

    // MARK: Fork form

    func replayState() throws -> AppState {
        var s = try state(steps: 6)
        var status = ReplayStatus(path: "x.jsonl")
        status.forkStep = 3
        s.replay = status
        return s
    }

    @Test func theForkFormChecksModelsAndStepsAtOnce() throws {
        var s = try replayState()
        _ = s.handle(.char("f"))
        type("ollama", into: &s)
        guard case .fork(let typing) = s.mode else { Issue.record("the form is open"); return }
        #expect(typing.error == nil, "no error while the word may yet become right")
        #expect(s.handle(.enter).isEmpty)
        guard case .fork(let form) = s.mode else { Issue.record("the form stays open"); return }
        #expect(form.error?.hasPrefix("unknown model 'ollama'") == true)
        // Fixing it clears the error as it is typed.
        type(":llama3", into: &s)
        guard case .fork(let fixed) = s.mode else { return }
        #expect(fixed.error == nil)
        type(" zed=offline", into: &s)
        guard case .fork(let bad) = s.mode else { return }
        #expect(bad.error?.hasPrefix("no agent 'zed'") == true)
        _ = s.handle(.ctrl("u"))
        type("offline maya=openai:gpt-4o-mini", into: &s)
        _ = s.handle(.tab)
        type("abc", into: &s)
        #expect(s.handle(.enter).isEmpty)
        guard case .fork(let badSteps) = s.mode else { return }
        #expect(badSteps.error?.hasPrefix("steps: a whole number") == true)
        _ = s.handle(.ctrl("u"))
        type("20", into: &s)
        #expect(s.handle(.enter) == [.replay(.fork)])
        #expect(s.forkRequest == ForkRequest(model: "offline maya=openai:gpt-4o-mini", moreSteps: 20))
        #expect(s.mode == .normal)
    }

    @Test func theForkFormSaysWhereABlankStepCountRunsTo() throws {
        var s = try replayState()
        let limit = s.projection.info!.maxSteps
        _ = s.handle(.char("f"))
        // Blank runs to the recording's own limit: the placeholder says how far, not "none".
        let line = try #require(AppView.render(s).text.split(separator: "\n").last)
        #expect(line.contains("more steps \(limit - 3) (to step \(limit))"), "\(line)")
        #expect(line.hasSuffix("Tab steps · Enter fork · Esc"), "the keys stay whole when the examples do not fit")
        _ = s.handle(.tab)
        #expect(try #require(AppView.render(s).text.split(separator: "\n").last).contains("runs to step \(limit)"))
        s.replay?.forkStep = limit
        #expect(try #require(AppView.render(s).text.split(separator: "\n").last).contains("more steps needed (at the limit)"))
        // At 80 columns the keys still show whole.
        s.replay?.forkStep = 3
        s.width = 80
        s.height = 24
        s.mode = .fork(ForkForm())
        let narrow = try #require(AppView.render(s).text.split(separator: "\n").last)
        #expect(narrow.contains("more steps \(limit - 3) (to \(limit))"), "\(narrow)")
        #expect(narrow.hasSuffix("Enter · Esc") && !narrow.contains("…"), "\(narrow)")
    }

    @Test func forkingAtTheRecordingsLimitAsksForMoreSteps() throws {
        var s = try replayState()
        s.replay?.forkStep = s.projection.info!.maxSteps
        _ = s.handle(.char("f"))
        #expect(s.handle(.enter).isEmpty)
        guard case .fork(let form) = s.mode else { Issue.record("the form stays open"); return }
        #expect(form.error?.contains("give more steps") == true)
        #expect(AppView.render(s).text.contains("! step \(s.projection.info!.maxSteps) is the recording's last"))
        _ = s.handle(.escape)
        #expect(s.mode == .normal && s.forkRequest == nil)
    }

    @Test func inALiveRunFSaysHowToFork() throws {
        var s = try state()
        #expect(s.handle(.char("f")).isEmpty)
        #expect(s.notice?.text.contains("palaver fork PATH --at STEP") == true)
    }
}
