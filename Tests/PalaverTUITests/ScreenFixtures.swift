import Foundation
@testable import PalaverEngine
@testable import PalaverTUI

/// Builds workbench states from real runs, for snapshots.
enum ScreenFixtures {
    /// A state after running `scenario` headless for `steps` steps.
    static func state(_ scenario: Scenario = .builtIn, steps: Int, width: Int = 120, height: Int = 40,
                      extra: (Engine) -> Void = { _ in }) throws -> AppState {
        let log = EventLog()
        let run = try SessionRun(scenario: scenario, options: .init(maxSteps: steps, speed: .fastest), sinks: [log])
        run.run()
        var state = AppState(width: width, height: height)
        state.now = 100
        state.lastMessageTime = -10
        state.sessionPath = "sessions/example.jsonl"
        // Stamps differ run to run; snapshots need them fixed.
        let effects = state.receive(log.events.map { e in
            var copy = e
            copy.time = Double(e.step) * 2.5
            if case .messageSent(let m) = e.body { copy.body = .messageSent(m.retimed(Double(m.step) * 2.5)) }
            if case .injected(let m) = e.body { copy.body = .injected(m.retimed(Double(m.step) * 2.5)) }
            return copy
        }.filter {
            // Snapshots show a run still under way.
            if case .sessionEnded = $0.body { return false } else { return true }
        })
        // The loop reads the files a session names; here the fixture does.
        for case .loadSessionFiles(let info) in effects { _ = state.update(.sessionFilesLoaded(SessionFiles.load(for: info))) }
        state.notice = nil
        return state
    }

    static func scenario(_ name: String) throws -> Scenario {
        try ScenarioLoader(directories: ["scenarios"]).load(name)
    }
}

extension Message {
    func retimed(_ t: Double) -> Message {
        Message(id: id, step: step, time: t, sender: sender, recipients: recipients, kind: kind, text: text, metadata: metadata, author: author, coordination: coordination)
    }
}
