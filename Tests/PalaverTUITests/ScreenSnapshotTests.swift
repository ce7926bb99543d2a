import PalaverEngine
import Testing
@testable import PalaverEngine
@testable import PalaverTUI

/// Whole screens on the test backend, compared with checked-in snapshots.
@Suite struct ScreenSnapshotTests {
    @Test func defaultScenarioAt120x40() throws {
        let state = try ScreenFixtures.state(steps: 9)
        assertSnapshot(AppView.render(state).text, named: "screen-ship-it-120x40")
    }

    @Test func bilingualScreenKeepsWideCharactersWhole() throws {
        let state = try ScreenFixtures.state(try ScreenFixtures.scenario("bilingual"), steps: 8, width: 100, height: 30)
        let buffer = AppView.render(state)
        assertSnapshot(buffer.text, named: "screen-bilingual-100x30")
        // Every wide character is followed by its continuation cell, and no row is wider than the screen.
        for y in 0..<buffer.height {
            for x in 0..<buffer.width where buffer[x, y].width == 2 {
                #expect(x + 1 < buffer.width && buffer[x + 1, y].isContinuation)
            }
            #expect(DisplayWidth.of(buffer.text.split(separator: "\n", omittingEmptySubsequences: false)[y].description) <= buffer.width)
        }
    }

    @Test func smallestSupportedScreen() throws {
        let state = try ScreenFixtures.state(steps: 6, width: 40, height: 12)
        assertSnapshot(AppView.render(state).text, named: "screen-40x12")
    }

    @Test func tooSmallSaysSo() throws {
        let state = try ScreenFixtures.state(steps: 2, width: 39, height: 11)
        let text = AppView.render(state).text
        #expect(text.contains("terminal too small"))
        #expect(text.contains("39×11"))
    }

