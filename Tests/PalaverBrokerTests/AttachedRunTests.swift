// Needs the broker client: built with --traits Broker (scripts/test does).
#if Broker
import Foundation
import Testing
@testable import PalaverBroker
import PalaverEngine
@testable import PalaverTUI

/// Workbenches attached to runs through a private broker: what they show and what they send.
@Suite(.serialized, .enabled(if: TestBroker.available, "needs rabbitmq-server (scripts/test installs it)"))
struct AttachedRunTests {
    let broker: TestBroker
    let url: BrokerURL
    let dir: String

    /// A broker of this suite's own: workers started here must not take turns of other suites' runs (which count them).
    static let own: TestBroker? = {
        do {
            let broker = try TestBroker()
            atexit { AttachedRunTests.own?.stop() }
            return broker
        } catch {
            FileHandle.standardError.write(Data("AttachedRunTests: \(error)\n".utf8))
            return nil
        }
    }()

    init() throws {
        broker = try #require(AttachedRunTests.own, "the private broker did not start")
        url = try BrokerURL(parsing: broker.url)
        dir = try PalaverProcess.temporaryDirectory()
    }

    /// What an attached workbench has taken so far, folded as the workbench loop folds it.
    final class Screen {
        let source: AttachedRun
        var state = AppState(width: 120, height: 40)
        var events: [Event] = []
        var notices: [String] = []
        private let woken = DispatchSemaphore(value: 0)

        init(_ source: AttachedRun) {
            self.source = source
            let woken = self.woken
            source.start(wake: { woken.signal() })
        }

        /// Takes what has come until `condition` holds (false when it never does within the bound).
        func take(until condition: (Screen) -> Bool) -> Bool {
            let deadline = Date(timeIntervalSinceNow: 90)
            while true {
                let update = source.take(now: 0)
                events += update.events
                notices += update.notices.map(\.text)
                _ = state.update(.source(update))
                if condition(self) { return true }
                if Date() > deadline { return false }
                _ = woken.wait(timeout: .now() + 0.5)
            }
        }

        var knowsTheRoster: Bool { events.contains { if case .sessionStarted = $0.body { return true }; return false } }

        /// The screen as it stands once every moving thing (spinners, fading notices, rates) has settled.
        var settledText: String {
            var settled = state
            _ = settled.update(.tick(100_000))
            settled.notice = nil
            return AppView.render(settled).text
        }

        func detach() {
            source.stop()
            while !source.isFinished { _ = woken.wait(timeout: .now() + 0.5) }
        }
    }

    func attach(_ run: String, as sender: String = "tester", watch: Bool = false) throws -> Screen {
        var attached: AttachedRun?
        // The run's stream exists once its engine has started.
        #expect(eventually { attached = try? AttachedRun(url: url, run: run, sender: sender, readOnly: watch); return attached != nil })
        return Screen(try #require(attached))
    }

    func recorded(_ path: String) throws -> [Event] {
        var reader = try SessionReader(path: path)
        return try reader.readAll()
    }

    @Test func aWorkbenchAttachedLateShowsWhatOneAttachedFromTheStartShows() throws {
        let record = dir + "/late.jsonl"
        let engine = try BackgroundPalaver(["run", "--seed", "3", "--steps", "12", "--speed", "16", "--headless", "--record", record,
                                            "--broker", broker.url, "--run-id", "late-attach"], in: dir, name: "engine")
        let workers = try (0..<2).map { try BackgroundPalaver(["worker", "--broker", broker.url], in: dir, name: "worker\($0)") }
        defer { workers.forEach { $0.stop() } }
        let early = try attach("late-attach", watch: true)
        #expect(early.take { $0.source.runIsOver }, "the run never ended: \(engine.stderr)")
        #expect(engine.wait() == 0, "\(engine.stderr)")
        early.detach()
        let late = try attach("late-attach", watch: true)
        #expect(late.take { $0.source.runIsOver })
        late.detach()
        // Both took every event of the recording, once and in order; and they show the same screen.
        let file = try recorded(record)
        #expect(early.events == file)
        #expect(late.events == file)
        #expect(late.settledText == early.settledText)
        #expect(late.settledText.contains("12/12"), "\(late.settledText)")
        // A text attach after the end prints what the run printed.
        let text = try PalaverProcess.run(["attach", broker.url, "late-attach"], in: dir)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout == engine.stdout)
        // Read-only and finished runs refuse commands, saying why in one line.
        guard case .refused(let why) = late.source.perform(.command(.pause)) else { Issue.record("--watch sent a command"); return }
        #expect(why.contains("--watch") && !why.contains("\n"))
        let steering = try attach("late-attach")
        #expect(steering.take { $0.source.runIsOver })
        guard case .refused(let over) = steering.source.perform(.command(.inject(text: "hi", from: .user, to: .all))) else {
            Issue.record("a finished run took a command"); return
        }
        #expect(over.contains("ended"))
        steering.detach()
    }

