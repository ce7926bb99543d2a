import Foundation
import Testing
@testable import PalaverEngine

/// Version 1 files still replay: the decoder maps each v1 line to the typed event a v2 recording holds.
@Suite struct SessionV1ReaderTests {
    static let fixtures = "Tests/SessionsV1"

    func decodeV1(_ lines: [String], roster: SessionInfo) throws -> [Event.Body] {
        var decoder = EventDecoder(roster: roster, version: 1)
        return try lines.map { try decoder.decode(line: $0).body }
    }

    @Test func v1LinesGiveTheTypedFields() throws {
        let info = Fixtures.info(2)
        let a = info.agents[0].id, b = info.agents[1].id
        let bodies = try decodeV1([
            #"{"type":"action","step":3,"t":1,"agent":"\#(a)","action":"order 6 fallback"}"#,
            #"{"type":"action","step":3,"t":1,"agent":"\#(b)","action":"order 12"}"#,
            #"{"type":"message","step":3,"t":1,"id":4,"from":"\#(a)","to":"all","kind":"chat","text":"typed","model":"human"}"#,
            #"{"type":"message","step":3,"t":1,"id":5,"from":"\#(a)","to":"all","kind":"chat","text":"said","model":"offline","prompt_tokens":3,"completion_tokens":1,"latency_ms":9}"#,
            #"{"type":"message","step":3,"t":1,"id":6,"from":"\#(a)","to":["\#(b)"],"kind":"action","text":"truck1 = 109 (dock 1 09:00)"}"#,
            #"{"type":"message","step":3,"t":1,"id":7,"from":"\#(a)","to":["\#(b)"],"kind":"action","text":"gain truck1 2.5"}"#,
            #"{"type":"message","step":3,"t":1,"id":8,"from":"\#(a)","to":"all","kind":"chat","text":"Ordering 4 (base-stock)."}"#,
            #"{"type":"message","step":0,"t":0,"id":1,"from":"system","to":"all","kind":"system","text":"Open."}"#,
            #"{"type":"takeover","step":3,"t":1,"agent":"\#(a)","active":false}"#,
            #"{"type":"edited","step":3,"t":1,"id":4,"text":"new"}"#,
            #"{"type":"dropped","step":3,"t":1,"id":4}"#,
        ], roster: info)
        #expect(bodies[0] == .action(agent: AgentID(0), action: EnvironmentAction(value: 6, text: "order 6", valid: false)))
        #expect(bodies[1] == .action(agent: AgentID(1), action: EnvironmentAction(value: 12, text: "order 12", valid: true)))
        func message(_ body: Event.Body) -> Message? { if case .messageSent(let m) = body { m } else { nil } }
        #expect(message(bodies[2])?.author == .person)
        #expect(message(bodies[2])?.metadata == nil)
        #expect(message(bodies[3])?.author == .model)
        #expect(message(bodies[3])?.metadata?.model == "offline")
        #expect(message(bodies[4])?.author == .algorithm)
        #expect(message(bodies[4])?.coordination == .assignment(variable: "truck1", value: .number(109), label: "dock 1 09:00"))
        #expect(message(bodies[5])?.coordination == .gain(variable: "truck1", amount: 2.5))
        #expect(message(bodies[6])?.author == .algorithm)
        #expect(message(bodies[6])?.coordination == nil)
        #expect(message(bodies[7])?.author == nil)
        #expect(bodies[8] == .takeover(agent: AgentID(0), active: false))
        #expect(bodies[9] == .edited(messageID: 4, text: "new", original: nil))
        #expect(bodies[10] == .dropped(messageID: 4, from: nil))
    }

    @Test func aV1ActionWithNoNumberIsRefusedByName() throws {
        let info = Fixtures.info(1)
        #expect(throws: EventDecoder.Failure.self) {
            _ = try decodeV1([#"{"type":"action","step":1,"t":0,"agent":"\#(info.agents[0].id)","action":"order lots"}"#], roster: info)
        }
    }

    @Test func v2ReadersRefuseAnActionWithoutItsTypedFields() throws {
        let info = Fixtures.info(1)
        var decoder = EventDecoder(roster: info)
        #expect(throws: EventDecoder.Failure.self) {
            _ = try decoder.decode(line: #"{"type":"action","step":1,"t":0,"agent":"\#(info.agents[0].id)","action":"order 6 fallback"}"#)
        }
    }

    /// The shipped v1 recordings, read through the v1 mapping, carry the typed fields.
    @Test func v1ExampleFilesReadAsTypedEvents() throws {
        var beer = try SessionReader(path: "\(Self.fixtures)/beer-game.jsonl")
        #expect(beer.header.version == 1)
        let beerEvents = try beer.readAll()
        let actions = beerEvents.compactMap { if case .action(_, let a) = $0.body { a } else { nil } }
        #expect(actions.count == 144)
        #expect(actions.allSatisfy { $0.text == "order \($0.value)" })
        let turns = beerEvents.compactMap { if case .messageSent(let m) = $0.body, m.sender.agent != nil { m } else { nil } }
        // The learned retailer orders by its policy; the others through their (offline) model.
        #expect(turns.contains { $0.author == .algorithm } && turns.contains { $0.author == .model })
        #expect(turns.allSatisfy { ($0.author == .model) == ($0.metadata != nil) })

        var dock = try SessionReader(path: "\(Self.fixtures)/dock-scheduling.jsonl")
        let dockEvents = try dock.readAll()
        let algorithmic = dockEvents.compactMap { if case .messageSent(let m) = $0.body, m.kind == .action { m } else { nil } }
        #expect(!algorithmic.isEmpty)
        #expect(algorithmic.allSatisfy { $0.author == .algorithm && $0.coordination != nil })
        #expect(algorithmic.contains { if case .gain = $0.coordination { true } else { false } })
        var projection = Projection()
        for e in dockEvents { projection.apply(e) }
        #expect(projection.plan.flatMap(\.values).count == algorithmic.filter { if case .assignment = $0.coordination { true } else { false } }.count)
    }
}
