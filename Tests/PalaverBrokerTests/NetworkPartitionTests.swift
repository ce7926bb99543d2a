// Needs the broker client: built with --traits Broker (scripts/test does).
#if Broker
import Foundation
import Testing
import PalaverEngine

/// Three test hosts of our own: network namespaces for the broker, the engine and a worker,
/// joined by veth pairs on addresses of our own. Needs root and iproute2.
final class NetworkLab {
    let tag: String
    var broker: String { "pvb-\(tag)" }
    var engine: String { "pve-\(tag)" }
    var worker: String { "pvw-\(tag)" }
    /// The broker's side of the engine's link, which the test cuts.
    var engineLink: String { "vbe-\(tag)" }
    let brokerForEngine = "10.213.1.1"
    let brokerForWorker = "10.213.2.1"

    /// Root with iproute2 is not enough (a container may refuse network namespaces): one is made and removed to see.
    static let available: Bool = {
        guard getuid() == 0, ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].contains(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return false
        }
        let probe = "pvprobe-\(getpid())"
        guard (try? TestBroker.shell(["ip", "netns", "add", probe])) != nil else { return false }
        _ = try? TestBroker.shell(["ip", "netns", "del", probe])
        return true
    }()

    init() throws {
        tag = String(UUID().uuidString.prefix(6)).lowercased()
        let (b, e, w) = (broker, engine, worker)
        let steps: [[String]] = [
            ["netns", "add", b], ["netns", "add", e], ["netns", "add", w],
            ["link", "add", "ve-\(tag)", "type", "veth", "peer", "name", "vbe-\(tag)"],
            ["link", "add", "vw-\(tag)", "type", "veth", "peer", "name", "vbw-\(tag)"],
            ["link", "set", "ve-\(tag)", "netns", e], ["link", "set", "vbe-\(tag)", "netns", b],
            ["link", "set", "vw-\(tag)", "netns", w], ["link", "set", "vbw-\(tag)", "netns", b],
            ["-n", b, "addr", "add", "10.213.1.1/24", "dev", "vbe-\(tag)"], ["-n", e, "addr", "add", "10.213.1.2/24", "dev", "ve-\(tag)"],
            ["-n", b, "addr", "add", "10.213.2.1/24", "dev", "vbw-\(tag)"], ["-n", w, "addr", "add", "10.213.2.2/24", "dev", "vw-\(tag)"],
            ["-n", b, "link", "set", "lo", "up"], ["-n", e, "link", "set", "lo", "up"], ["-n", w, "link", "set", "lo", "up"],
            ["-n", b, "link", "set", "vbe-\(tag)", "up"], ["-n", b, "link", "set", "vbw-\(tag)", "up"],
            ["-n", e, "link", "set", "ve-\(tag)", "up"], ["-n", w, "link", "set", "vw-\(tag)", "up"],
        ]
        do {
            for step in steps { try TestBroker.shell(["ip"] + step) }
        } catch {
            tearDown()
            throw error
        }
    }

    func setEngineLink(up: Bool) throws { try TestBroker.shell(["ip", "-n", broker, "link", "set", engineLink, up ? "up" : "down"]) }

    func tearDown() {
        for ns in [broker, engine, worker] { _ = try? TestBroker.shell(["ip", "netns", "del", ns]) }
    }
}

@Suite(.serialized, .enabled(if: TestBroker.available && NetworkLab.available, "needs root, iproute2, permission to make network namespaces, and rabbitmq-server"))
struct NetworkPartitionTests {
    @Test func aRunOnThreeHostsSurvivesItsEngineLinkCutAndRestored() throws {
        let lab = try NetworkLab()
        defer { lab.tearDown() }
        let broker = try TestBroker(namespace: lab.broker)
        defer { broker.stop() }
        let dir = try PalaverProcess.temporaryDirectory()
        // Heartbeats every 2 s: a silent link is given up after a few seconds instead of half a minute.
        let forWorker = "amqp://\(lab.brokerForWorker):\(broker.port)/?heartbeat=2"
        let forEngine = "amqp://\(lab.brokerForEngine):\(broker.port)/?heartbeat=2"
        let worker = try BackgroundPalaver(["worker", "--broker", forWorker], in: dir, name: "worker",
                                           prefix: ["ip", "netns", "exec", lab.worker])
        defer { worker.stop() }
        let record = dir + "/run.jsonl"
        let engine = try BackgroundPalaver(["run", "--seed", "9", "--steps", "30", "--speed", "8", "--headless", "--record", record,
                                            "--broker", forEngine, "--run-id", "partitioned"],
                                           in: dir, name: "engine", prefix: ["ip", "netns", "exec", lab.engine])
        func stepsRecorded() -> Int {
            ((try? String(contentsOfFile: record, encoding: .utf8)) ?? "").components(separatedBy: "{\"type\":\"step\",").count - 1
        }
        #expect(eventually { stepsRecorded() >= 3 }, "the run did not start: \(engine.stderr)")
        try lab.setEngineLink(up: false)
        let cutAt = stepsRecorded()
        // Held cut until the engine has given the link up (its turns wait meanwhile), then restored.
        #expect(eventually { engine.stderr.contains("broker unreachable — reconnecting") }, "\(engine.stderr)")
        try lab.setEngineLink(up: true)
        #expect(engine.wait() == 0, "\(engine.stderr)")
        var reader = try SessionReader(path: record)
        let events = try reader.readAll()
        #expect(events.filter { $0.body == .stepStarted }.count == 30)
        #expect(cutAt < 30, "the link was cut after the run ended")
        #expect(!events.contains { if case .agentError = $0.body { return true }; return false })
        #expect(engine.stderr.contains("reachable again"), "\(engine.stderr)")
        // Each step's turn was taken once: nothing the cut interrupted was doubled.
        let finished = events.filter { if case .callFinished = $0.body { return true }; return false }.map(\.step)
        #expect(finished == Array(1...30), "turns finished in steps \(finished)")
        // The test process is on none of the three hosts: pull from the engine's.
        let pulled = try Spawn.run(["ip", "netns", "exec", lab.engine, URL(fileURLWithPath: PalaverProcess.binary).standardizedFileURL.path,
                                    "pull", "partitioned", "-o", dir + "/pulled.jsonl", "--broker", forEngine])
        #expect(pulled.status == 0, "\(pulled.output)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/pulled.jsonl")) == Data(contentsOf: URL(fileURLWithPath: record)))
    }
}
#endif
