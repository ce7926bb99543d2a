import Testing
@testable import PalaverEngine
@testable import PalaverTUI

/// Keys in, effects out: the keymap and update rules without a terminal.
@Suite struct UpdateTests {
    func state() throws -> AppState { try ScreenFixtures.state(steps: 4, width: 120, height: 40) }

    func type(_ text: String, into state: inout AppState) -> [AppEffect] {
        var effects: [AppEffect] = []
        for c in text { effects += state.handle(.char(c)) }
        return effects
    }

    @Test func spaceStepAndSpeedGoToTheEngine() throws {
        var s = try state()
        #expect(s.handle(.char(" ")) == [.engine(.pause)])
        #expect(s.handle(.char(".")) == [.engine(.stepOnce)])
        #expect(s.handle(.char("+")) == [.engine(.setSpeed(.fastest))])
        s.receive([Event(step: 4, time: 0, .control(.speed(.factor(2))))])
        #expect(s.handle(.char("+")) == [.engine(.setSpeed(.factor(4)))])
        #expect(s.handle(.char("-")) == [.engine(.setSpeed(.factor(1)))])
        s.receive([Event(step: 4, time: 0, .control(.pause))])
        #expect(s.handle(.char(" ")) == [.engine(.resume)])
    }

    @Test func composeInjectsToOneSeveralOrAllOrAsAnAgent() throws {
        var s = try state()
        _ = s.handle(.char("i"))
        _ = type("@ravi hello", into: &s)
        #expect(s.handle(.enter) == [.engine(.inject(text: "hello", from: .user, to: .one(AgentID(1))))])
        #expect(s.mode == .normal)
        _ = s.handle(.char("i"))
        _ = type("@maya @otto both of you", into: &s)
        #expect(s.handle(.enter) == [.engine(.inject(text: "both of you", from: .user, to: .some([AgentID(0), AgentID(3)])))])
        _ = s.handle(.char("i"))
        _ = type("everyone listen", into: &s)
        #expect(s.handle(.enter) == [.engine(.inject(text: "everyone listen", from: .user, to: .all))])
        _ = s.handle(.char("i"))
        _ = type("as:lena I agree", into: &s)
        #expect(s.handle(.enter) == [.engine(.inject(text: "I agree", from: .agent(AgentID(2)), to: .all))])
    }

    @Test func composeCompletesNamesAndRejectsUnknownOnes() throws {
        var s = try state()
        _ = s.handle(.char("i"))
        _ = type("@ot", into: &s)
        _ = s.handle(.tab)
        #expect(s.mode == .compose("@otto "))
        _ = type("x", into: &s)
        _ = s.handle(.backspace)
        _ = s.handle(.escape)
        #expect(s.mode == .normal)
        _ = s.handle(.char("i"))
        _ = type("@zed hi", into: &s)
        #expect(s.handle(.enter).isEmpty)
        // The error shows at once, in the prompt itself, which keeps the text to fix.
        #expect(s.promptError?.contains("no agent 'zed'") == true)
        #expect(s.mode == .compose("@zed hi"))
        var line = AppView.render(s).text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(line.hasPrefix("inject ▸ @zed hi"))
        #expect(line.contains("! no agent 'zed'"))
        // The next key clears it.
        _ = s.handle(.backspace)
        #expect(s.promptError == nil)
        line = AppView.render(s).text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(!line.contains("no agent"))
        // Addressed but empty: said, in the prompt, naming who it was for.
        _ = s.handle(.ctrl("u"))
        _ = type("@ravi", into: &s)
        #expect(s.handle(.enter).isEmpty)
        #expect(s.promptError == "nothing to send: write the message after @ravi")
        line = AppView.render(s).text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(line.contains("! nothing to send: write the message after @ravi"))
    }

    @Test func editAndDropWorkOnTheSelectedLogMessage() throws {
        var s = try state()
        s.focus = .log
        let newest = try #require(s.selectedLogEntry).message
        #expect(s.handle(.char("d")) == [.engine(.drop(messageID: newest.id))])
        _ = s.handle(.char("k"))
        let previous = try #require(s.selectedLogEntry).message
        #expect(previous.id == newest.id - 1)
        _ = s.handle(.char("e"))
        #expect(s.mode == .edit(messageID: previous.id, previous.text))
        _ = s.handle(.ctrl("u"))
        _ = type("shorter", into: &s)
        #expect(s.handle(.enter) == [.engine(.edit(messageID: previous.id, text: "shorter"))])
        s.focus = .agent(0)
        #expect(s.handle(.char("d")).isEmpty)
        #expect(s.notice?.isError == true)
    }

    @Test func muteAndTakeOverActOnTheFocusedAgent() throws {
        var s = try state()
        s.focus = .log
        #expect(s.handle(.char("t")).isEmpty)
        s.moveFocus(by: 1)
        s.moveFocus(by: 1)
        #expect(s.focus == .agent(0))
        #expect(s.handle(.char("m")) == [.engine(.mute(AgentID(0)))])
        #expect(s.handle(.char("t")) == [.engine(.takeOver(AgentID(0)))])
        s.receive([Event(step: 5, time: 0, .takeover(agent: AgentID(0), active: true)),
                   Event(step: 5, time: 0, .callStarted(agent: AgentID(0), model: "human"))])
        #expect(s.agentsAwaitingUser == [AgentID(0)])
        _ = s.handle(.char("r"))
        _ = type("my words", into: &s)
        #expect(s.handle(.enter) == [.engine(.reply(AgentID(0), text: "my words"))])
        #expect(s.handle(.char("t")) == [.engine(.handBack(AgentID(0)))])
    }

