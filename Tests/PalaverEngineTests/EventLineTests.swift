import Testing
@testable import PalaverEngine

/// Steps, deliveries, plain messages and tokens are written by a faster path than other events; a session
/// file must not change because of it: every line must be the general writer's, byte for byte.
@Suite struct EventLineTests {
    static let texts = ["", "token 7", "quote \" and \\ back", "line\nbreak\r\ttab", "\u{1B}[31mred\u{7}", "中文 🎉 👩‍👩‍👧 é",
                        String(repeating: "long ", count: 300), "\u{0}\u{1F}\u{7F}"]
    static let times: [Double] = [0, -0.0, 0.001, 0.0005, 0.25, 1.125, -3.5, -0.0004, 123456.789, 8.9e15, 9e15, 1e300, .nan, .infinity, -.infinity]
    static let steps = [0, 1, -1, 42, Int.max, Int.min]

    @Test func commonEventsAreWrittenAsTheGeneralWriterWritesThem() {
        var random = SeededGenerator(seed: 7)
        var encoder = EventEncoder()
        var start: [UInt8] = []
        encoder.encode(Event(step: 0, time: 0, .sessionStarted(Fixtures.info(3))), into: &start)
        // Agents 0–2 are listed; 7 and -1 are not (the general writer names them "#7").
        let agents = [0, 1, 2, 7, -1].map(AgentID.init)
        func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }
        var checked = 0
        for _ in 0..<3000 {
            let party: Party = pick([.agent(pick(agents)), .user, .system, .environment])
            let recipients: Recipients = pick([.all, .one(pick(agents)), .some([pick(agents)])])
            let message = Message(id: pick([0, 5, -2, Int.max]), step: pick(Self.steps), time: pick(Self.times), sender: party,
                                  recipients: recipients, kind: pick(MessageKind.allCases), text: pick(Self.texts),
                                  metadata: Int.random(in: 0..<8, using: &random) == 0 ? MessageMetadata(promptTokens: 1, model: "m") : nil,
                                  author: pick([nil, .model, .person, .algorithm]))
            let body: Event.Body = pick([.stepStarted, .delivered(messageID: pick([0, 9, -4]), to: pick(agents)),
                                         .messageSent(message), .injected(message), .tokenDelta(agent: pick(agents), text: pick(Self.texts))])
            let event = Event(step: pick(Self.steps), time: pick(Self.times), body)
            var fast: [UInt8] = [1, 2]
            var general: [UInt8] = [1, 2]
            encoder.encode(event, into: &fast)
            encoder.encodeThroughWriter(event, into: &general)
            if fast != general {
                Issue.record("\(String(decoding: fast, as: UTF8.self)) should be \(String(decoding: general, as: UTF8.self))")
                return
            }
            checked += 1
        }
        #expect(checked == 3000)
    }

    /// The fast path writes the lines it is for (a later change that quietly sent every event the slow
    /// way would pass the test above and lose the speed).
    @Test func theCommonEventsTakeTheFastPath() {
        var encoder = EventEncoder()
        var out: [UInt8] = []
        encoder.encode(Event(step: 0, time: 0, .sessionStarted(Fixtures.info(2))), into: &out)
        let plain = Message(id: 1, step: 1, time: 0.5, sender: .agent(AgentID(0)), recipients: .one(AgentID(1)), kind: .chat, text: "hi", author: .model)
        for body: Event.Body in [.stepStarted, .delivered(messageID: 1, to: AgentID(1)), .messageSent(plain), .injected(plain),
                                 .tokenDelta(agent: AgentID(1), text: "x")] {
            out.removeAll()
            #expect(encoder.appendCommonLine(Event(step: 1, time: 0.5, body), to: &out))
        }
        out.removeAll()
        #expect(!encoder.appendCommonLine(Event(step: 1, time: 0.5, .control(.pause)), to: &out))
        #expect(out.isEmpty)
    }
}
