import Foundation
import Testing
@testable import PalaverEngine

/// The beer game played by agents in the engine, as `palaver run beer-game` does.
@Suite struct BeerGameRunTests {
    /// A model that always says the same thing.
    struct Parrot: ScriptedModelProvider {
        let text: String
        var label: String { "parrot" }
        func script(for request: ModelRequest) -> ModelScript? {
            ModelScript(tokens: [text], firstTokenDelay: 0, tokenInterval: 0,
                        usage: Usage(model: "parrot", promptTokens: 1, completionTokens: 1, latencyMs: 0))
        }
    }

    func scenario() throws -> Scenario { try ScenarioLoader(directories: ["scenarios"]).load("beer-game") }

    func environmentCost(_ events: [Event]) -> Double {
        -events.reduce(0) { if case .reward(_, let v) = $1.body { return $0 + v } else { return $0 } }
    }

    @Test func offlineAgentsPlayAsStermanPlayersAndTheCostsAgreeWithTheSimulator() async throws {
        let log = EventLog()
        try await SessionRun(scenario: try scenario(), options: .init(speed: .fastest), sinks: [log]).runDetached()
        let events = log.events
        let weeks = events.filter { if case .reward(AgentID(0), _) = $0.body { true } else { false } }.count
        #expect(weeks == 36)
        let team = BeerEvaluation.run(Array(repeating: .sterman(StermanPolicy()), count: 4), settings: .init(), episodes: 1)
        #expect(environmentCost(events) == team.totalCost)
        // Each week every stage observed, ordered, and talked to its neighbours only.
        let observed = events.filter { if case .observed = $0.body { true } else { false } }
        #expect(observed.count == 36 * 4)
        let retailerTalk = events.compactMap { e -> Message? in if case .messageSent(let m) = e.body, m.sender == .agent(AgentID(0)) { m } else { nil } }
        #expect(retailerTalk.allSatisfy { $0.recipients == .one(AgentID(1)) && $0.text.contains("ORDER: ") })
        var projection = Projection()
        for e in events { projection.apply(e) }
        #expect(projection.environmentWeek == 36)
        #expect(abs(projection.environmentCost - team.totalCost) < 1e-9)
        #expect(projection.agents[0].reading("inventory") != nil)
    }

    @Test func policiesFromTheCommandLineShapeTheTeam() async throws {
        var s = try scenario()
        s.environment?.policies = ["base-stock:32", "base-stock:32", "base-stock:32", "base-stock:16"]
        let log = EventLog()
        try await SessionRun(scenario: s, options: .init(speed: .fastest), sinks: [log]).runDetached()
        #expect(environmentCost(log.events) == 166)
        // Policy players say what they order.
        #expect(log.events.contains { if case .messageSent(let m) = $0.body { m.text.hasPrefix("Ordering ") } else { false } })
    }

    @Test func repliesWithoutAValidOrderFallBackAndAreCounted() async throws {
        var catalog = ModelCatalog()
        catalog.register("parrot") { text, _ in Parrot(text: text) }
        var s = try scenario()
        s.agents[0].model = "parrot:I think we should order a lot!"
        let log = EventLog()
        try await SessionRun(scenario: s, options: .init(maxSteps: 6, speed: .fastest, catalog: catalog), sinks: [log]).runDetached()
        let actions = log.events.compactMap { e -> EnvironmentAction? in if case .action(AgentID(0), let a) = e.body { a } else { nil } }
        #expect(actions.count == 6)
        #expect(actions.allSatisfy { !$0.valid })
        #expect(actions.first == EnvironmentAction(value: 4, text: "order 4", valid: false))   // the incoming order: hold steady
        var projection = Projection()
        for e in log.events { projection.apply(e) }
        #expect(projection.agents[0].invalidActions == 6)
        #expect(projection.agents[1].invalidActions == 0)
    }

    @Test func ordersAreParsedFromRepliesAndGarbageIsNot() {
        #expect(BeerGameDriver.parseOrder("We are short.\nORDER: 12") == 12)
        #expect(BeerGameDriver.parseOrder("order: 7 cases") == 7)
        #expect(BeerGameDriver.parseOrder("**ORDER:** 9") == 9)
        #expect(BeerGameDriver.parseOrder("ORDER: 3 … no wait, ORDER: 5") == 5)
        // The forms small models actually write.
        #expect(BeerGameDriver.parseOrder("ORDER: 7.") == 7)
        #expect(BeerGameDriver.parseOrder("**ORDER: 7**") == 7)
        #expect(BeerGameDriver.parseOrder("Order: 7 cases") == 7)
        #expect(BeerGameDriver.parseOrder("So, ORDER: 7. That keeps us safe.") == 7)
        #expect(BeerGameDriver.parseOrder("ORDER: 7, as before") == 7)
        for garbage in ["", "ORDER:", "ORDER: many", "ORDER: -4", "ORDER: 2.5", "ORDER: 2,5", "ORDER: 9999999", "I'd order 8", "ORDER: 12abc"] {
            #expect(BeerGameDriver.parseOrder(garbage) == nil, "\(garbage)")
        }
    }

    @Test func badEnvironmentSetupsAreErrorsBeforeTheRun() throws {
        var s = try scenario()
        s.environment?.policies[3] = "learned:/no/such/policy.json"
        #expect(throws: EngineAttachments.Failure.self) { try SessionRun(scenario: s) }
        var three = try scenario()
        three.agents.removeLast()
        three.environment?.policies.removeLast()
        #expect(throws: EngineAttachments.Failure.self) { try SessionRun(scenario: three) }
    }
}
