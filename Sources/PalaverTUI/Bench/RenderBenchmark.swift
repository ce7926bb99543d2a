import Foundation
import PalaverEngine

/// How fast the workbench draws: one full frame of a big screen with a huge
/// log, and whether painting keeps up with a flood of events.
public enum RenderBenchmark {
    public struct Result: Sendable {
        public var frameMs: Double
        public var maxLagMs: Double
        public var framesPainted: Int
        public var eventsIngested: Int
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

    /// Median milliseconds to render a full frame and diff it with the previous one.
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

    /// Feeds `rate` events a second for `seconds` from another thread while
    /// painting at up to 30 fps, as the workbench does; reports the worst lag
    /// between an event arriving and a frame showing it.
    public static func ingest(state: inout AppState, rate: Int = 100_000, seconds: Double = 5) -> Result {
        let queue = EventQueue()
        let agents = state.agentCount
        let producedUntil = ProducerClock()
        let producer = Thread {
            let start = MonotonicClock.seconds()
            var sent = 0
            var id = 10_000_000
            while true {
                let elapsed = MonotonicClock.seconds() - start
                if elapsed >= seconds { break }
                let due = Int(elapsed * Double(rate))
                while sent < due {
                    let agent = AgentID(sent % agents)
                    if sent % 20 == 0 {
                        id += 1
                        let m = Message(id: id, step: id, time: elapsed, sender: .agent(agent), recipients: .all, kind: .chat,
                                        text: phrases[sent % phrases.count])
                        queue.receive(Event(step: id, time: elapsed, .messageSent(m)))
                    } else {
                        queue.receive(Event(step: id, time: elapsed, .tokenDelta(agent: agent, text: " tok")))
                    }
                    sent += 1
                }
                producedUntil.set(MonotonicClock.seconds(), count: sent)
                usleep(500)
            }
            producedUntil.finish()
        }
        var previous: Buffer?
        var maxLag = 0.0
        var frames = 0
        var ingested = 0
        producer.start()
        var lastPaint = 0.0
        while !producedUntil.finished || true {
            let now = MonotonicClock.seconds()
            let wait = lastPaint + 1.0 / 30 - now
            if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
            // Everything produced before this moment must be on the frame painted now.
            let cutoff = producedUntil.oldestUnseen()
            let events = queue.drain()
            ingested += events.count
            state.now = MonotonicClock.seconds()
            state.receive(events)
            let frame = AppView.render(state)
            _ = BufferDiff(from: previous, to: frame)
            previous = frame
            frames += 1
            let painted = MonotonicClock.seconds()
            lastPaint = painted
            if let cutoff { maxLag = max(maxLag, (painted - cutoff) * 1000) }
            if producedUntil.finished && queue.drain().isEmpty { break }
        }
        return Result(frameMs: 0, maxLagMs: maxLag, framesPainted: frames, eventsIngested: ingested)
    }

    /// When the producer last handed over events, for measuring lag.
    final class ProducerClock: @unchecked Sendable {
        private let lock = NSLock()
        private var firstUnseen: Double?
        private var done = false
        private var count = 0

        func set(_ time: Double, count: Int) {
            lock.withLock {
                if firstUnseen == nil && count > self.count { firstUnseen = time }
                self.count = count
            }
        }

        /// The time of the earliest batch not yet drained, and forget it.
        func oldestUnseen() -> Double? {
            lock.withLock {
                defer { firstUnseen = nil }
                return firstUnseen
            }
        }

        func finish() { lock.withLock { done = true } }
        var finished: Bool { lock.withLock { done } }
    }
}