    @Test func helpOverlayIsGeneratedFromTheKeymap() throws {
        var state = try ScreenFixtures.state(steps: 3, width: 100, height: 40)
        _ = state.handle(.char("?"))
        let text = AppView.render(state).text
        assertSnapshot(text, named: "screen-help-100x40")
        for section in Keymap.standard.helpSections(replay: false) {
            // Long texts wrap within their column: every word is there, none cut.
            let words = Set(text.split(whereSeparator: { $0 == " " || $0 == "┃" || $0 == "\n" }).map(String.init))
            for line in section.lines {
                for word in line.text.split(separator: " ") { #expect(words.contains(String(word)), "help shows \(word) of \(line.text)") }
            }
        }
    }

    @Test func helpScrollsWhereItDoesNotFitSoEveryKeyCanBeRead() throws {
        var state = try ScreenFixtures.state(steps: 3, width: 80, height: 24)
        _ = state.handle(.char("?"))
        var seen = AppView.render(state).text
        #expect(seen.contains("↓ more below"))
        assertSnapshot(seen, named: "screen-help-80x24")
        // j and PgDn scroll (they do not close it) until the last row shows; then any other key closes.
        for _ in 0..<40 {
            _ = state.handle(.pageDown)
            seen += AppView.render(state).text
        }
        #expect(state.mode != .normal)
        #expect(AppView.render(state).text.contains("↑ more above"))
        for section in Keymap.standard.helpSections(replay: false) {
            for line in section.lines { #expect(seen.contains(line.keys), "\(line.keys) can be scrolled to") }
        }
        _ = state.handle(.char("k"))
        #expect(state.mode != .normal)
        _ = state.handle(.char("x"))
        #expect(state.mode == .normal)
    }

    @Test func helpAtTheSmallestScreenSaysHowToScrollInFull() throws {
        var state = try ScreenFixtures.state(steps: 3, width: 40, height: 12)
        _ = state.handle(.char("?"))
        let text = AppView.render(state).text
        #expect(text.contains("↓ j k scroll · other keys close"), "\(text)")
        #expect(!text.contains("PgDn …"))
    }

    @Test func helpFittingTheScreenClosesOnAnyKey() throws {
        var state = try ScreenFixtures.state(steps: 3, width: 200, height: 60)
        _ = state.handle(.char("?"))
        #expect(AppView.render(state).text.contains("Any key closes this help."))
        _ = state.handle(.char("j"))
        #expect(state.mode == .normal)
    }

    @Test func helpListsTheKeysOfALiveRunOrOfAReplay() throws {
        var live = try ScreenFixtures.state(steps: 3, width: 200, height: 60)
        _ = live.handle(.char("?"))
        let liveText = AppView.render(live).text
        #expect(liveText.contains("inject: @name text"))
        #expect(liveText.contains("pause / resume"))
        #expect(!liveText.contains("one step forward / back"), "replay keys do nothing live")
        var replay = try ScreenFixtures.state(steps: 3, width: 200, height: 60)
        replay.replay = ReplayStatus(path: "x.jsonl")
        _ = replay.handle(.char("?"))
        let replayText = AppView.render(replay).text
        #expect(replayText.contains("one step forward / back"))
        #expect(replayText.contains("play / pause"))
        #expect(!replayText.contains("inject: @name text"), "a recording is stepped into by forking it")
        #expect(replayText.contains("fork: continue live from here"))
    }

    @Test func anEndedRunsHintsOfferOnlyWhatStillWorks() throws {
        var state = try ScreenFixtures.state(steps: 3, width: 120, height: 40)
        let running = try #require(AppView.render(state).text.split(separator: "\n").last)
        #expect(running.hasPrefix("space pause"))
        state.receive([Event(step: 3, time: 9, .sessionEnded(Summary(reason: .steps, steps: 3, messages: 4, tokens: 466, durationSeconds: 9)))])
        let ended = try #require(AppView.render(state).text.split(separator: "\n").last)
        // Pausing, stepping, injecting or taking over would each only say the run has ended.
        for stale in ["space", ". step", "i inject", "t take over"] { #expect(!ended.contains(stale), "\(stale) in \(ended)") }
        #expect(ended.contains("c inspect a call"))
        #expect(ended.hasSuffix("? help · q quit"))
    }

    @Test func aNoticeTooLongForTheBottomLineIsShownWholeAboveTheStatusBar() throws {
        var state = try ScreenFixtures.state(steps: 3, width: 80, height: 24)
        _ = state.handle(.char("w"))  // ship-it has no weeks: the reason is longer than 80 columns
        let notice = try #require(state.notice?.text)
        #expect(DisplayWidth.of(notice) > 78)
        let rows = AppView.render(state).text.split(separator: "\n").map(String.init)
        // Every word of it is on screen, just above the status bar; the bottom line keeps the keys.
        let band = rows[rows.count - 4...rows.count - 3].joined(separator: " ")
        for word in notice.split(separator: " ") { #expect(band.contains(word), "\(word) in \(band)") }
        #expect(rows[rows.count - 2].contains("ship-it"), "the status bar stays")
        #expect(rows[rows.count - 1].hasSuffix("? help · q quit"))
        // A short one stays on the bottom line, and the log is not covered.
        _ = state.handle(.char("z"))
        let short = AppView.render(state).text.split(separator: "\n").map(String.init)
        #expect(short.last?.hasPrefix("› 'z' does nothing here") == true)
        #expect(short[short.count - 3].hasPrefix("┗") || short[short.count - 3].hasPrefix("╰"))
        // Once it has faded, nothing is left over the log.
        state.now += 6
        _ = state.handle(.char("w"))
        state.now += 6
        let faded = AppView.render(state).text.split(separator: "\n").map(String.init)
        #expect(!faded.joined().contains("weeks chart"))
    }

    @Test func composingShowsWhatIsTyped() throws {
        var state = try ScreenFixtures.state(steps: 3, width: 100, height: 30)
        _ = state.handle(.char("i"))
        for c in "@ravi why Tuesday?" { _ = state.handle(.char(c)) }
        let text = AppView.render(state).text
        #expect(text.split(separator: "\n").last?.hasPrefix("inject ▸ @ravi why Tuesday?") == true)
    }

    @Test func messageDetailShowsTheWholeMessage() throws {
        var state = try ScreenFixtures.state(steps: 4, width: 100, height: 30)
        state.focus = .log
        // The scenario's opening message came from no model call: Enter shows it in full.
        _ = state.handle(.char("g"))
        _ = state.handle(.enter)
        let text = AppView.render(state).text
        #expect(text.contains("Message"))
        #expect(text.contains("step 0 · 00:00 · system · id 1 in the session file"))
    }

    @Test func hostileTextNeverReachesTheScreenAsControls() throws {
        var state = try ScreenFixtures.state(steps: 1, width: 100, height: 30)
        let info = try #require(state.projection.info)
        let evil = Message(id: 99, step: 1, time: 1, sender: .agent(AgentID(0)), recipients: .all, kind: .chat,
                           text: "hi \u{1B}]0;owned\u{07}\u{1B}[2J\u{1B}[31mred\u{07}\u{08}")
        state.receive([Event(step: 1, time: 1, .messageSent(evil))])
        let buffer = AppView.render(state)
        #expect(info.agents.count == 4)
        #expect(buffer.cells.allSatisfy { cell in !cell.character.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } })
        #expect(buffer.text.contains("red"))
        #expect(!buffer.text.contains("owned"))
    }
}
