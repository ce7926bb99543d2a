import ArgumentParser
import Foundation
import PalaverEngine
import PalaverTUI
import PalaverModels

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Palaver's speed; prints one JSON line. Use a release build (swift run -c release palaver bench …).",
        discussion: """
            engine: messages routed per second among agents that make no model calls. \
            session: write, read and index 1,000,000 events. \
            render: a 200×60 frame with 12 agents and a 1,000,000-message log, and 100,000 events/s for 5 s through the real workbench loop (≤ 60 fps) while Tab is pressed every 50 ms: key_to_paint_ms is the median from a key written to the terminal to the frame showing it. \
            replay: open a 1,000,000-event session to its first frame, index it, and seek at random. \
            models: 200 agents call one local Chat Completions endpoint with 100 ms latency; one round's wall time. \
            learning: Q-learning on the classic beer game, all four stages learning; agent-steps per second and the learned team's cost. \
            coordination: soft graph-colouring DCOPs (3 colours, density 0.2) — 50 of 20 variables and 10 of 50 (pyDCOP's benchmark size; --count sets both) — solved exactly (30 s limit each at 50 variables) and by DSA, MGM and Max-Sum for 100 rounds: gaps to the optimum (or the best the exact solver found) and exact solve times. \
            broker (build with --traits Broker; give --broker): events through a run's stream and back, the engine's cost of publishing, \
            a round of 200 agents with a 100 ms model through 4 workers, the per-turn overhead, and 1,000 agents through 8 worker processes.
            """
    )

    enum Suite: String, ExpressibleByArgument, CaseIterable {
        case engine, session, render, replay, models, learning, coordination, broker
    }

    @Argument(help: "What to measure: \(Suite.allCases.map(\.rawValue).joined(separator: ", ")).")
    var suite: Suite

    @Option(help: "Messages to route (engine) or events to write (session).")
    var count: Int?

    @OptionGroup var broker: BrokerOptions

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1 (got \(count))") }
    }

    func run() throws {
        switch suite {
        case .engine:
            let result = EngineBenchmark.run(messages: count ?? 5_000_000)
            print(#"{"bench":"engine","messages":\#(result.messages),"seconds":\#(round3(result.seconds)),"messages_per_second":\#(Int(result.messagesPerSecond)),"peak_rss_mb":\#(peakRSSMegabytes())}"#)
        case .session:
            let path = NSTemporaryDirectory() + "palaver-bench-\(getpid()).jsonl"
            defer { try? FileManager.default.removeItem(atPath: path) }
            let r = try SessionBenchmark.run(events: count ?? 1_000_000, path: path)
            print(#"{"bench":"session","events":\#(r.events),"bytes":\#(r.bytes),"write_events_per_second":\#(Int(Double(r.events) / r.writeSeconds)),"read_events_per_second":\#(Int(Double(r.events) / r.readSeconds)),"open_index_seconds":\#(round3(r.openIndexSeconds)),"peak_rss_mb":\#(peakRSSMegabytes())}"#)
        case .replay:
            let path = NSTemporaryDirectory() + "palaver-bench-replay-\(getpid()).jsonl"
            defer { try? FileManager.default.removeItem(atPath: path) }
            let writer = try SessionWriter(path: path)
            SessionBenchmark.events(count: count ?? 1_000_000) { writer.receive($0) }
            writer.close()
            let r = try ReplayBenchmark.run(path: path)
            print(#"{"bench":"replay","events":\#(count ?? 1_000_000),"open_seconds":\#(round3(r.openSeconds)),"index_seconds":\#(round3(r.indexSeconds)),"seek_ms":\#(round3(r.seekMedianMs)),"seek_max_ms":\#(round3(r.seekMaxMs)),"peak_rss_mb":\#(peakRSSMegabytes())}"#)
        case .models:
            let agents = count ?? 200
            let r = try Self.blocking { try await ModelsBenchmark.run(agents: agents) }
            print(#"{"bench":"models","agents":\#(r.agents),"endpoint_latency_ms":100,"round_seconds":\#(round3(r.roundSeconds)),"requests":\#(r.requests),"replies":\#(r.replies),"peak_concurrency":\#(r.peakConcurrency),"peak_rss_mb":\#(peakRSSMegabytes())}"#)
        case .coordination:
            let small = try CoordinationBenchmark.run(instances: count ?? 50, variables: 20)
            let large = try CoordinationBenchmark.run(instances: count ?? 10, variables: 50, exactTimeout: 30)
            func family(_ f: CoordinationBenchmark.Family) -> String {
                func pct(_ x: Double?) -> Double { round3((x ?? 0) * 100) }
                var out = #"{"variables":\#(f.variables),"instances":\#(f.instances),"exact_proven":\#(f.proven),"exact_median_seconds":\#(round3(f.medianExactSeconds)),"exact_worst_seconds":\#(round3(f.worstExactSeconds))"#
                for a in CoordinationBenchmark.heuristics {
                    out += #","\#(a.rawValue)_median_gap_percent":\#(pct(f.medianGaps[a])),"\#(a.rawValue)_mean_gap_percent":\#(pct(f.meanGaps[a])),"\#(a.rawValue)_messages":\#(f.messages[a] ?? 0)"#
                }
                return out + #","mgm_plain_mean_gap_percent":\#(pct(f.plainMGMGap))}"#
            }
            print(#"{"bench":"coordination","colors":3,"density":0.2,"rounds":100,"ours":\#(family(small)),"pydcop_size":\#(family(large)),"peak_rss_mb":\#(peakRSSMegabytes())}"#)
        case .learning:
            var options = BeerTrainer.Options()
            options.episodes = count ?? 60_000
            let started = MonotonicClock.seconds()
            let report = BeerTrainer(options: options).train()
            let seconds = MonotonicClock.seconds() - started
            print(#"{"bench":"learning","learner":"q","episodes":\#(options.episodes),"agent_steps":\#(report.agentSteps),"seconds":\#(round3(seconds)),"agent_steps_per_second":\#(Int(Double(report.agentSteps) / seconds)),"team_cost_before":\#(report.before.totalCost),"team_cost_after":\#(report.after.totalCost),"peak_rss_mb":\#(peakRSSMegabytes())}"#)
        case .broker:
            try BrokerBench(url: try broker.url(), events: count ?? 500_000).run()
        case .render:
            var state = RenderBenchmark.state(messages: count ?? 1_000_000)
            let frame = RenderBenchmark.frameTime(state: &state)
            let flood = RenderBenchmark.ingest(state: &state)
            print(#"{"bench":"render","width":200,"height":60,"agents":12,"log_messages":\#(count ?? 1_000_000),"frame_ms":\#(round3(frame)),"max_lag_ms":\#(round3(flood.maxLagMs)),"key_to_paint_ms":\#(round3(flood.keyToPaintMs)),"key_to_paint_worst_ms":\#(round3(flood.keyToPaintWorstMs)),"keys":\#(flood.keys),"frames":\#(flood.framesPainted),"events_ingested":\#(flood.eventsIngested),"peak_rss_mb":\#(peakRSSMegabytes())}"#)
        }
    }
}

extension BenchCommand {
    /// Waits for async work from synchronous code on the main thread.
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        nonisolated(unsafe) var result: Result<T, any Error>?
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do { result = .success(try await work()) } catch { result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try result!.get()
    }
}

func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

/// The process's peak resident memory so far, in MB.
func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return (Double(usage.ru_maxrss) / 1024 * 10).rounded() / 10
}
