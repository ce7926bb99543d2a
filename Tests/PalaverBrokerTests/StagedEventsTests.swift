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
        var staged = StagedEvents()
        for event in Self.events() { staged.append(event) }
        #expect(staged.count == Self.events().count)
        #expect(Self.replayed(staged) == Self.events())
    }

    @Test func anEmptiedBufferHoldsOnlyWhatCameAfter() {
        var staged = StagedEvents()
        for event in Self.events() { staged.append(event) }
        staged.removeAll()
        #expect(staged.isEmpty)
        let later = Array(Self.events().reversed())
        for event in later { staged.append(event) }
        #expect(Self.replayed(staged) == later)
    }

    @Test func aBufferGrowsPastItsFirstSize() {
        var staged = StagedEvents(capacity: 1)
        let many = (0..<300).map { i in
            Event(step: i, time: Double(i), .tokenDelta(agent: AgentID(i % 5), text: String(repeating: "é", count: i % 200)))
        }
        for event in many { staged.append(event) }
        #expect(Self.replayed(staged) == many)
    }

    @Test func onlyTheSessionsEndSaysSo() {
        var staged = StagedEvents()
        #expect(Self.events().allSatisfy { !staged.append($0) })
        let end = Event(step: 9, time: 9, .sessionEnded(Summary(reason: .steps, steps: 9, messages: 1, tokens: 2, durationSeconds: 3)))
        let ends = staged.append(end)
        #expect(ends)
        #expect(Self.replayed(staged).last == end)
    }
}
