import Testing
@testable import PalaverEngine

@Suite struct DeterminismTests {
    /// Events with their wall-clock fields blanked: what must match run to run.
    static func run(_ scenario: Scenario, seed: UInt64, steps: Int) throws -> [Event] {
        let log = EventLog()
        let run = try SessionRun(scenario: scenario, options: .init(seed: seed, maxSteps: steps, speed: .fastest), sinks: [log])
        run.run()
        return log.events.map(\.withoutWallClock)
    }

    @Test(arguments: ["ship-it", "debate", "launch-team", "bilingual"])
    func sameScenarioSeedAndStepsGiveTheSameEvents(name: String) throws {
        let scenario = try ScenarioLoader(directories: [Self.scenariosDirectory]).load(name)
        let first = try Self.run(scenario, seed: 3, steps: 10)
        let second = try Self.run(scenario, seed: 3, steps: 10)
        #expect(first.count > 20)
        #expect(first == second)
        let other = try Self.run(scenario, seed: 4, steps: 10)
        #expect(first != other)
    }

    static var scenariosDirectory: String {
        // Tests run from the package root.
        "scenarios"
    }
}

extension Event {
    /// The event with its wall-clock time (and the run's duration) zeroed.
    var withoutWallClock: Event {
        var copy = self
        copy.time = 0
        switch body {
        case .messageSent(let m): copy.body = .messageSent(m.atTimeZero)
        case .injected(let m): copy.body = .injected(m.atTimeZero)
        case .sessionEnded(var s): s.durationSeconds = 0; copy.body = .sessionEnded(s)
        default: break
        }
        return copy
    }
}

extension Message {
    var atTimeZero: Message {
        Message(id: id, step: step, time: 0, sender: sender, recipients: recipients, kind: kind, text: text, metadata: metadata, author: author, coordination: coordination)
    }
}
