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
        try player.seek(toStep: 5)
        #expect(player.projection.step == 5)
        try player.step(steps: 1)
        #expect(player.projection.step == 6)
        try player.step(steps: -2)
        #expect(player.projection.step == 4)
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
}
