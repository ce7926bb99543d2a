import ArgumentParser
import Foundation
import PalaverEngine
import PalaverTUI
import PalaverModels

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Palaver's speed: a table of figures against their targets (--json: one JSON line). Use a release build (swift run -c release palaver bench …).",
        discussion: """
            engine: messages routed per second among agents that make no model calls. \
            session: write, read and index 1,000,000 events. \
            render: a 200×60 frame with 12 agents and a 1,000,000-message log, and 100,000 events/s for 5 s through the real workbench loop (≤ 60 fps) while Tab is pressed every 50 ms: frame_ms is the loop's median frame (draw, compare, write) during that flood, frame_alone_ms the same frame drawn outside the loop, key_to_paint_ms the median from a key written to the terminal to the frame showing it; filter_key_ms a key typed into the log filter (from:agent3 production) to its frame, filtered_frame_ms a message arriving under that filter to its frame. \
            replay: open a 1,000,000-event session to its first frame, index it, and seek at random. \
            models: 200 agents call one local Chat Completions endpoint with 100 ms latency; one round's wall time. \
            learning: Q-learning on the classic beer game, all four stages learning; agent-steps per second and the learned team's cost. \
            coordination: soft graph-colouring DCOPs (3 colours, density 0.2) — 50 of 20 variables and 10 of 50 (pyDCOP's benchmark size; --count sets both) — solved exactly (30 s limit each at 50 variables), by DSA, MGM and Max-Sum for 100 rounds and by DPOP where its tables fit: gaps to the optimum (or the best the exact solver found) and exact solve times. \
            broker (build with --traits Broker; give --broker): events through a run's stream and back, the engine's cost of publishing, \
            a round of 200 agents with a 100 ms model through 4 workers, the per-turn overhead, and 1,000 agents through 8 worker processes.
            """
    )

    enum Suite: String, ExpressibleByArgument, CaseIterable {
        case engine, session, render, replay, models, learning, coordination, broker
    }

    @Argument(help: "What to measure: \(Suite.allCases.map(\.rawValue).joined(separator: ", ")).")
    var suite: Suite

    @Option(help: "Messages to route (engine), events to write (session), or events through the stream (broker, whose engine stretches route as many, up to 300,000).")
    var count: Int?

    @OptionGroup var broker: BrokerOptions

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1 (got \(count))") }
    }

    @Flag(help: "Print one JSON line instead of the table.")
    var json = false

    func run() throws {
        BenchReport.warnIfDebugBuild()
        try report().print(json: json)
    }

    func report() throws -> BenchReport {
        typealias Row = BenchReport.Row
        switch suite {
        case .engine:
            let messages = count ?? 5_000_000
            let result = EngineBenchmark.run(messages: messages)
            let rss = peakRSSMegabytes()
            return BenchReport(name: "engine", json: #"{"bench":"engine","messages":\#(result.messages),"seconds":\#(round3(result.seconds)),"messages_per_second":\#(Int(result.messagesPerSecond)),"peak_rss_mb":\#(rss)}"#, rows: [
                Row("messages routed", BenchReport.number(Double(result.messages))),
                .atLeast("routing, no model calls", result.messagesPerSecond, 2_000_000, unit: "messages/s"),
                Row("peak RSS", "\(rss) MB"),
            ])
        case .session:
            let path = NSTemporaryDirectory() + "palaver-bench-\(getpid()).jsonl"
            defer { try? FileManager.default.removeItem(atPath: path) }
            let r = try SessionBenchmark.run(events: count ?? 1_000_000, path: path)
            let rss = peakRSSMegabytes()
            let write = Double(r.events) / r.writeSeconds, read = Double(r.events) / r.readSeconds
            return BenchReport(name: "session", json: #"{"bench":"session","events":\#(r.events),"bytes":\#(r.bytes),"write_events_per_second":\#(Int(write)),"read_events_per_second":\#(Int(read)),"open_index_seconds":\#(round3(r.openIndexSeconds)),"peak_rss_mb":\#(rss)}"#, rows: [
                Row("events", BenchReport.number(Double(r.events))),
                .atLeast("write", write, 500_000, unit: "events/s"),
                .atLeast("read", read, 1_000_000, unit: "events/s"),
                .atMost("open and index", r.openIndexSeconds, 1, unit: "s"),
                Row("peak RSS", "\(rss) MB"),
            ])
        case .replay:
            let events = count ?? 1_000_000
            let path = NSTemporaryDirectory() + "palaver-bench-replay-\(getpid()).jsonl"
            defer { try? FileManager.default.removeItem(atPath: path) }
            let writer = try SessionWriter(path: path)
            SessionBenchmark.events(count: events) { writer.receive($0) }
            writer.close()
            let r = try ReplayBenchmark.run(path: path)
            let rss = peakRSSMegabytes()
            return BenchReport(name: "replay", json: #"{"bench":"replay","events":\#(events),"open_seconds":\#(round3(r.openSeconds)),"index_seconds":\#(round3(r.indexSeconds)),"seek_ms":\#(round3(r.seekMedianMs)),"seek_max_ms":\#(round3(r.seekMaxMs)),"peak_rss_mb":\#(rss)}"#, rows: [
                .atMost("open to the first frame", r.openSeconds, 1, unit: "s"),
                Row("full index", "\(BenchReport.number(r.indexSeconds)) s"),
                .atMost("seek, median", r.seekMedianMs, 50, unit: "ms"),
                Row("seek, worst", "\(BenchReport.number(r.seekMaxMs)) ms"),
                .atMost("peak RSS", rss, 500, unit: "MB"),
            ])
        case .models:
            let agents = count ?? 200
            let r = try Self.blocking { try await ModelsBenchmark.run(agents: agents) }
            let rss = peakRSSMegabytes()
            return BenchReport(name: "models", json: #"{"bench":"models","agents":\#(r.agents),"endpoint_latency_ms":100,"round_seconds":\#(round3(r.roundSeconds)),"requests":\#(r.requests),"replies":\#(r.replies),"peak_concurrency":\#(r.peakConcurrency),"peak_rss_mb":\#(rss)}"#, rows: [
                .atMost("one round, \(r.agents) agents, 100 ms endpoint", r.roundSeconds, 1, unit: "s"),
                Row("replies / requests", "\(r.replies) / \(r.requests)"),
                Row("peak in flight", "\(r.peakConcurrency)"),
            ])
        case .coordination:
            let small = try CoordinationBenchmark.run(instances: count ?? 50, variables: 20)
            let large = try CoordinationBenchmark.run(instances: count ?? 10, variables: 50, exactTimeout: 30)
            func pct(_ x: Double?) -> Double { round3((x ?? 0) * 100) }
            func family(_ f: CoordinationBenchmark.Family) -> String {
                var out = #"{"variables":\#(f.variables),"instances":\#(f.instances),"exact_proven":\#(f.proven),"exact_median_seconds":\#(round3(f.medianExactSeconds)),"exact_worst_seconds":\#(round3(f.worstExactSeconds)),"exact_median_cpu_seconds":\#(round3(f.medianExactCPUSeconds)),"exact_worst_cpu_seconds":\#(round3(f.worstExactCPUSeconds))"#
                for a in CoordinationBenchmark.heuristics {
                    out += #","\#(a.rawValue)_median_gap_percent":\#(pct(f.medianGaps[a])),"\#(a.rawValue)_mean_gap_percent":\#(pct(f.meanGaps[a])),"\#(a.rawValue)_messages":\#(f.messages[a] ?? 0)"#
                }
                out += #","dpop_fits":\#(f.dpopFits)"#
                if f.dpopFits > 0 {
                    out += #","dpop_median_gap_percent":\#(pct(f.medianGaps[.dpop])),"dpop_max_gap_percent":\#(pct(f.maxGaps[.dpop])),"dpop_messages":\#(f.messages[.dpop] ?? 0)"#
                }
                return out + #","mgm_plain_mean_gap_percent":\#(pct(f.plainMGMGap))}"#
            }
            let rss = peakRSSMegabytes()
            let ceilings: [String: Double] = ["dsa": 15, "mgm": 10, "maxsum": 10]
            var rows = CoordinationBenchmark.heuristics.map { a in
                Row.atMost("\(a.rawValue), \(small.instances)×\(small.variables) vars: mean gap", pct(small.meanGaps[a]), ceilings[a.rawValue] ?? 10, unit: "%")
            }
            rows.append(Row("exact, \(small.variables) vars: proven", "\(small.proven) of \(small.instances)"))
            rows.append(Row("exact, \(large.variables) vars: proven", "\(large.proven) of \(large.instances)"))
            // Judged on processor time: on a shared machine wall time also counts other programs' turns.
            rows.append(.atMost("exact, \(large.variables) vars: median (processor)", large.medianExactCPUSeconds, 1, unit: "s"))
            rows.append(.atMost("exact, \(large.variables) vars: worst (processor)", large.worstExactCPUSeconds, 5, unit: "s"))
            rows.append(Row("exact, \(large.variables) vars: wall time median / worst", "\(round3(large.medianExactSeconds)) / \(round3(large.worstExactSeconds)) s"))
            if small.dpopFits > 0 {
                rows.append(.atMost("dpop, \(small.instances)×\(small.variables) vars: median gap (\(small.dpopFits) fit)", pct(small.medianGaps[.dpop]), 0, unit: "%"))
            }
            return BenchReport(name: "coordination", json: #"{"bench":"coordination","colors":3,"density":0.2,"rounds":100,"ours":\#(family(small)),"pydcop_size":\#(family(large)),"peak_rss_mb":\#(rss)}"#, rows: rows)
        case .learning:
            var options = BeerTrainer.Options()
            options.episodes = count ?? 60_000
            let started = MonotonicClock.seconds()
            let report = BeerTrainer(options: options).train()
            let seconds = MonotonicClock.seconds() - started
            let rate = Double(report.agentSteps) / seconds
            let rss = peakRSSMegabytes()
            return BenchReport(name: "learning", json: #"{"bench":"learning","learner":"q","episodes":\#(options.episodes),"agent_steps":\#(report.agentSteps),"seconds":\#(round3(seconds)),"agent_steps_per_second":\#(Int(rate)),"team_cost_before":\#(report.before.totalCost),"team_cost_after":\#(report.after.totalCost),"peak_rss_mb":\#(rss)}"#, rows: [
                .atLeast("Q-learning, \(BenchReport.number(Double(options.episodes))) episodes", rate, 2_000_000, unit: "agent-steps/s"),
                Row("team cost before → after", "$\(BenchReport.number(report.before.totalCost)) → $\(BenchReport.number(report.after.totalCost))"),
            ])
        case .broker:
            return try BrokerBench(url: try broker.url(), events: count ?? 500_000, stretch: min(count ?? 300_000, 300_000)).run()
        case .render:
            let messages = count ?? 1_000_000
            var state = RenderBenchmark.state(messages: messages)
            let alone = RenderBenchmark.frameTime(state: &state)
            let filtering = RenderBenchmark.filterTime(state: state)
            let flood = RenderBenchmark.ingest(state: &state)
            let rss = peakRSSMegabytes()
            let entryBytes = MemoryLayout<LogEntry>.stride
            return BenchReport(name: "render", json: #"{"bench":"render","width":200,"height":60,"agents":12,"log_messages":\#(messages),"frame_ms":\#(round3(flood.frameMs)),"frame_worst_ms":\#(round3(flood.frameWorstMs)),"frame_alone_ms":\#(round3(alone)),"max_lag_ms":\#(round3(flood.maxLagMs)),"filter_key_ms":\#(round3(filtering.keyMs)),"filter_key_worst_ms":\#(round3(filtering.worstKeyMs)),"filtered_frame_ms":\#(round3(filtering.frameMs)),"key_to_paint_ms":\#(round3(flood.keyToPaintMs)),"key_to_paint_worst_ms":\#(round3(flood.keyToPaintWorstMs)),"keys":\#(flood.keys),"frames":\#(flood.framesPainted),"events_ingested":\#(flood.eventsIngested),"log_entry_bytes":\#(entryBytes),"peak_rss_mb":\#(rss)}"#, rows: [
                .atMost("200×60 frame in the loop, 100,000 events/s: draw + diff + write, median", flood.frameMs, 2, unit: "ms"),
                Row("  worst frame in the loop", "\(BenchReport.number(flood.frameWorstMs)) ms"),
                .atMost("the same frame alone (one token per frame): render + diff", alone, 2, unit: "ms"),
                .atMost("key to paint, median", flood.keyToPaintMs, 20, unit: "ms"),
                Row("  worst key to paint", "\(BenchReport.number(flood.keyToPaintWorstMs)) ms"),
                Row("100,000 events/s: worst lag", "\(BenchReport.number(flood.maxLagMs)) ms"),
                .atMost("a key typed into the log filter → its frame, median", filtering.keyMs, 50, unit: "ms"),
                Row("  worst key (the first reads the whole log)", "\(BenchReport.number(filtering.worstKeyMs)) ms"),
                .atMost("a message arriving under the filter → its frame, median", filtering.frameMs, 2, unit: "ms"),
                .atMost("peak RSS, \(BenchReport.number(Double(messages)))-message log (log entry \(entryBytes) bytes)", rss, 400, unit: "MB"),
            ])
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
