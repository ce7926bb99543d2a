import Testing
@testable import PalaverEngine
@testable import PalaverTUI

/// Each v1 example (kept under Tests/SessionsV1) replays to the same screens as
/// its v2 re-recording in sessions/examples, made with the same scenario, seed,
/// speed and steps.
@Suite struct SessionV1ScreenTests {
    static let names = ["ship-it", "debate", "bilingual", "launch-team", "beer-game", "dock-scheduling"]

    /// What the clock measured in the v1 recording, put on the re-recording's
    /// event: times, latencies, stream timings and (beer game, dock scheduling:
    /// prompts have grown since) token counts. Everything else must already agree.
    func measured(from old: Event, onto new: Event) -> Event {
        var out = new
        out.time = old.time
        switch (old.body, new.body) {
        case (.callFinished(_, let usage), .callFinished(let agent, _)):
            out.body = .callFinished(agent: agent, usage: usage)
        case (.messageSent(let o), .messageSent(let n)):
            out.body = .messageSent(Message(id: n.id, step: n.step, time: o.time, sender: n.sender, recipients: n.recipients,
                                            kind: n.kind, text: n.text, metadata: o.metadata, author: n.author, coordination: n.coordination))
        case (.sessionEnded(let summary), .sessionEnded):
            out.body = .sessionEnded(summary)
        case (.sessionStarted, .sessionStarted(var info)):
            // v1 files hold no copies of the files a run read.
            info.inputs = SessionInputs()
            out.body = .sessionStarted(info)
        default:
            break
        }
        return out
    }

    func screen(_ projection: Projection) -> String {
        var state = AppState(width: 120, height: 40)
        state.projection = projection
        state.now = 100
        return AppView.render(state).text
    }

    @Test(arguments: names) func aV1ExampleReplaysToTheScreensOfItsV2ReRecording(name: String) throws {
        var v1 = try SessionReader(path: "Tests/SessionsV1/\(name).jsonl")
        var v2 = try SessionReader(path: "sessions/examples/\(name).jsonl")
        #expect(v1.header.version == 1)
        #expect(v2.header.version == SessionHeader.formatVersion)
        let old = try v1.readAll()
        let new = try v2.readAll()
        try #require(old.count == new.count, "\(name): \(old.count) events in v1, \(new.count) in v2")
        let aligned = zip(old, new).map { measured(from: $0, onto: $1) }
        // The v1 mapping gives exactly the typed events the engine writes today.
        for (i, (a, b)) in zip(old, aligned).enumerated() where a != b {
            Issue.record("\(name) event \(i + 1): v1 reads as \(a.body), v2 holds \(b.body)")
            break
        }
        let stepStarts = new.indices.filter { if case .stepStarted = new[$0].body { true } else { false } }
        let checkpoints = [1, stepStarts[stepStarts.count / 3], stepStarts[stepStarts.count * 2 / 3], new.count]
        var left = Projection(), right = Projection()
        var done = 0
        for k in checkpoints {
            for i in done..<k { left.apply(old[i]); right.apply(aligned[i]) }
            done = k
            #expect(screen(left) == screen(right), "\(name): the screens differ after event \(k)")
        }
    }
}
