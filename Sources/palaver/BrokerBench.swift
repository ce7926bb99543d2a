import Foundation
import PalaverBroker
import PalaverEngine

/// `palaver bench broker`: the broker path's figures.
struct BrokerBench {
    let url: BrokerURL
    let events: Int
    /// Messages routed in each stretch of the engine's cost, with and without the publisher.
    let stretch: Int

    func run() throws -> BenchReport {
        let stream = try BrokerBenchmark.stream(url: url, events: events)
        let loadBefore = loadAverage()
        let engine = try BrokerBenchmark.engineCost(url: url, messages: stretch, runs: 9, recording: false)
        let recorded = try BrokerBenchmark.engineCost(url: url, messages: stretch, runs: 9, recording: true)
        let load = (loadBefore + loadAverage()) / 2

        // Four in-process workers, each on its own connection and thread, answering with a 100 ms model.
        let slow = try workers(4, concurrency: 64) { _ in DelayedModel(delay: 0.1) }
        let turns = try RemoteTurns(url: url, run: "bench-turns-\(getpid())", offline: OfflineSettings(), report: { _ in }, log: { _ in })
        _ = BrokerBenchmark.round(turns: turns, agents: 200, step: 0)  // warm up
        let rounds = (1...5).map { BrokerBenchmark.round(turns: turns, agents: 200, step: $0) }
        slow.forEach { $0.stop() }

        // One offline worker: what the broker adds to a turn.
        let offline = try workers(1, concurrency: 1) { turn in OfflineModel(settings: turn.offline) }
        let overhead = BrokerBenchmark.turnOverhead(turns: turns, count: 300)
        offline.forEach { $0.stop() }

        // 1,000 agents through 8 worker processes (offline): every turn answered, each worker's peak memory.
        let (thousandSeconds, workerPeakMB) = try thousandAgents(turns: turns)
        turns.close()

        let json = #"{"bench":"broker","stream_events":\#(stream.events),"stream_events_per_second":\#(Int(stream.eventsPerSecond)),"engine_messages_per_second":\#(Int(engine.alone.wall)),"engine_messages_per_second_publishing":\#(Int(engine.withPublisher.wall)),"engine_wall_slowdown_percent":\#(round3(engine.wallSlowdownPercent)),"engine_thread_ns_per_message":\#(round3(engine.alone.threadNanos)),"engine_thread_ns_per_message_publishing":\#(round3(engine.withPublisher.threadNanos)),"engine_thread_slowdown_percent":\#(round3(engine.threadSlowdownPercent)),"publisher_thread_ns_per_message":\#(round3(engine.publisherNanos)),"engine_thread_faults_per_1000_messages":\#(round3(engine.alone.faultsPerThousand)),"engine_thread_faults_per_1000_messages_publishing":\#(round3(engine.withPublisher.faultsPerThousand)),"engine_thread_kernel_ns_per_message":\#(round3(engine.alone.systemNanos)),"engine_thread_kernel_ns_per_message_publishing":\#(round3(engine.withPublisher.systemNanos)),"recording_engine_thread_ns_per_message":\#(round3(recorded.alone.threadNanos)),"recording_engine_thread_ns_per_message_publishing":\#(round3(recorded.withPublisher.threadNanos)),"recording_engine_thread_slowdown_percent":\#(round3(recorded.threadSlowdownPercent)),"recording_engine_messages_per_second":\#(Int(recorded.alone.wall)),"recording_engine_messages_per_second_publishing":\#(Int(recorded.withPublisher.wall)),"recording_engine_wall_slowdown_percent":\#(round3(recorded.wallSlowdownPercent)),"recording_publisher_thread_ns_per_message":\#(round3(recorded.publisherNanos)),"recording_engine_thread_faults_per_1000_messages":\#(round3(recorded.alone.faultsPerThousand)),"recording_engine_thread_faults_per_1000_messages_publishing":\#(round3(recorded.withPublisher.faultsPerThousand)),"engine_thread_slowdown_percent_pairs":\#(pairs(engine.threadSlowdowns)),"recording_engine_thread_slowdown_percent_pairs":\#(pairs(recorded.threadSlowdowns)),"engine_stretch_messages":[\#(engine.alone.messages),\#(engine.withPublisher.messages)],"recording_engine_stretch_messages":[\#(recorded.alone.messages),\#(recorded.withPublisher.messages)],"load_average":\#(round3(load)),"round_200x100ms_4_workers_seconds":\#(round3(BrokerBenchmark.median(rounds))),"turn_overhead_median_ms":\#(round3(BrokerBenchmark.median(overhead))),"agents_1000_8_workers_seconds":\#(round3(thousandSeconds)),"worker_peak_rss_mb":\#(round3(workerPeakMB)),"peak_rss_mb":\#(peakRSSMegabytes())}"#
        typealias Row = BenchReport.Row
        return BenchReport(name: "broker", json: json, rows: [
            .atLeast("events through a run's stream", stream.eventsPerSecond, 40_000, unit: "events/s"),
            Row("recorded run: engine thread CPU per message", "\(BenchReport.number(recorded.alone.threadNanos)) → \(BenchReport.number(recorded.withPublisher.threadNanos)) ns publishing"),
            .atMost("recorded run: step loop slowed (thread CPU)", recorded.threadSlowdownPercent, 10, unit: "%"),
            Row("recorded run: slowed, wall clock", "\(BenchReport.number(recorded.wallSlowdownPercent)) % (\(BenchReport.number(recorded.alone.wall)) → \(BenchReport.number(recorded.withPublisher.wall)) messages/s)"),
            Row("--no-record: engine thread CPU per message", "\(BenchReport.number(engine.alone.threadNanos)) → \(BenchReport.number(engine.withPublisher.threadNanos)) ns publishing"),
            .atMost("--no-record: step loop slowed (thread CPU)", engine.threadSlowdownPercent, 10, unit: "%"),
            Row("--no-record: slowed, wall clock", "\(BenchReport.number(engine.wallSlowdownPercent)) % (\(BenchReport.number(engine.alone.wall)) → \(BenchReport.number(engine.withPublisher.wall)) messages/s)"),
            Row("publisher thread CPU per message", "\(BenchReport.number(recorded.publisherNanos)) ns recorded, \(BenchReport.number(engine.publisherNanos)) ns --no-record (load average \(BenchReport.number(load)))"),
            .atMost("200 agents, 100 ms model, 4 workers: a round", BrokerBenchmark.median(rounds), 0.5, unit: "s"),
            .atMost("turn overhead, median", BrokerBenchmark.median(overhead), 5, unit: "ms"),
            Row("1,000 agents, 8 worker processes", "\(BenchReport.number(thousandSeconds)) s"),
            .atMost("worker peak RSS", workerPeakMB, 100, unit: "MB"),
        ])
    }

