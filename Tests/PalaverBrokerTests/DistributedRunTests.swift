// Needs the broker client: built with --traits Broker (scripts/test does).
#if Broker
import Foundation
import Testing
@testable import PalaverBroker
import PalaverEngine
import PalaverModels

/// Runs through a real broker (a private one the tests start), workers as separate processes.
/// Serialized: the workers of one test would otherwise take turns of another's run.
@Suite(.serialized, .enabled(if: TestBroker.available, "needs rabbitmq-server (scripts/test installs it)"))
struct DistributedRunTests {
    let broker: TestBroker
    let dir: String

    init() throws {
        broker = try #require(TestBroker.shared, "the private broker did not start")
        dir = try PalaverProcess.temporaryDirectory()
    }

    func workers(_ count: Int, _ extra: [String] = [], name: String = "worker", environment: [String: String] = [:]) throws -> [BackgroundPalaver] {
        try (0..<count).map {
            try BackgroundPalaver(["worker", "--broker", broker.url] + extra, in: dir, name: "\(name)\($0)", environment: environment)
        }
    }

    /// Events with wall times set to zero: what must match between two runs of the same scenario and seed.
    func timeless(_ path: String) throws -> [Event] {
        var reader = try SessionReader(path: path)
        return try reader.readAll().map { event in
            var e = event
            e.time = 0
            switch e.body {
            case .sessionEnded(var summary):
                summary.durationSeconds = 0
                e.body = .sessionEnded(summary)
            case .messageSent(let m):
                e.body = .messageSent(Message(id: m.id, step: m.step, time: 0, sender: m.sender, recipients: m.recipients, kind: m.kind, text: m.text, metadata: m.metadata, author: m.author, coordination: m.coordination))
            case .injected(let m):
                e.body = .injected(Message(id: m.id, step: m.step, time: 0, sender: m.sender, recipients: m.recipients, kind: m.kind, text: m.text, metadata: m.metadata, author: m.author, coordination: m.coordination))
            default: break
            }
            return e
        }
    }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test func threeWorkersRecordWhatALocalRunRecordsAndTheStreamIsTheSessionFile() throws {
        let pool = try workers(3, ["--concurrency", "2"])
        let local = try PalaverProcess.run(["run", "--seed", "11", "--steps", "10", "--headless", "--record", dir + "/local.jsonl"], in: dir)
        #expect(local.status == 0, "\(local.stderr)")
        let remote = try PalaverProcess.run(["run", "--seed", "11", "--steps", "10", "--headless", "--record", dir + "/remote.jsonl",
                                             "--broker", broker.url, "--run-id", "determinism"], in: dir)
        #expect(remote.status == 0, "\(remote.stderr)")
        // The same conversation (the last line gives the wall time it took).
        #expect(remote.lines.dropLast() == local.lines.dropLast())
        let pull = try PalaverProcess.run(["pull", "determinism", "-o", dir + "/pulled.jsonl", "--broker", broker.url], in: dir)
        #expect(pull.status == 0, "\(pull.stderr)")
        // The stream is the session file, byte for byte.
        #expect(try bytes(dir + "/pulled.jsonl") == bytes(dir + "/remote.jsonl"))
        // Turns taken by workers record the same events as the local run, all but wall times.
        let localEvents = try timeless(dir + "/local.jsonl"), remoteEvents = try timeless(dir + "/remote.jsonl")
        #expect(localEvents.count == remoteEvents.count)
        let firstDifference = zip(localEvents.indices, zip(localEvents, remoteEvents)).first { $0.1.0 != $0.1.1 }?.0
        #expect(firstDifference == nil, "first difference at event \(firstDifference ?? 0): \(firstDifference.map { "\(localEvents[$0]) vs \(remoteEvents[$0])" } ?? "")")
        // Every turn was answered by a worker, once.
        for worker in pool { worker.stop() }
        let answered = pool.map { w in w.stderr.split(separator: "\n").compactMap { line in
            line.contains("stopped after") ? Int(line.split(separator: " ")[4]) : nil }.first ?? -1 }
        let turns = remoteEvents.filter { if case .callFinished = $0.body { return true }; return false }.count
        #expect(answered.reduce(0, +) == turns, "workers answered \(answered), the run took \(turns) turns")
        let runs = try PalaverProcess.run(["runs", "--broker", broker.url], in: dir)
        #expect(runs.lines.contains { $0.hasPrefix("determinism ") && $0.contains("finished") }, "\(runs.stdout)")
    }

