import Foundation
import Testing
@testable import PalaverEngine

/// One stream, three readers: what a live run's screen folds, what its
/// session file folds to, and what a replay shows after seeking there are
/// the same projection — for every shipped scenario and several seeds.
@Suite struct ProjectionAgreementTests {
    static let scenarios = ["ship-it", "debate", "launch-team", "bilingual", "beer-game", "dock-scheduling"]

    @Test(arguments: scenarios, [UInt64(1), 7, 42])
    func liveFileAndSeekAgree(scenarioName: String, seed: UInt64) throws {
        let dir = NSTemporaryDirectory() + "palaver-agree-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/run.jsonl"
        let scenario = scenarioName == "ship-it" ? Scenario.builtIn : try ScenarioLoader(directories: ["scenarios"]).load(scenarioName)
        let run = try SessionRun(scenario: scenario, options: .init(seed: seed, maxSteps: 8, speed: .fastest, recordPath: path))

        // Live: through the same source the workbench reads.
        let source = LiveRunSource(run: run)
        let woken = DispatchSemaphore(value: 0)
        source.start(wake: { woken.signal() })
        var live = Projection()
        var liveEvents = 0
        while true {
            let finished = source.isFinished
            for event in source.take(now: 0).events { live.apply(event); liveEvents += 1 }
            if finished { break }
            _ = woken.wait(timeout: .now() + 1)
        }
        #expect(live.ended != nil, "the run ended")

        var reader = try SessionReader(path: path)
        let recorded = try reader.readAll()
        var file = Projection()
        for event in recorded { file.apply(event) }
        #expect(recorded.count == liveEvents)
        #expect(Fingerprint(file) == Fingerprint(live))

        // Seeking: to the end, back to the middle (from a snapshot), and forward again.
        let player = try SessionPlayer(path: path, checkpointInterval: 16)
        player.scan()
        try player.seek(to: player.eventCount)
        #expect(Fingerprint(player.projection) == Fingerprint(file))
        let middle = recorded.count / 2
        try player.seek(to: middle)
        var prefix = Projection()
        for event in recorded.prefix(middle) { prefix.apply(event) }
        #expect(Fingerprint(player.projection) == Fingerprint(prefix))
        try player.seek(to: player.eventCount)
        #expect(Fingerprint(player.projection) == Fingerprint(live))
    }
}

extension ProjectionAgreementTests {
    /// The same agreement for a run the user steps into: injections, an edit,
    /// a drop, a takeover with typed replies, a hand-back, mute and pause —
    /// the events whose typed fields (original text, whose mailboxes, by person) v2 added.
    @Test(arguments: [UInt64(1), 7, 42])
    func liveFileAndSeekAgreeWhenTheUserStepsIn(seed: UInt64) throws {
        let dir = NSTemporaryDirectory() + "palaver-agree-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/steps-in.jsonl"
        var injected = 0
        let events = try Fixtures.recordSteppedRun(to: path, steps: 12, seed: seed) { engine, step in
            switch step {
            case 2:
                engine.apply(.inject(text: "Ravi, be specific.", from: .user, to: .all))
                injected = engine.nextMessageID - 1
            case 3:
                engine.apply(.takeOver(AgentID(2)))
                // Read by whoever spoke at step 2, still waiting for the others.
                engine.apply(.edit(messageID: injected, text: "Ravi, be very specific."))
            case 4:
                engine.apply(.inject(text: "never mind", from: .agent(AgentID(3)), to: .some([AgentID(0), AgentID(1)])))
                engine.apply(.drop(messageID: engine.nextMessageID - 1))
            case 5: engine.apply(.mute(AgentID(3)))
            case 6: engine.apply(.pause); engine.apply(.resume)
            case 8: engine.apply(.handBack(AgentID(2)))
            default: break
            }
        }

        var live = Projection()
        for event in events { live.apply(event) }
        #expect(live.log.contains { $0.edited && $0.originalText == "Ravi, be specific." && !$0.readBeforeEdit.isEmpty })
        #expect(live.log.contains { $0.dropped && !$0.droppedFor.isEmpty })
        #expect(live.log.contains { $0.message.author == .person })
        var reader = try SessionReader(path: path)
        let recorded = try reader.readAll()
        #expect(recorded == events)
        var file = Projection()
        for event in recorded { file.apply(event) }
        #expect(Fingerprint(file) == Fingerprint(live))
        let player = try SessionPlayer(path: path, checkpointInterval: 16)
        player.scan()
        for k in [recorded.count, recorded.count / 3, recorded.count * 2 / 3, 1] {
            try player.seek(to: k)
            var prefix = Projection()
            for event in recorded.prefix(k) { prefix.apply(event) }
            #expect(Fingerprint(player.projection) == Fingerprint(prefix), "after seeking to \(k)")
        }
    }
}

/// What a projection shows, as comparable values.
struct Fingerprint: Equatable, CustomStringConvertible {
    var lines: [String]

    init(_ p: Projection) {
        var lines = ["step \(p.step) time \(p.time) events \(p.eventCount) paused \(p.paused) speed \(p.speed)",
                     "ended \(String(describing: p.ended)) tokens \(p.totalTokens) cost \(p.totalCost) week \(String(describing: p.environmentWeek))"]
        for agent in p.agents {
            lines.append("\(agent.spec.id) \(agent.status) «\(agent.streaming)» recent \(agent.recent) sent \(agent.messagesSent) "
                + "tok \(agent.promptTokens)/\(agent.completionTokens) calls \(agent.calls) muted \(agent.muted) taken \(agent.takenOver) "
                + "error \(agent.lastError ?? "-") action \(agent.lastAction.map { "\($0)" } ?? "-") reward \(agent.totalReward) readings \(agent.readings) invalid \(agent.invalidActions)")
        }
        for i in 0..<p.log.count {
            let entry = p.log[i]
            let m = entry.message
            lines.append("#\(m.id) s\(m.step) t\(m.time) \(m.sender)→\(m.recipients) \(m.kind) by \(m.author.map(\.rawValue) ?? "-") \(m.coordination.map { "\($0)" } ?? "") «\(m.text)» d\(entry.deliveries) e\(entry.edited) x\(entry.dropped) "
                + "pending \(entry.pending.members) read \(entry.readBy.members) original \(entry.originalText ?? "-") droppedFor \(entry.droppedFor.members)")
        }
        for (edge, count) in p.edges.sorted(by: { "\($0.key)" < "\($1.key)" }) { lines.append("edge \(edge) \(count)") }
        for step in p.plan { lines.append("plan \(step.step) " + step.values.map { "\($0.variable)=\($0.value)" }.joined(separator: " ")) }
        for notice in p.notices { lines.append("notice \(notice)") }
        self.lines = lines
    }

    var description: String { lines.joined(separator: "\n") }
}
