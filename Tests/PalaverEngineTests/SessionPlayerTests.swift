import Foundation
import Testing
@testable import PalaverEngine

@Suite struct SessionPlayerTests {
    /// What a screen could show of a projection, as text to compare.
    static func fingerprint(_ p: Projection) -> String {
        var out = "step \(p.step) events \(p.eventCount) tokens \(p.totalTokens) paused \(p.paused) ended \(p.ended != nil)\n"
        for a in p.agents { out += "\(a.spec.id) \(a.status) [\(a.streaming)] \(a.recent) \(a.promptTokens)+\(a.completionTokens) \(a.muted) \(a.takenOver)\n" }
        for e in p.log { out += "\(e.message.id) \(e.message.text) \(e.deliveries) \(e.edited) \(e.dropped)\n" }
        for (edge, n) in p.edges.sorted(by: { "\($0.key)" < "\($1.key)" }) { out += "\(edge) \(n)\n" }
        return out
    }

    @Test(arguments: ["ship-it", "launch-team"])
    func seekingAnywhereMatchesPlayingForward(name: String) throws {
        let path = "sessions/examples/\(name).jsonl"
        var reader = try SessionReader(path: path)
        let events = try reader.readAll()
        let player = try SessionPlayer(path: path, checkpointInterval: 50)
        player.scan()
        #expect(player.isIndexed)
        #expect(player.eventCount == events.count)
        var targets = [events.count, 1, 0, 200, 199, 51, 50, 49, events.count / 2, 7, events.count - 1]
        var rng = SeededGenerator(seed: 3)
        for _ in 0..<20 { targets.append(Int.random(in: 0...events.count, using: &rng)) }
        for k in targets {
            try player.seek(to: k)
            var forward = Projection()
            for e in events.prefix(k) { forward.apply(e) }
            #expect(player.position == k)
            #expect(Self.fingerprint(player.projection) == Self.fingerprint(forward), "seek to \(k)")
        }
    }

    @Test func stepsMessagesAndTimes() throws {
        let path = "sessions/examples/ship-it.jsonl"
        let player = try SessionPlayer(path: path, checkpointInterval: 64)
        player.scan()
        // Steps are numbered one way everywhere: :goto 5 shows step 5 done, and a fork from there forks at step 5.
        try player.seek(toStep: 5)
        #expect(player.projection.step == 5)
        #expect(player.lastCompletedStep == 5)
        #expect(player.projection.log.last?.message.step == 5)
        try player.step(steps: 1)
        #expect(player.projection.step == 6)
        #expect(player.lastCompletedStep == 6)
        try player.step(steps: -2)
        #expect(player.projection.step == 4)
        #expect(player.lastCompletedStep == 4)
        try player.step(events: -1)
        try player.step(steps: -1)
        #expect(player.lastCompletedStep == 3, "from the middle of step 4, back is the end of step 3")
        try player.seek(toStep: 0)
        #expect(player.lastCompletedStep == 0)
        #expect(player.projection.step == 0)
        // Next message of Ravi (agent 1) lands just after it.
        let found = try player.step(messagesOf: AgentID(1), by: 1)
        #expect(found)
        #expect(player.projection.log.last?.message.sender == .agent(AgentID(1)))
        let t = player.time(ofEvent: player.eventCount / 2)
        try player.seek(toTime: t)
        #expect(player.currentTime <= t + 0.001)
        try player.seek(to: player.eventCount)
        #expect(player.projection.ended != nil)
        #expect(player.lastCompletedStep == player.stepCount)
    }

    /// A two-step recording whose run stood paused for 210 s in step 1, in a temporary folder the caller removes.
    private func pausedRecording() throws -> (player: SessionPlayer, folder: String) {
        let dir = NSTemporaryDirectory() + "palaver-paused-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/paused.jsonl"
        let writer = try SessionWriter(path: path)
        for event in [Event(step: 0, time: 0, .sessionStarted(Fixtures.info(2))),
                      Event(step: 1, time: 0.5, .stepStarted),
                      Event(step: 1, time: 1, .control(.pause)),
                      Event(step: 1, time: 211, .control(.resume)),
                      Event(step: 2, time: 211.5, .stepStarted)] { writer.receive(event) }
        writer.close()
        let player = try SessionPlayer(path: path)
        player.scan()
        return (player, dir)
    }

    @Test func playbackSkipsTheTimeARunStoodPaused() throws {
        let (player, dir) = try pausedRecording()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(player.pausedSpans == [SessionPlayer.PausedSpan(event: 3, seconds: 210)])
        // Playback paces by play time: the 210 s pause shrinks to what is kept of it.
        #expect(player.playTime(ofEvent: 2) == 1)
        #expect(abs(player.playTime(ofEvent: 3) - (1 + SessionPlayer.pausedGapKept)) < 1e-9)
        #expect(abs(player.playTime(ofEvent: 4) - (1.5 + SessionPlayer.pausedGapKept)) < 1e-9)
        // The recorded times stay as they were (for :goto and the status line).
        #expect(player.time(ofEvent: 3) == 211)
    }

    @Test func aReplayPlaysPastAPauseInAMomentByItsOwnClock() throws {
        let (player, dir) = try pausedRecording()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = RecordingSource(player: player)
        // The clock is the caller's: `now` goes in, nothing reads the wall clock.
        _ = source.take(now: 100)
        #expect(player.position == 1)
        _ = source.take(now: 101.1)
        #expect(player.position == 3)          // up to the pause
        // The resume is due after what is kept of the pause, not 210 s later.
        #expect(abs((source.nextDue(now: 101.1) ?? .infinity) - (101.1 + 1 + SessionPlayer.pausedGapKept - 1.1)) < 1e-9)
        let update = source.take(now: 101.1 + SessionPlayer.pausedGapKept)
        #expect(player.position == 4)
        #expect(update.playback?.pausedSpans == [SessionPlayer.PausedSpan(event: 3, seconds: 210)])
        _ = source.take(now: 102)
        #expect(player.position == 5)
        // The status line keeps the recorded clock: the run really took 211.5 s.
        #expect(update.playback?.totalTime == 211.5)
    }

}
