import Foundation
import PalaverEngine

/// How fast the workbench draws: one full frame of a big screen with a huge
/// log, and whether painting keeps up with a flood of events.
public enum RenderBenchmark {
    public struct Result: Sendable {
        /// Median and worst milliseconds the loop took to draw, compare and write a frame during the flood.
        public var frameMs: Double
        public var frameWorstMs: Double
        public var maxLagMs: Double
        public var framesPainted: Int
        public var eventsIngested: Int
        /// Median and worst milliseconds from a key written to the terminal to the frame showing it.
        public var keyToPaintMs: Double = .nan
        public var keyToPaintWorstMs: Double = .nan
        public var keys = 0
    }

    static let phrases = [
        "We should ship behind a flag and watch activation for a week.",
        "The migration still needs a dry run against production-sized data.",
        "Users got stuck on the permissions screen in the last study.",
        "Support needs a help article and a canned reply before launch.",
        "关于支付接入，我们必须在三月前完成。",
        "Dark mode ships on day one or the reviews will say so.",
    ]

    /// A workbench state with `agents` agents and a log of `messages` messages.
    public static func state(agents: Int = 12, messages: Int = 1_000_000, width: Int = 200, height: Int = 60) -> AppState {
        let specs = (0..<agents).map { AgentSpec(id: "agent\($0)", name: "Agent \($0)", role: "role \($0)") }
        let info = SessionInfo(scenario: "bench", title: "render benchmark", seed: 1, turnRule: .roundRobin,
                               agents: specs, maxSteps: .max, speed: .factor(1))
        var state = AppState(width: width, height: height)
        state.receive([Event(step: 0, time: 0, .sessionStarted(info))])
        var batch: [Event] = []
        batch.reserveCapacity(10_000)
        for i in 0..<messages {
            let sender = AgentID(i % agents)
            let text = phrases[i % phrases.count] + " (\(i))"
            let m = Message(id: i + 1, step: i + 1, time: Double(i) * 0.5, sender: .agent(sender),
                            recipients: i % 3 == 0 ? .all : .one(AgentID((i + 1) % agents)), kind: .chat, text: text,
                            metadata: MessageMetadata(promptTokens: 100, completionTokens: 20, latencyMs: 400, model: "offline"))
            batch.append(Event(step: i + 1, time: m.time, .messageSent(m)))
            if batch.count == 10_000 {
                state.receive(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        state.receive(batch)
        return state
    }

    /// Median milliseconds to render a full frame and diff it with the previous one, outside the loop.
    public static func frameTime(state: inout AppState, frames: Int = 200) -> Double {
        var previous = AppView.render(state)
        var times: [Double] = []
        let agents = state.agentCount
        var nextID = state.projection.log.count + 1
        for i in 0..<frames {
            // Something changes every frame: a token streams into one pane.
            state.receive([Event(step: nextID, time: 0, .tokenDelta(agent: AgentID(i % agents), text: " word"))])
            if i % 10 == 0 {
                let m = Message(id: nextID, step: nextID, time: 0, sender: .agent(AgentID(i % agents)), recipients: .all,
                                kind: .chat, text: phrases[i % phrases.count])
                state.receive([Event(step: nextID, time: 0, .messageSent(m))])
                nextID += 1
            }
            let start = MonotonicClock.seconds()
            let frame = AppView.render(state)
            let diff = BufferDiff(from: previous, to: frame)
            times.append((MonotonicClock.seconds() - start) * 1000)
            precondition(!diff.isEmpty)
            previous = frame
        }
        times.sort()
        return times[times.count / 2]
    }

    /// Typing a filter into a huge log: milliseconds from each key to its frame drawn (median, worst),
    /// then the median frame while messages keep arriving under the filter.
    public static func filterTime(state: AppState, typing filter: String = "from:agent3 production") -> (keyMs: Double, worstKeyMs: Double, frameMs: Double) {
        var state = state
        state.focus = .log
        var keys: [Double] = []
        for key in [Key.char("/")] + filter.map(Key.char) {
            let start = MonotonicClock.seconds()
            _ = state.update(.key(key))
            _ = AppView.render(state)
            keys.append((MonotonicClock.seconds() - start) * 1000)
        }
        var frames: [Double] = []
        var nextID = state.projection.log.count + 1
        for i in 0..<100 {
            let m = Message(id: nextID, step: nextID, time: 0, sender: .agent(AgentID(i % state.agentCount)), recipients: .all,
                            kind: .chat, text: phrases[i % phrases.count])
            nextID += 1
            let start = MonotonicClock.seconds()
            _ = state.update(.source(SourceUpdate(events: [Event(step: m.step, time: 0, .messageSent(m))])))
            _ = AppView.render(state)
            frames.append((MonotonicClock.seconds() - start) * 1000)
        }
        keys.sort()
        frames.sort()
        return (keys[keys.count / 2], keys.last ?? .nan, frames[frames.count / 2])
    }

    /// Runs the real workbench loop (on a `PipeTerminal` of the state's size)
    /// while another thread feeds it `rate` events a second for `seconds`, and
    /// a third presses Tab every 50 ms. Reports how long each key took to
    /// reach a painted frame (from the moment it was written to the terminal)
    /// and the worst lag between events arriving and a frame showing them.
    public static func ingest(state: inout AppState, rate: Int = 100_000, seconds: Double = 5) -> Result {
        let source = FloodSource(agents: state.agentCount, rate: rate, seconds: seconds)
        let terminal = PipeTerminal(width: state.width, height: state.height)
        let workbench = Workbench(source: source, controls: source,
                                  options: .init(theme: state.theme, noColor: false, sessionPath: nil), state: state)
        let keys = KeyLog()
        nonisolated(unsafe) var frames = 0
        nonisolated(unsafe) var maxLag = 0.0
        nonisolated(unsafe) var paints: [(time: Double, inputs: Int)] = []
        nonisolated(unsafe) var frameTimes: [Double] = []
        workbench.onPaint = { time, inputs, seconds in
            frames += 1
            paints.append((time, inputs))
            frameTimes.append(seconds * 1000)
            if let arrived = source.oldestTaken() { maxLag = max(maxLag, (time - arrived) * 1000) }
        }
        let typist = Thread {
            let start = MonotonicClock.seconds()
            while MonotonicClock.seconds() - start < seconds {
                keys.note(MonotonicClock.seconds())
                terminal.type("\t")
                usleep(50_000)
            }
            terminal.type("q")
        }
        typist.start()
        _ = workbench.run(on: terminal)
        // Key k (1-based) is shown by the first frame painted after k inputs were read.
        var latencies: [Double] = []
        var next = 0
        for (k, written) in keys.times.enumerated() {
            while next < paints.count && paints[next].inputs < k + 1 { next += 1 }
            guard next < paints.count else { break }
            latencies.append((paints[next].time - written) * 1000)
        }
        latencies.sort()
        frameTimes.sort()
        return Result(frameMs: frameTimes.isEmpty ? .nan : frameTimes[frameTimes.count / 2], frameWorstMs: frameTimes.last ?? .nan,
                      maxLagMs: maxLag, framesPainted: frames, eventsIngested: source.produced,
                      keyToPaintMs: latencies.isEmpty ? .nan : latencies[latencies.count / 2],
                      keyToPaintWorstMs: latencies.last ?? .nan, keys: latencies.count)
    }

    final class KeyLog: @unchecked Sendable {
        private let lock = NSLock()
        private var written: [Double] = []
        func note(_ t: Double) { lock.withLock { written.append(t) } }
        var times: [Double] { lock.withLock { written } }
    }

    /// A flood of messages and tokens from a thread, as an event source.
    final class FloodSource: EventSource, Controls, @unchecked Sendable {
        private let lock = NSLock()
        private var pending: [Event] = []
        private var firstPending: Double?
        private var oldest: Double?
        private var done = false
        private var stopped = false
        private var count = 0
        private let agents: Int, rate: Int, seconds: Double

        init(agents: Int, rate: Int, seconds: Double) {
            self.agents = agents
            self.rate = rate
            self.seconds = seconds
        }

        var produced: Int { lock.withLock { count } }

        func start(wake: @escaping @Sendable () -> Void) {
            let thread = Thread { [self] in
                let start = MonotonicClock.seconds()
                var sent = 0
                var id = 10_000_000
                while true {
                    let now = MonotonicClock.seconds()
                    let elapsed = now - start
                    if elapsed >= seconds || lock.withLock({ stopped }) { break }
                    let due = Int(elapsed * Double(rate))
                    var batch: [Event] = []
                    while sent < due {
                        let agent = AgentID(sent % agents)
                        if sent % 20 == 0 {
                            id += 1
                            let m = Message(id: id, step: id, time: elapsed, sender: .agent(agent), recipients: .all, kind: .chat,
                                            text: phrases[sent % phrases.count])
                            batch.append(Event(step: id, time: elapsed, .messageSent(m)))
                        } else {
                            batch.append(Event(step: id, time: elapsed, .tokenDelta(agent: agent, text: " tok")))
                        }
                        sent += 1
                    }
                    let first = lock.withLock {
                        let wasEmpty = pending.isEmpty
                        if wasEmpty && !batch.isEmpty { firstPending = now }
                        pending += batch
                        count = sent
                        return wasEmpty && !batch.isEmpty
                    }
                    if first { wake() }
                    usleep(500)
                }
                lock.withLock { done = true }
                wake()
            }
            thread.start()
        }

        func take(now: Double) -> SourceUpdate {
            lock.withLock {
                defer { pending.removeAll(keepingCapacity: true); firstPending = nil }
                if let firstPending { oldest = min(oldest ?? firstPending, firstPending) }
                return SourceUpdate(events: pending)
            }
        }

        /// When the oldest events taken since the last frame arrived; forgets it.
        func oldestTaken() -> Double? {
            lock.withLock {
                defer { oldest = nil }
                return oldest
            }
        }

        func stop() { lock.withLock { stopped = true } }
        var isFinished: Bool { lock.withLock { done } }
        func perform(_ request: ControlRequest) -> ControlOutcome { .done }
    }
}