    /// Without a session file the publisher encodes the events itself: the stream still holds them all.
    @Test func aRunThatRecordsNothingStillPublishesEveryEvent() throws {
        let pool = try workers(2)
        defer { for worker in pool { worker.stop() } }
        let local = try PalaverProcess.run(["run", "--seed", "12", "--steps", "8", "--headless", "--record", dir + "/local-12.jsonl"], in: dir)
        #expect(local.status == 0, "\(local.stderr)")
        let remote = try PalaverProcess.run(["run", "--seed", "12", "--steps", "8", "--headless", "--no-record",
                                             "--broker", broker.url, "--run-id", "unrecorded"], in: dir)
        #expect(remote.status == 0, "\(remote.stderr)")
        let pull = try PalaverProcess.run(["pull", "unrecorded", "-o", dir + "/unrecorded.jsonl", "--broker", broker.url], in: dir)
        #expect(pull.status == 0, "\(pull.stderr)")
        let localEvents = try timeless(dir + "/local-12.jsonl"), pulledEvents = try timeless(dir + "/unrecorded.jsonl")
        #expect(pulledEvents.count == localEvents.count)
        #expect(pulledEvents == localEvents)
    }

    @Test func aWorkerKilledMidTurnLosesNothingAndDoublesNothing() throws {
        let server = try LoopbackChatServer()
        defer { server.shutdown() }
        server.latency = 0.4
        let model = ["--model", "openai:fake", "--base-url", server.baseURL]
        let key = ["OPENAI_API_KEY": "test-key"]
        let first = try workers(1, model + ["--concurrency", "8"], name: "doomed", environment: key)[0]
        let engine = try BackgroundPalaver(["run", "--seed", "5", "--steps", "3", "--headless", "--record", dir + "/run.jsonl",
                                            "--broker", broker.url, "--run-id", "killed-worker"], in: dir, name: "engine")
        #expect(eventually { !server.requests.isEmpty }, "the first worker never called its model")
        first.kill()
        let rescue = try workers(1, model, name: "rescue", environment: key)
        defer { rescue.forEach { $0.stop() } }
        #expect(engine.wait() == 0, "\(engine.stderr)")
        let events = try timeless(dir + "/run.jsonl")
        var finished: [Int: Int] = [:]
        var messages = 0
        for event in events {
            switch event.body {
            case .callFinished(let agent, _): finished[agent.index, default: 0] += 1
            case .messageSent: messages += 1
            case .agentError(_, let message): Issue.record("agent error: \(message)")
            default: break
            }
        }
        let steps = events.filter { $0.body == .stepStarted }.count
        #expect(steps == 3)
        // Each agent answered once per step it was asked in (round robin: one turn per step), nothing doubled.
        #expect(finished.values.allSatisfy { $0 == 1 }, "\(finished)")
        #expect(finished.values.reduce(0, +) == steps)
        for worker in rescue { worker.stop() }
        #expect(!(rescue + [first]).contains { $0.stderr.contains("test-key") })
    }

    @Test func malformedAndForeignMessagesAreDeadLetteredAndTheRunGoesOn() throws {
        let pool = try workers(1)
        defer { pool.forEach { $0.stop() } }
        let url = try BrokerURL(parsing: broker.url)
        let connection = try AMQPConnection(url: url)
        defer { connection.close() }
        try BrokerQueues.declareShared(on: connection)
        let before = try connection.queueDepth(BrokerNames.deadLetters).messages
        try connection.publish(to: BrokerNames.turns, body: Array("not json".utf8), properties: AMQPMessageProperties(type: TurnRequest.messageType, replyTo: "palaver.run.x.replies"))
        try connection.publish(to: BrokerNames.turns, body: Array("{}".utf8), properties: AMQPMessageProperties(type: "someone.elses"))
        let run = try PalaverProcess.run(["run", "--seed", "2", "--steps", "4", "--headless", "--no-record", "--broker", broker.url, "--run-id", "poisoned"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("ended after 4 steps"), "\(run.stdout)")
        #expect(eventually { (try? connection.queueDepth(BrokerNames.deadLetters).messages) ?? 0 >= before + 2 })
        #expect(eventually { pool[0].stderr.components(separatedBy: "rejected a message on palaver.turns").count - 1 == 2 }, "\(pool[0].stderr)")
        // A foreign message on the run's own reply queue is dead-lettered by the engine, which carries on.
        try connection.declareQueue(BrokerNames.replies("poisoned2"), arguments: BrokerQueues.runQueue)
        try connection.publish(to: BrokerNames.replies("poisoned2"), body: Array("{\"kind\":1}".utf8), properties: AMQPMessageProperties(type: "nonsense"))
        let second = try PalaverProcess.run(["run", "--seed", "2", "--steps", "4", "--headless", "--no-record", "--broker", broker.url, "--run-id", "poisoned2"], in: dir)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("rejected a message on palaver.run.poisoned2.replies"), "\(second.stderr)")
        #expect(second.stdout.contains("ended after 4 steps"))
    }
}
#endif
