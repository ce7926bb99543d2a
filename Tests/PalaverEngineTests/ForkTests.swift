import Foundation
import Testing
@testable import PalaverEngine

@Suite struct ForkTests {
    static func path(_ name: String) -> String { NSTemporaryDirectory() + "palaver-fork-\(getpid())-\(name).jsonl" }

    /// Runs a scenario headless to a file and returns its events.
    static func record(_ scenario: Scenario, steps: Int, to path: String) throws -> [Event] {
        let log = EventLog()
        try SessionRun(scenario: scenario, options: .init(maxSteps: steps, speed: .fastest, recordPath: path), sinks: [log]).run()
        return log.events
    }

    static func fork(_ path: String, at step: Int, to out: String? = nil) throws -> [Event] {
        let log = EventLog()
        try SessionRun(forking: path, at: step, options: .init(speed: .fastest, recordPath: out), sinks: [log], handBack: true).run()
        return log.events
    }

    @Test(arguments: ["ship-it", "launch-team", "bilingual", "beer-game", "dock-scheduling"])
    func aForkContinuedWithoutInterventionRepeatsItsParent(name: String) throws {
        let scenario = try ScenarioLoader(directories: ["scenarios"]).load(name)
        let parentPath = Self.path("parent-\(name)")
        defer { try? FileManager.default.removeItem(atPath: parentPath) }
        let parent = try Self.record(scenario, steps: 9, to: parentPath).map(\.withoutWallClock)
        for k in [0, 1, 4, 8] {
            let fork = try Self.fork(parentPath, at: k).map(\.withoutWallClock)
            let firstDifference = fork.indices.first { $0 < parent.count && fork[$0] != parent[$0] } ?? (fork.count == parent.count ? nil : min(fork.count, parent.count))
            #expect(firstDifference == nil, "fork at step \(k) of \(name) differs from its parent at event \(firstDifference ?? -1): \(firstDifference.map { $0 < fork.count ? "\(fork[$0].body)" : "end" } ?? "") vs \(firstDifference.map { $0 < parent.count ? "\(parent[$0].body)" : "end" } ?? "")")
        }
    }

    /// The session holds the files it read: a fork needs neither the problem nor the policy file, and a file
    /// edited since the recording cannot make it differ from its parent.
    @Test(arguments: ["dock-scheduling", "beer-game"])
    func aForkNeedsNoneOfTheFilesItsParentRead(name: String) throws {
        var scenario = try ScenarioLoader(directories: ["scenarios"]).load(name)
        let input = NSTemporaryDirectory() + "palaver-fork-\(getpid())-\(name)-input"
        let parentPath = Self.path("inputs-\(name)")
        defer { for p in [input, parentPath] { try? FileManager.default.removeItem(atPath: p) } }
        if name == "beer-game" {
            try FileManager.default.copyItem(atPath: "policies/beer-team.json", toPath: input)
            scenario.environment?.policies[0] = "learned:" + input
        } else {
            let original = try #require(scenario.coordination?.problem)
            try FileManager.default.copyItem(atPath: original, toPath: input)
            scenario.coordination?.problem = input
        }
        let parent = try Self.record(scenario, steps: 8, to: parentPath).map(\.withoutWallClock)
        guard case .sessionStarted(let info) = parent.first?.body else { Issue.record("no session_started"); return }
        #expect(info.inputs.files[input] != nil, "the session did not record \(input)")
        try "not what was read".write(toFile: input, atomically: true, encoding: .utf8)
        let edited = try Self.fork(parentPath, at: 3).map(\.withoutWallClock)
        try FileManager.default.removeItem(atPath: input)
        let removed = try Self.fork(parentPath, at: 3).map(\.withoutWallClock)
        #expect(edited == parent, "a fork read the edited file")
        #expect(removed == parent, "a fork needed the file")
    }

    @Test func aForkRecordsItsParentAndStep() throws {
        let parentPath = Self.path("lineage"), forkPath = Self.path("lineage-fork")
        defer { for p in [parentPath, forkPath] { try? FileManager.default.removeItem(atPath: p) } }
        _ = try Self.record(.builtIn, steps: 6, to: parentPath)
        _ = try Self.fork(parentPath, at: 3, to: forkPath)
        let reader = try SessionReader(path: forkPath)
        #expect(reader.header.parent == parentPath)
        #expect(reader.header.forkStep == 3)
    }

    @Test func forkingRebuildsInjectionsTakeoversEditsDropsAndMutes() throws {
        // A parent run with the user stepping in, driven step by step.
        let parentPath = Self.path("steps-in")
        defer { try? FileManager.default.removeItem(atPath: parentPath) }
        let events = try Fixtures.recordSteppedRun(to: parentPath, steps: 14, typed: { "typed by a person at step \($0)" }) { engine, step in
            switch step {
            case 2: engine.apply(.inject(text: "Ravi, be specific.", from: .user, to: .one(AgentID(1))))
            case 3: engine.apply(.takeOver(AgentID(2)))
            case 4:
                engine.apply(.inject(text: "typo in here", from: .agent(AgentID(3)), to: .one(AgentID(0))))
                engine.apply(.edit(messageID: engine.nextMessageID - 1, text: "fixed text"))
                engine.apply(.inject(text: "never mind", from: .user, to: .one(AgentID(0))))
                engine.apply(.drop(messageID: engine.nextMessageID - 1))
            case 6: engine.apply(.mute(AgentID(3)))
            case 7: engine.apply(.handBack(AgentID(2)))
            default: break
            }
        }
        let parent = events.map(\.withoutWallClock)
        #expect(parent.contains { if case .messageSent(let m) = $0.body { return m.author == .person } else { return false } })
        for k in [1, 3, 5, 8] {
            let fork = try Self.fork(parentPath, at: k).map(\.withoutWallClock)
            let parentAfter = parent.filter { $0.step > k }
            let forkAfter = fork.filter { $0.step > k }
            let prefix = parent.filter { $0.step <= k }
            #expect(Array(fork.prefix(prefix.count)) == prefix, "fork at \(k) rebuilds the history exactly")
            if k >= 7 {
                // After the last intervention, the fork goes on exactly as the parent did.
                #expect(fork.filter { $0.step > k } == parent.filter { $0.step > k }, "fork at \(k) continues like its parent")
            } else if k >= 3 {
                // Lena is still taken over; with nobody at the keyboard the fork hands her back first.
                #expect(fork.dropFirst(prefix.count).first?.body == .takeover(agent: AgentID(2), active: false))
            }
        }
    }

    @Test func forkingPastTheEndOrAtAnOpenStepIsRefused() throws {
        let parentPath = Self.path("refuse")
        defer { try? FileManager.default.removeItem(atPath: parentPath) }
        _ = try Self.record(.builtIn, steps: 4, to: parentPath)
        #expect(throws: SessionRebuilder.Failure.self) { try Self.fork(parentPath, at: 4) }
        #expect(throws: SessionRebuilder.Failure.self) {
            try SessionRun(forking: parentPath, at: 9, options: .init(maxSteps: 20, speed: .fastest))
        }
    }
}
