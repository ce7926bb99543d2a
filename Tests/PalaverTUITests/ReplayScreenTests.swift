import Testing
@testable import PalaverEngine
@testable import PalaverTUI

/// A replay's screens: seeking and stepping back show exactly what playing forward shows.
@Suite struct ReplayScreenTests {
    func screen(_ projection: Projection, position: Int, total: Int) -> Buffer {
        var state = AppState(width: 120, height: 40)
        state.projection = projection
        var replay = ReplayStatus(path: "sessions/examples/ship-it.jsonl")
        replay.playing = false
        replay.position = position
        replay.total = total
        replay.indexed = 1
        state.replay = replay
        state.now = 100
        return AppView.render(state)
    }

    @Test func seekingBackAndForthGivesTheSameScreenAsPlayingForward() throws {
        let path = "sessions/examples/ship-it.jsonl"
        var reader = try SessionReader(path: path)
        let events = try reader.readAll()
        let player = try SessionPlayer(path: path, checkpointInterval: 64)
        player.scan()
        for k in [events.count, 300, 17, 299, 301, 64, 1, 250] {
            try player.seek(to: k)
            var forward = Projection()
            for e in events.prefix(k) { forward.apply(e) }
            #expect(screen(player.projection, position: k, total: events.count) == screen(forward, position: k, total: events.count),
                    "screen after seeking to \(k)")
        }
        // One event back, then forward again, is where we started.
        try player.seek(to: 200)
        let before = screen(player.projection, position: 200, total: events.count)
        try player.step(events: -1)
        try player.step(events: 1)
        #expect(screen(player.projection, position: player.position, total: events.count) == before)
    }

    @Test func replayScreenShowsTimelineAndReplayKeys() throws {
        let player = try SessionPlayer(path: "sessions/examples/ship-it.jsonl")
        player.scan()
        try player.seek(toStep: 6)
        let text = screen(player.projection, position: player.position, total: player.eventCount).text
        assertSnapshot(text, named: "screen-replay-120x40")
        #expect(text.contains("REPLAY"))
        #expect(text.contains("f fork here"))
        #expect(text.contains("event \(player.position)/\(player.eventCount)"))
        // At 80 columns too, with the beer game's w taking room, the bottom line offers the fork.
        let beer = try SessionPlayer(path: "sessions/examples/beer-game.jsonl")
        beer.scan()
        try beer.seek(toStep: 4)
        var narrow = AppState(width: 80, height: 24)
        narrow.projection = beer.projection
        narrow.replay = ReplayStatus(path: "sessions/examples/beer-game.jsonl")
        let bottom = AppView.render(narrow).text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(bottom.contains("w weeks chart") && bottom.contains("f fork here"), "\(bottom)")
    }

    @Test func theTimelineMarksASkippedPauseAndSaysHowLongItReallyWas() throws {
        var state = AppState(width: 120, height: 40)
        var replay = ReplayStatus(path: "x.jsonl")
        replay.total = 400
        replay.pausedSpans = [SessionPlayer.PausedSpan(event: 200, seconds: 210)]
        replay.position = 100
        state.replay = replay
        let before = AppView.render(state).text
        #expect(before.contains("‖"))                       // the marker, ahead of the playhead
        #expect(!before.contains("paused 3m30s skipped"))
        replay.position = 205
        state.replay = replay
        #expect(AppView.render(state).text.contains("‖ paused 3m30s skipped"))
        replay.position = 300
        state.replay = replay
        #expect(!AppView.render(state).text.contains("skipped"))
        #expect(TimelineBar.span(42) == "42s" && TimelineBar.span(3605) == "1h00m" && TimelineBar.span(65) == "1m05s")
    }

    @Test func replayKeysMoveTheRecordingAndLiveKeysExplainForking() throws {
        var state = AppState(width: 120, height: 40)
        state.replay = ReplayStatus(path: "x.jsonl")
        #expect(state.handle(.char(" ")) == [.replay(.togglePlay)])
        #expect(state.handle(.char(",")) == [.replay(.events(-1))])
        #expect(state.handle(.char(".")) == [.replay(.events(1))])
        #expect(state.handle(.left) == [.replay(.steps(-1))])
        #expect(state.handle(.right) == [.replay(.steps(1))])
        #expect(state.handle(.char("}")) == [.replay(.percent(10))])
        // f asks for models and steps first; Enter with both left as they are forks as recorded.
        #expect(state.handle(.char("f")).isEmpty)
        #expect(state.mode == .fork(ForkForm()))
        #expect(state.handle(.enter) == [.replay(.fork)])
        #expect(state.forkRequest == ForkRequest())
        #expect(state.handle(.char("+")) == [.replay(.setSpeed(.factor(2)))])
        #expect(state.handle(.char("i")).isEmpty)
        #expect(state.notice?.text.contains("press f to fork") == true)
        _ = state.handle(.char(":"))
        for c in "goto 01:30" { _ = state.handle(.char(c)) }
        #expect(state.handle(.enter) == [.replay(.goToTime(90))])
        _ = state.handle(.char(":"))
        for c in "goto 12" { _ = state.handle(.char(c)) }
        #expect(state.handle(.enter) == [.replay(.goToStep(12))])
        _ = state.handle(.char(":"))
        for c in "speed max" { _ = state.handle(.char(c)) }
        #expect(state.handle(.enter) == [.replay(.setSpeed(.fastest))])
        // In a live run the replay keys say where they work.
        var live = AppState(width: 120, height: 40)
        #expect(live.handle(.char(",")).isEmpty)
        #expect(live.notice?.text.contains("palaver replay") == true)
    }
}