    /// Each pair's percentage, as a JSON array.
    private func pairs(_ values: [Double]) -> String { "[" + values.map { "\(round3($0))" }.joined(separator: ",") + "]" }

    /// The machine's 1-minute load average (0 where /proc is missing): says how busy the cores were.
    private func loadAverage() -> Double {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return Double(text.split(separator: " ").first ?? "0") ?? 0
    }

    private func workers(_ count: Int, concurrency: Int, model: @escaping BrokerWorker.ModelFactory) throws -> [BrokerWorker] {
        try (0..<count).map { _ in
            let worker = BrokerWorker(url: url, concurrency: concurrency, models: model, log: { _ in })
            let thread = Thread { try? worker.run(report: { _ in }) }
            thread.start()
            return worker
        }
    }

    private func thousandAgents(turns: RemoteTurns) throws -> (seconds: Double, workerPeakMB: Double) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        var env = ProcessInfo.processInfo.environment
        env["PALAVER_BROKER"] = nil
        env["PALAVER_BROKER_USER"] = url.user
        env["PALAVER_BROKER_PASSWORD"] = url.password
        let pids: [pid_t] = try (0..<8).map { _ in
            var pid: pid_t = 0
            let args = [binary, "worker", "--broker", url.tlsAwareText, "--concurrency", "32"]
            let argv = args.map { strdup($0) } + [nil]
            let envp = env.map { strdup("\($0)=\($1)") } + [nil]
            defer { (argv + envp).forEach { free($0) } }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            guard posix_spawn(&pid, binary, &actions, nil, argv, envp) == 0 else { throw BadInput("cannot start worker processes") }
            return pid
        }
        defer {
            for pid in pids { kill(pid, SIGTERM) }
            for pid in pids { var status: Int32 = 0; waitpid(pid, &status, 0) }
        }
        usleep(500_000)
        let seconds = BrokerBenchmark.round(turns: turns, agents: 1000, step: 1_000_000)
        let peak = pids.map { pid -> Double in
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
            return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
        }.max() ?? 0
        return (seconds, peak)
    }
}

extension BrokerURL {
    /// The URL to hand to a child process (credentials travel in its environment, never its arguments).
    var tlsAwareText: String { "\(tls ? "amqps" : "amqp")://\(host.contains(":") ? "[\(host)]" : host):\(port)/\(virtualHost == "/" ? "" : virtualHost)" }
}
