import Testing
@testable import PalaverBroker
import PalaverEngine

/// The engine's thread hands its events to the stream publisher as flat records; what comes out must be
/// exactly what went in, in order, whichever form each event took.
@Suite struct StagedEventsTests {
    static func events() -> [Event] {
        let a = AgentID(0), b = AgentID(3)
        let plain = Message(id: 7, step: 2, time: 0.25, sender: .agent(a), recipients: .one(b), kind: .chat, text: "token 7", author: .model)
        let specs = [AgentSpec(id: "a0", name: "A0", role: "r")]
        let info = SessionInfo(scenario: "s", title: "t", seed: 1, turnRule: .reactive, agents: specs, maxSteps: 10, speed: .fastest)
        let bodies: [Event.Body] = [
            .sessionStarted(info),
            .stepStarted,
            .messageSent(plain),
            .delivered(messageID: 7, to: b),
            .messageSent(Message(id: 8, step: 2, time: 0.5, sender: .user, recipients: .all, kind: .injected, text: "quote \" and\nnew line ✓")),
            .injected(Message(id: 9, step: 3, time: 1, sender: .system, recipients: .one(a), kind: .system, text: "")),
            .messageSent(Message(id: 10, step: 3, time: 1, sender: .environment, recipients: .all, kind: .observation, text: "中文 🎉")),
            .tokenDelta(agent: b, text: " word"),
            // These go whole: model figures, a coordination fact, several recipients, a long text, other kinds.
            .messageSent(Message(id: 11, step: 4, time: 2, sender: .agent(b), recipients: .all, kind: .chat, text: "hi",
                                 metadata: MessageMetadata(promptTokens: 3, completionTokens: 4, latencyMs: 5, model: "m"), author: .model)),
            .messageSent(Message(id: 12, step: 4, time: 2, sender: .agent(a), recipients: .one(b), kind: .coordination, text: "x = 1",
                                 author: .algorithm, coordination: .gain(variable: "x", amount: 1.5))),
            .messageSent(Message(id: 13, step: 4, time: 2, sender: .agent(a), recipients: .some([a, b]), kind: .chat, text: "both")),
            .messageSent(Message(id: 14, step: 4, time: 2, sender: .agent(a), recipients: .all, kind: .chat,
                                 text: String(repeating: "long ", count: 200))),
            .tokenDelta(agent: a, text: String(repeating: "t", count: StagedEvents.maxCopiedText + 1)),
            .callFinished(agent: a, usage: Usage(model: "m", promptTokens: 1, completionTokens: 2, latencyMs: 3)),
            .edited(messageID: 7, text: "new", original: "token 7"),
            .delivered(messageID: 8, to: AgentID(-1)),
        ]
        return bodies.enumerated().map { Event(step: $0.offset / 3, time: Double($0.offset) * 0.125, $0.element) }
    }

    static func replayed(_ staged: StagedEvents) -> [Event] {
        var out: [Event] = []
        staged.forEach { out.append($0) }
        return out
    }

    @Test func everyEventComesBackAsItWentInAndInOrder() {
        let staged = StagedEvents()
        for event in Self.events() { staged.append(event) }
        #expect(staged.count == Self.events().count)
        #expect(Self.replayed(staged) == Self.events())
    }

    @Test func anEmptiedBufferHoldsOnlyWhatCameAfter() {
        let staged = StagedEvents()
        for event in Self.events() { staged.append(event) }
        staged.removeAll()
        #expect(staged.isEmpty)
        let later = Array(Self.events().reversed())
        for event in later { staged.append(event) }
        #expect(Self.replayed(staged) == later)
    }

    @Test func aBufferGrowsPastItsFirstSize() {
        let staged = StagedEvents(capacity: 1)
        let many = (0..<300).map { i in
            Event(step: i, time: Double(i), .tokenDelta(agent: AgentID(i % 5), text: String(repeating: "é", count: i % 200)))
        }
        for event in many { staged.append(event) }
        #expect(Self.replayed(staged) == many)
    }

