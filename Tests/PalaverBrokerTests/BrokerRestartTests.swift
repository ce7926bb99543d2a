// Needs the broker client: built with --traits Broker (scripts/test does).
#if Broker
import Foundation
import Testing
import PalaverEngine

/// The broker stopped and started again in the middle of a run.
@Suite(.serialized, .enabled(if: TestBroker.available, "needs rabbitmq-server (scripts/test installs it)"))
struct BrokerRestartTests {
    @Test func aRunOutlivesABrokerRestartWithEveryEventOnceAndInOrder() throws {
        // A broker of its own: restarting the shared one would disturb other suites.
        let broker = try TestBroker()
        defer { broker.stop() }
        let dir = try PalaverProcess.temporaryDirectory()
        let workers = try (0..<2).map { try BackgroundPalaver(["worker", "--broker", broker.url], in: dir, name: "worker\($0)") }
        let record = dir + "/run.jsonl"
        let engine = try BackgroundPalaver(["run", "--seed", "4", "--steps", "40", "--speed", "8", "--headless", "--record", record,
                                            "--broker", broker.url, "--run-id", "restarted"], in: dir, name: "engine")
        func stepsRecorded() -> Int {
            ((try? String(contentsOfFile: record, encoding: .utf8)) ?? "").components(separatedBy: "{\"type\":\"step\",").count - 1
        }
        #expect(eventually { stepsRecorded() >= 4 }, "the run did not start: \(engine.stderr)")
        // A workbench attached as text: it must say the broker went away, then show every event once.
        let watcher = try BackgroundPalaver(["attach", broker.url, "restarted", "--watch"], in: dir, name: "attach")
        #expect(eventually { !watcher.stdout.isEmpty }, "\(watcher.stderr)")
        try broker.restart()
        #expect(engine.wait() == 0, "\(engine.stderr)")
        #expect(watcher.wait() == 0, "\(watcher.stderr)")
        #expect(watcher.stderr.contains("broker unreachable — reconnecting"), "\(watcher.stderr)")
        #expect(watcher.stdout == engine.stdout)
        #expect(engine.stderr.contains("broker unreachable — reconnecting"), "\(engine.stderr)")
        for worker in workers { worker.stop() }
        #expect(workers.allSatisfy { $0.stderr.contains("broker unreachable — reconnecting") })
        var reader = try SessionReader(path: record)
        let events = try reader.readAll()
        #expect(events.filter { $0.body == .stepStarted }.count == 40)
        #expect(!events.contains { if case .agentError = $0.body { return true }; return false })
        // The stream holds every event once, in order: pulled, it is the session file.
        let pull = try PalaverProcess.run(["pull", "restarted", "-o", dir + "/pulled.jsonl", "--broker", broker.url], in: dir)
        #expect(pull.status == 0, "\(pull.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/pulled.jsonl")) == Data(contentsOf: URL(fileURLWithPath: record)))
    }
}
#endif
