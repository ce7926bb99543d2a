import Foundation
import PalaverEngine

/// `palaver bench broker`: the broker path's throughput and latency, through a real broker.
public enum BrokerBenchmark {
    public struct StreamResult: Sendable {
        public var events: Int
        /// From the first event handed to the publisher to the last one read back by a reader.
        public var seconds: Double
        public var eventsPerSecond: Double { Double(events) / seconds }
    }

    /// Publishes `events` events of a realistic mix to a fresh run stream while a reader reads them back.
    public static func stream(url: BrokerURL, events count: Int) throws -> StreamResult {
        let run = "bench-stream-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let publisher = try EventStreamPublisher(url: url, run: run, header: SessionHeader(), scenario: "bench", report: { _ in })
        let reader = try EventStreamReader(url: url, run: run)
        nonisolated(unsafe) var lines = 0
        nonisolated(unsafe) var readError: (any Error)?
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            do {
                try reader.read(idle: 60) { batch in
                    lines += batch.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                    return true
                }
            } catch { readError = error }
            done.signal()
        }
        let start = MonotonicSeconds.now()
        thread.start()
        SessionBenchmark.events(count: count) { publisher.receive($0) }
        publisher.receive(Event(step: 0, time: 0, .sessionEnded(Summary(reason: .steps, steps: 0, messages: 0, tokens: 0, durationSeconds: 0))))
        done.wait()
        let seconds = MonotonicSeconds.now() - start
        publisher.finish()
        deleteStream(url: url, run: run)
        if let readError { throw readError }
        return StreamResult(events: lines - 1, seconds: seconds)
    }

    /// The engine benchmark's step loop without and with a stream publisher as a second sink, run interleaved.
    public struct EngineCost: Sendable {
        /// One side's stretches, in the order run, and their medians.
        public struct Side: Sendable {
            public var stretches: [EngineBenchmark.Result] = []
            /// Messages per wall-clock second.
            public var wall: Double { median(stretches.map(\.messagesPerSecond)) }
            /// Processor time of the engine's own thread per message routed, in nanoseconds.
            public var threadNanos: Double { median(stretches.map(\.threadNanosPerMessage)) }
            /// The engine thread's page faults per 1,000 messages, and its kernel time per message in nanoseconds
            /// (part of `threadNanos`): memory the loop touches for the first time shows here.
            public var faultsPerThousand: Double { median(stretches.map(\.faultsPerThousandMessages)) }
            public var systemNanos: Double { median(stretches.map(\.systemNanosPerMessage)) }
            /// Messages routed in all the stretches (whole steps, so a little over the count asked for): to turn
            /// an instruction count of this side's stretches into instructions per message.
            public var messages: Int { stretches.reduce(0) { $0 + $1.messages } }
        }

        public var alone = Side()
        public var withPublisher = Side()
        /// Median processor time of the publisher's thread per message routed (encoding, publishing), in nanoseconds.
        public var publisherNanos = 0.0
        /// How much longer the engine's thread works per message with the publisher, each pair of stretches
        /// compared on its own (so drift on a busy machine between pairs cancels out), in the order run.
        public var threadSlowdowns: [Double] {
            zip(withPublisher.stretches, alone.stretches).map { ($0.threadNanosPerMessage / $1.threadNanosPerMessage - 1) * 100 }
        }
        /// How much lower the wall-clock rate is, by the same pairs: the thread's own cost plus the time the
        /// publisher's thread and the broker take the cores away from it (2 cores here, shared with the broker).
        public var wallSlowdowns: [Double] {
            zip(withPublisher.stretches, alone.stretches).map { (1 - $0.messagesPerSecond / $1.messagesPerSecond) * 100 }
        }
        /// The cost on the step loop itself: the pairs' median.
        public var threadSlowdownPercent: Double { median(threadSlowdowns) }
        public var wallSlowdownPercent: Double { median(wallSlowdowns) }
    }

    /// - Parameter recording: as `run` by default: the engine also records a session file (to a temporary
    ///   directory), and the publisher takes the file's lines; else (`--no-record`) it takes the events.
    ///
    /// One engine, warmed up by `warmUp` messages, routes `messages` at a time, publishing to the stream in
    /// every other stretch (the order alternating between pairs): so both sides are the same engine with
    /// the same memory in its steady state. After a stretch with the publisher, the next waits until every
    /// event it handed over is confirmed, so the publisher's thread is idle again for a stretch without.
    public static func engineCost(url: BrokerURL, messages: Int, runs: Int, recording: Bool, warmUp: Int = 200_000) throws -> EngineCost {
        var cost = EngineCost()
        var publisherNanos: [Double] = []
        let path = NSTemporaryDirectory() + "palaver-bench-engine-\(getpid()).jsonl"
        defer { unlink(path) }
        let run = "bench-engine-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let publisher = try EventStreamPublisher(url: url, run: run, header: SessionHeader(), scenario: "bench", report: { _ in })
        defer { deleteStream(url: url, run: run) }
        let file = recording ? try SessionWriter(path: path) : nil
        // Through a run's fanout on both sides, which always holds a sink (the session file, or else the
        // screen or printer, here a counter): the figure is what the publisher adds to it. Without a file,
        // the stretches with the publisher have it in the fanout too.
        let first: any EventSink = file ?? EngineBenchmark.CountingSink()
        let fanoutAlone = EventFanout([first])
        let fanoutWithPublisher = file == nil ? EventFanout([first, publisher]) : fanoutAlone
        // The publisher follows the run from its start, as in `run`: it learns the agents' names from the
        // session's first event.
        file?.linesSink = publisher
        let loop = EngineBenchmark.Loop(sink: fanoutWithPublisher)
        func publishing(_ on: Bool) {
            if let file {
                // What the writer holds goes with the stretch it was written in.
                file.flush()
                file.linesSink = on ? publisher : nil
            } else if !on {
                publisher.idle()
            }
            loop.sink = on ? fanoutWithPublisher : fanoutAlone
        }
        for on in [true, false] {
            publishing(on)
            _ = loop.route(warmUp / 2)
            publishing(false)
            publisher.waitUntilConfirmed(timeout: 300)
        }
        for i in 0..<runs {
            for on in i % 2 == 0 ? [false, true] : [true, false] {
                let publisherBefore = publisher.publisherThreadCPUSeconds
                let result = on ? stretchWithPublisher(loop, messages, switching: publishing) : stretchWithout(loop, messages)
                publisher.waitUntilConfirmed(timeout: 300)
                if on {
                    cost.withPublisher.stretches.append(result)
                    publisherNanos.append((publisher.publisherThreadCPUSeconds - publisherBefore) / Double(result.messages) * 1e9)
                } else {
                    cost.alone.stretches.append(result)
                }
            }
        }
        let end = Event(step: 0, time: 0, .sessionEnded(Summary(reason: .steps, steps: 0, messages: 0, tokens: 0, durationSeconds: 0)))
        publishing(true)
        if let file {
            file.receive(end)
            file.close()
        } else {
            publisher.receive(end)
        }
        publisher.finish(timeout: 300)
        cost.publisherNanos = median(publisherNanos)
        return cost
    }

    /// Deletes a benchmark's stream once it is read: a run of `bench broker` publishes a gigabyte or more,
    /// which a broker would otherwise keep on its disk for good.
    static func deleteStream(url: BrokerURL, run: String) {
        #if Broker
        guard let connection = try? AMQPConnection(url: url) else { return }
        try? connection.deleteQueue(BrokerNames.events(run))
        connection.close()
        #endif
    }

    // The two sides' stretches by name, so an instruction count (`valgrind --tool=callgrind
    // --toggle-collect='*stretchWithPublisher*'`) can take each side alone.
    @inline(never) public static func stretchWithPublisher(_ loop: EngineBenchmark.Loop, _ messages: Int,
                                                           switching publishing: (Bool) -> Void) -> EngineBenchmark.Result {
        publishing(true)
        defer { publishing(false) }
        return loop.route(messages)
    }

    @inline(never) public static func stretchWithout(_ loop: EngineBenchmark.Loop, _ messages: Int) -> EngineBenchmark.Result {
        loop.route(messages)
    }

    /// One round: every agent's turn sent at once through the work queue; seconds until the last reply finished.
    public static func round(turns: RemoteTurns, agents: Int, step: Int) -> Double {
        let requests = requests(agents: agents, step: step)
        let start = MonotonicSeconds.now()
        let models = requests.map { turns.model(for: $0.spec) }
        for (model, request) in zip(models, requests) { (model as? any PrefetchingModelProvider)?.prefetch(request) }
        let group = DispatchGroup()
        for (model, request) in zip(models, requests) {
            if let scripted = model as? any ScriptedModelProvider, scripted.script(for: request) != nil { continue }
            group.enter()
            let stream = model.stream(request)
            Task.detached {
                do { for try await _ in stream {} } catch {}
                group.leave()
            }
        }
        group.wait()
        return MonotonicSeconds.now() - start
    }

    /// Per-turn time through the broker, one turn at a time (an offline worker answers): the broker's overhead.
    public static func turnOverhead(turns: RemoteTurns, count: Int) -> [Double] {
        (0..<count).map { i in
            let request = requests(agents: 1, step: 100_000 + i)[0]
            let model = turns.model(for: request.spec)
            let start = MonotonicSeconds.now()
            (model as? any PrefetchingModelProvider)?.prefetch(request)
            _ = (model as? any ScriptedModelProvider)?.script(for: request)
            return (MonotonicSeconds.now() - start) * 1000
        }
    }

    static func requests(agents: Int, step: Int) -> [ModelRequest] {
        let roster = (0..<agents).map { AgentSpec(id: "a\($0)", name: "A\($0)", role: "bench") }
        return roster.indices.map { i in
            // Each request carries only its own agent (index 0 of a one-agent roster); `turn` tells them apart.
            ModelRequest(agent: AgentID(0), spec: roster[i], roster: [roster[i]], scenarioTitle: "bench", seed: 1, step: step, turn: i,
                         messages: [ChatMessage(role: .system, content: "You are a benchmark."), ChatMessage(role: .user, name: "you", content: "Say something.")])
        }
    }

    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

/// A model that thinks for a fixed time, then streams a short reply (the benchmark's stand-in for a real endpoint).
public struct DelayedModel: ModelProvider {
    public let label = "delayed"
    public let delay: Double
    public init(delay: Double) { self.delay = delay }

    public func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelChunk, any Error> {
        let delay = self.delay
        return AsyncThrowingStream { continuation in
            let task = Task {
                try? await Task.sleep(nanoseconds: UInt64(delay * 1e9))
                for token in ["All", " good", "."] { continuation.yield(.token(token)) }
                continuation.yield(.finished(Usage(model: "delayed", promptTokens: 10, completionTokens: 3, latencyMs: delay * 1000)))
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