    @Test func onlyTheSessionsEndSaysSo() {
        let staged = StagedEvents()
        #expect(Self.events().allSatisfy { !staged.append($0) })
        let end = Event(step: 9, time: 9, .sessionEnded(Summary(reason: .steps, steps: 9, messages: 1, tokens: 2, durationSeconds: 3)))
        let ends = staged.append(end)
        #expect(ends)
        #expect(Self.replayed(staged).last == end)
    }

    /// Packed events carry a step or time only when it changes, and a message's own step and time only when
    /// they differ from its event's: every combination, with whole events between them, comes back exactly.
    @Test func stepsAndTimesComeBackWhereverTheyChange() {
        let a = AgentID(1)
        func message(_ id: Int, step: Int, time: Double) -> Message {
            Message(id: id, step: step, time: time, sender: .agent(a), recipients: .one(AgentID(Int.max)), kind: .action, text: String(repeating: "x", count: id))
        }
        let events = [
            Event(step: 0, time: 0, .stepStarted),
            Event(step: 0, time: 0, .messageSent(message(1, step: 0, time: 0))),
            Event(step: 5, time: 0, .messageSent(message(16, step: 4, time: 0))),
            Event(step: 5, time: -0.0, .messageSent(message(17, step: 5, time: 0))),
            Event(step: 5, time: .nan, .delivered(messageID: 17, to: AgentID(-3))),
            Event(step: 6, time: 1e300, .rejected(command: "x", reason: "y")),
            Event(step: 6, time: 1e300, .tokenDelta(agent: a, text: String(repeating: "é", count: StagedEvents.maxCopiedText / 2))),
            Event(step: -1, time: 2, .injected(message(512, step: 9, time: .infinity))),
            Event(step: -1, time: 2, .stepStarted),
        ]
        let staged = StagedEvents(capacity: 1)
        for event in events { staged.append(event) }
        let back = Self.replayed(staged)
        #expect(back.count == events.count)
        for (got, want) in zip(back, events) {
            // Compared by bit pattern: NaN and -0 must survive too.
            #expect(got.step == want.step && got.time.bitPattern == want.time.bitPattern)
            if case .messageSent(let m) = got.body, case .messageSent(let w) = want.body {
                #expect(m.step == w.step && m.time.bitPattern == w.time.bitPattern && m == w)
            }
        }
        #expect(Array(back[5...]) == Array(events[5...]))
    }

    /// Random mixes of every form, in buffers that grow and are emptied and filled again.
    @Test func randomMixesComeBackAsTheyWentIn() {
        var random = SeededGenerator(seed: 12)
        let all = Self.events()
        let staged = StagedEvents(capacity: 2)
        for _ in 0..<50 {
            staged.removeAll()
            var sent: [Event] = []
            for _ in 0..<Int.random(in: 0...200, using: &random) {
                var event = all[Int.random(in: 0..<all.count, using: &random)]
                if Bool.random(using: &random) { event.step = Int.random(in: -2...3, using: &random) }
                if Bool.random(using: &random) { event.time = [0, 0.5, 7.25, 1e-9][Int.random(in: 0...3, using: &random)] }
                sent.append(event)
                staged.append(event)
            }
            #expect(staged.count == sent.count)
            #expect(Self.replayed(staged) == sent)
        }
    }

    /// Short texts are copied as overlapping words: every length, in both message and token form, comes back
    /// byte for byte (an off-by-one would drop or repeat a byte at one length only).
    @Test func textsOfEveryShortLengthComeBackExactly() {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ")
        var sent: [Event] = []
        for length in 0...40 {
            let text = String(alphabet[0..<length])
            let message = Message(id: length, step: 1, time: 1, sender: .user, recipients: .all, kind: .chat, text: text)
            sent.append(Event(step: 1, time: 1, .messageSent(message)))
            sent.append(Event(step: 1, time: 1, .tokenDelta(agent: AgentID(2), text: text + "é")))
        }
        let staged = StagedEvents()
        for event in sent { staged.append(event) }
        #expect(Self.replayed(staged) == sent)
    }
}