    @Test func commandModeRunsCommands() throws {
        var s = try state()
        func command(_ line: String) -> [AppEffect] {
            _ = s.handle(.char(":"))
            _ = type(line, into: &s)
            return s.handle(.enter)
        }
        #expect(command("speed 4") == [.engine(.setSpeed(.factor(4)))])
        #expect(command("speed 500").isEmpty)
        #expect(command("theme high-contrast") == [.loadTheme("high-contrast")])
        #expect(command("inject @maya hi") == [.engine(.inject(text: "hi", from: .user, to: .one(AgentID(0))))])
        #expect(command("pause") == [.engine(.pause)])
        #expect(command("save") == [.save(to: nil)])
        #expect(command("save /tmp/x.jsonl") == [.save(to: "/tmp/x.jsonl")])
        #expect(command("frobnicate").isEmpty)
        #expect(s.notice?.text.contains("unknown command") == true)
        #expect(command("quit") == [.quit])
    }

    @Test func filterByTextOrAgent() throws {
        var s = try state()
        _ = s.handle(.char("/"))
        _ = type("@ravi", into: &s)
        _ = s.handle(.enter)
        #expect(!s.visibleLog.isEmpty)
        #expect(s.visibleLog.allSatisfy { i in
            let m = s.projection.log[i].message
            return m.sender == .agent(AgentID(1)) || m.recipients.includes(AgentID(1))
        })
        _ = s.handle(.char("/"))
        _ = s.handle(.escape)
        #expect(s.logFilter.isEmpty)
        #expect(s.visibleLog.count == s.projection.log.count)
    }

    @Test func scrollingAwayStopsFollowingAndGFollowsAgain() throws {
        var s = try state()
        s.focus = .log
        _ = s.handle(.char("k"))
        #expect(s.logSelection != nil)
        #expect(AppView.render(s).text.contains("scrolled · G to follow"))
        _ = s.handle(.char("G"))
        #expect(s.logSelection == nil)
        #expect(AppView.render(s).text.contains("following"))
    }

    @Test func mouseClickFocusesThePaneUnderIt() throws {
        var s = try state()
        let layout = s.layout
        let rect = layout.agents[2]
        s.handle(.click(x: rect.x + 3, y: rect.y + 2))
        #expect(s.focus == .agent(2))
        s.handle(.wheelUp(x: layout.log.x + 2, y: layout.log.y + 2))
        #expect(s.focus == .log)
        #expect(s.logSelection != nil)
    }

    @Test func unknownKeysSayWhatToDo() throws {
        var s = try state()
        #expect(s.handle(.char("z")).isEmpty)
        #expect(s.notice?.text.contains("press ?") == true)
        #expect(s.handle(.char("q")) == [.quit])
    }

    @Test func pWithoutAGraphPaneSaysWhy() throws {
        var narrow = try ScreenFixtures.state(steps: 2, width: 80, height: 24)
        #expect(narrow.layout.graph == nil)
        _ = narrow.handle(.char("p"))
        #expect(!narrow.graphShowsPolicy)
        #expect(narrow.notice?.text.contains("needs 90 columns or more; this terminal is 80×24") == true)
        var wide = try ScreenFixtures.state(steps: 2, width: 120, height: 40)
        _ = wide.handle(.char("p"))
        #expect(wide.graphShowsPolicy)
    }

    @Test func everyBindingHasHelpOrSharesALine() {
        let keymap = Keymap.standard
        let described = Set(keymap.bindings.filter { !$0.help.isEmpty }.map(\.action))
        // Actions without their own help line share one with their partner (e.g. faster / slower).
        let partners: [Action: Action] = [.slower: .faster, .focusPrevious: .focusNext, .scrollUp: .scrollDown,
                                          .pageUp: .pageDown, .scrollBottom: .scrollTop, .stepBack: .stepForward,
                                          .previousMessage: .nextMessage, .jumpBack: .jumpForward,
                                          .dropMessage: .editMessage, .restoreMessage: .editMessage, .quit: .help]
        for binding in keymap.bindings where binding.help.isEmpty {
            #expect(partners[binding.action].map(described.contains) == true, "\(binding.action) has no help")
        }
        var seen = Set<Key>()
        for binding in keymap.bindings { for key in binding.keys { #expect(seen.insert(key).inserted, "\(key) bound twice") } }
    }
}

/// Typed numbers are untrusted too: a huge :goto is refused, not a trap.
@Suite struct HostileCommandTests {
    @Test func gotoWithAbsurdNumbersIsRefused() throws {
        var s = try ScreenFixtures.state(steps: 4, width: 120, height: 40)
        s.replay = ReplayStatus(path: "x.jsonl")
        for line in ["goto 999999999999999999:0", "goto 99999999999999999999", "goto -5", "goto 1:nan", "goto 1:inf"] {
            #expect(s.runCommand(line) == [], "\(line)")
        }
        #expect(s.runCommand("goto 12") == [.replay(.goToStep(12))])
        #expect(s.runCommand("goto 01:30") == [.replay(.goToTime(90))])
    }
}