    @Test func twoWorkbenchesInjectingAtOnceAreEachRecordedOnceWithTheirNames() throws {
        let record = dir + "/two.jsonl"
        let workers = try (0..<2).map { try BackgroundPalaver(["worker", "--broker", broker.url], in: dir, name: "worker\($0)") }
        defer { workers.forEach { $0.stop() } }
        let engine = try BackgroundPalaver(["run", "--seed", "6", "--steps", "400", "--speed", "1", "--headless", "--record", record,
                                            "--broker", broker.url, "--run-id", "two-injectors"], in: dir, name: "engine")
        let alice = try attach("two-injectors", as: "alice@laptop")
        let bob = try attach("two-injectors", as: "bob@desk")
        #expect(alice.take { $0.knowsTheRoster } && bob.take { $0.knowsTheRoster })

        // Garbage on the command queue first: dead-lettered and logged, and the run goes on.
        let connection = try AMQPConnection(url: url)
        defer { connection.close() }
        let deadBefore = try connection.queueDepth(BrokerNames.deadLetters).messages
        let queue = BrokerNames.commands("two-injectors")
        try connection.publish(to: queue, body: Array("not json".utf8), properties: AMQPMessageProperties(type: CommandMessage.messageType))
        try connection.publish(to: queue, body: Array(#"{"id":"x","by":"eve","command":"mute","agent":"nobody"}"#.utf8),
                               properties: AMQPMessageProperties(type: CommandMessage.messageType))
        try connection.publish(to: queue, body: Array("{}".utf8), properties: AMQPMessageProperties(type: "someone.elses"))

        let count = 5
        nonisolated(unsafe) let screens = [alice, bob]
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let name = i == 0 ? "alice" : "bob"
            for n in 1...count {
                #expect(screens[i].source.perform(.command(.inject(text: "\(name) says \(n)", from: .user, to: .all))) == .done)
            }
        }
        func injected(_ events: [Event]) -> [String] {
            events.compactMap { if case .injected(let m) = $0.body { return m.text }; return nil }
        }
        #expect(alice.take { injected($0.events).count >= 2 * count }, "\(engine.stderr)")
        #expect(alice.source.perform(.command(.stop)) == .done)
        #expect(engine.wait() == 0, "\(engine.stderr)")
        #expect(alice.take { $0.source.runIsOver } && bob.take { $0.source.runIsOver })
        alice.detach()
        bob.detach()

        let events = try recorded(record)
        let texts = injected(events)
        for name in ["alice", "bob"] {
            for n in 1...count { #expect(texts.filter { $0 == "\(name) says \(n)" }.count == 1, "\(name) \(n) in \(texts)") }
        }
        #expect(texts.count == 2 * count)
        // Each injection follows the command that caused it, naming its sender.
        for (i, event) in events.enumerated() {
            guard case .injected(let m) = event.body else { continue }
            let sender = m.text.hasPrefix("alice") ? "alice@laptop" : "bob@desk"
            #expect(events[i - 1].body == .commanded(by: sender, command: "inject"), "before \(m.text): \(events[i - 1])")
        }
        #expect(events.contains { $0.body == .commanded(by: "alice@laptop", command: "stop") })
        // Both workbenches saw exactly what was recorded.
        #expect(alice.events == events && bob.events == events)
        #expect(eventually { (try? connection.queueDepth(BrokerNames.deadLetters).messages) ?? 0 >= deadBefore + 3 })
        #expect(engine.stderr.components(separatedBy: "rejected a message on \(queue)").count - 1 == 3, "\(engine.stderr)")
        #expect(engine.stderr.contains("there is no agent 'nobody'"))
    }

    @Test func attachSaysWhatIsWrongInOneLine() throws {
        let missing = try PalaverProcess.run(["attach", broker.url, "no-such-run"], in: dir)
        #expect(missing.status == 2 && missing.stderr.contains("no run 'no-such-run'"), "\(missing.stderr)")
        let badName = try PalaverProcess.run(["attach", broker.url, "x", "--as", "eve\u{1b}[2J"], in: dir)
        #expect(badName.status == 2 && badName.stderr.split(separator: "\n").count == 1, "\(badName.stderr)")
        let badURL = try PalaverProcess.run(["attach", "amqp://alice:hunter2@127.0.0.1:1/"], in: dir)
        #expect(badURL.status == 2 && !badURL.stderr.contains("hunter2") && badURL.stderr.split(separator: "\n").count == 1, "\(badURL.stderr)")
    }
}
#endif
