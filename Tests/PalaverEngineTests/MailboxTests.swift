import Testing
@testable import PalaverEngine

@Suite struct MailboxTests {
    @Test func deliversInArrivalOrderWithInjectedAndSystemFirst() {
        var box = Mailbox(capacity: 10)
        box.push(Fixtures.message(1))
        box.push(Fixtures.message(2))
        box.push(Fixtures.message(3, kind: .injected))
        box.push(Fixtures.message(4, kind: .system))
        var order: [Int] = []
        while let m = box.pop() { order.append(m.id) }
        #expect(order == [3, 4, 1, 2])
    }

    @Test func refusesMessagesWhenFull() {
        var box = Mailbox(capacity: 2)
        let accepted = [box.push(Fixtures.message(1)), box.push(Fixtures.message(2)), box.push(Fixtures.message(3))]
        #expect(accepted == [true, true, false])
        #expect(box.count == 2)
        #expect(box.isFull)
        #expect(box.waiting.map(\.id) == [1, 2])
    }

    @Test func editsAndDropsOnlyWaitingMessages() {
        var box = Mailbox(capacity: 4)
        box.push(Fixtures.message(1, text: "old"))
        box.push(Fixtures.message(2, kind: .injected))
        let edits = [box.edit(1, text: "new"), box.edit(9, text: "x")]
        #expect(edits == [true, false])
        #expect(box.waiting.first { $0.id == 1 }?.text == "new")
        let drops = [box.drop(2), box.drop(2)]
        #expect(drops == [true, false])
        #expect(box.waiting.map(\.id) == [1])
    }

    @Test func fullMailboxIsReportedAsAnEvent() {
        let (engine, log) = Fixtures.engine(2, capacity: 1)
        engine.start()
        engine.apply(.inject(text: "one", from: .user, to: .one(AgentID(1))))
        engine.apply(.inject(text: "two", from: .user, to: .one(AgentID(1))))
        #expect(engine.mailbox(of: AgentID(1)).count == 1)
        #expect(log.events.bodies.contains(.mailboxFull(agent: AgentID(1), messageID: 2)))
    }
}
