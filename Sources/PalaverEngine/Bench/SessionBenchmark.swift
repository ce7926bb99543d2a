import Foundation

/// Writes a session of realistic events, then reads and indexes it.
public enum SessionBenchmark {
    public struct Result: Sendable {
        public var events: Int
        public var writeSeconds: Double
        public var readSeconds: Double
        public var openIndexSeconds: Double
        public var bytes: Int
    }

    /// A plausible stream: steps in which one agent thinks, streams a reply and is heard by the others.
    public static func events(count: Int, agents: Int = 4, visit: (Event) -> Void) {
        let specs = (0..<agents).map { AgentSpec(id: "agent\($0)", name: "Agent \($0)", role: "speaker") }
        let info = SessionInfo(scenario: "bench", title: "session benchmark", seed: 1, turnRule: .roundRobin,
                               agents: specs, maxSteps: 1_000_000_000, speed: .fastest)
        visit(Event(step: 0, time: 0, .sessionStarted(info)))
        var produced = 1
        var step = 0
        var id = 0
        let words = [" the", " launch", " needs", " a", " rollback", " plan", " before", " Friday."]
        while produced < count {
            step += 1
            let t = Double(step) * 0.75
            let speaker = AgentID(step % agents)
            var batch: [Event.Body] = [.stepStarted, .callStarted(agent: speaker, model: "offline")]
            for word in words { batch.append(.tokenDelta(agent: speaker, text: word)) }
            batch.append(.callFinished(agent: speaker, usage: Usage(model: "offline", promptTokens: 120, completionTokens: 8, latencyMs: 412)))
            id += 1
            batch.append(.messageSent(Message(id: id, step: step, time: t, sender: .agent(speaker), recipients: .all, kind: .chat,
                                              text: words.joined().trimmingWhitespace,
                                              metadata: MessageMetadata(promptTokens: 120, completionTokens: 8, latencyMs: 412, model: "offline"))))
            for other in 0..<agents where other != speaker.index {
                batch.append(.delivered(messageID: id, to: AgentID(other)))
            }
            for body in batch where produced < count {
                visit(Event(step: step, time: t, body))
                produced += 1
            }
        }
    }

    public static func run(events count: Int = 1_000_000, path: String) throws -> Result {
        let writer = try SessionWriter(path: path)
        let writeStart = MonotonicClock.seconds()
        events(count: count) { writer.receive($0) }
        writer.close()
        let writeSeconds = MonotonicClock.seconds() - writeStart
        if let failure = writer.failure { throw failure }

        let openStart = MonotonicClock.seconds()
        var reader = try SessionReader(path: path)
        let index = try SessionIndex.build(path: path)
        let openSeconds = MonotonicClock.seconds() - openStart

        let readStart = MonotonicClock.seconds()
        var read = 0
        try reader.forEachEvent { _ in read += 1; return true }
        let readSeconds = MonotonicClock.seconds() - readStart
        guard read == count, index.eventCount == count else {
            throw SessionError(path: path, reason: .malformed("read back \(read) events, indexed \(index.eventCount), wrote \(count)"))
        }
        return Result(events: count, writeSeconds: writeSeconds, readSeconds: readSeconds,
                      openIndexSeconds: openSeconds, bytes: index.byteCount)
    }
}
