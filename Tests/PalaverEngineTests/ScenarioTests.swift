import Testing
@testable import PalaverEngine

@Suite struct ScenarioTests {
    let loader = ScenarioLoader(directories: ["scenarios"])

    func error(_ yaml: String) -> String {
        do {
            _ = try loader.parse(yaml, path: "mine.yaml")
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test(arguments: ["debate", "launch-team", "bilingual"])
    func shippedScenariosLoad(name: String) throws {
        let scenario = try loader.load(name)
        #expect(scenario.name == name)
        #expect(scenario.agents.count >= 3)
        #expect(!scenario.opening.isEmpty)
    }

    @Test func shippedScenariosUseTheirTurnRules() throws {
        #expect(try loader.load("debate").turnRule == .roundRobin)
        #expect(try loader.load("launch-team").agents.count == 5)
        #expect(try loader.load("launch-team").turnRule != .roundRobin)
        let bilingual = try loader.load("bilingual")
        #expect(bilingual.agents.contains { $0.language == "zh" } && bilingual.agents.contains { $0.language == "en" })
        #expect(bilingual.agents.contains { $0.name == "林晓" })
    }

    @Test func noNameGivesTheBuiltInDefault() throws {
        #expect(try loader.load(nil) == Scenario.builtIn)
        #expect(try loader.load("ship-it") == Scenario.builtIn)
    }

    @Test func anUnknownScenarioListsTheKnownOnes() {
        do {
            _ = try loader.load("nope")
            Issue.record("loaded a scenario that does not exist")
        } catch {
            #expect(error.description.contains("no such scenario"))
            #expect(error.description.contains("debate"))
        }
    }

    @Test func errorsNameFileLineAndField() {
        let missingRole = """
            name: x
            agents:
              - id: a
                name: A
                role: one
              - id: b
                name: B
            """
        #expect(error(missingRole) == "mine.yaml:6: agents[1].role: missing: every agent needs a role")

        let typo = """
            name: x
            agents:
              - id: a
                rol: one
            """
        #expect(error(typo) == "mine.yaml:4: agents[0].rol: unknown field (did you mean 'role'?)")

        #expect(error("name: x\nturns: sideways\nagents:\n  - {id: a, role: r}\n")
                == "mine.yaml:2: turns: unknown turn rule 'sideways' (use round-robin, reactive, selector, everyone)")
        #expect(error("max_steps: lots\nagents:\n  - {id: a, role: r}\n") == "mine.yaml:1: max_steps: expected a whole number")
        #expect(error("name: x\n") == "mine.yaml:1: agents: missing: a scenario needs at least one agent")
        #expect(error("agents:\n  - {id: a, role: r}\n  - {id: a, role: s}\n") == "mine.yaml:3: agents[1].id: 'a' is used by another agent")
        #expect(error("agents:\n  - {id: all, role: r}\n") == "mine.yaml:2: agents[0].id: 'all' is reserved")
        #expect(error("agents:\n  - {id: a, role: r}\nopening:\n  - {from: zed, text: hi}\n")
                == "mine.yaml:4: opening[0].from: no agent 'zed' (use system, user or an agent id)")
        #expect(error("agents: [\n").hasPrefix("mine.yaml:2: not valid YAML"))
        #expect(error("speed: 100\nagents:\n  - {id: a, role: r}\n") == "mine.yaml:1: speed: expected 0.25 to 64, or max")
    }

    @Test func nameDefaultsToTheFileAndIdsToTheName() throws {
        let scenario = try loader.parse("agents:\n  - {name: Big Bird, role: r}\n", path: "dir/street.yaml")
        #expect(scenario.name == "street")
        #expect(scenario.agents[0].id == "big-bird")
    }
}

@Suite struct PriceTests {
    @Test func pricesFromTheScenarioGiveARunningCostThatSurvivesTheSessionFile() throws {
        let yaml = """
            name: priced
            prices:
              offline: {prompt: 2.5, completion: 10}
            agents:
              - {id: a, role: r}
              - {id: b, role: s}
            """
        let scenario = try ScenarioLoader(directories: []).parse(yaml, path: "priced.yaml")
        #expect(scenario.prices["offline"] == Price(prompt: 2.5, completion: 10))
        let log = EventLog()
        try SessionRun(scenario: scenario, options: .init(maxSteps: 4, speed: .fastest), sinks: [log]).run()
        var projection = Projection()
        for e in log.events { projection.apply(e) }
        let usages = log.events.compactMap { if case .callFinished(_, let u) = $0.body { return u } else { return nil } }
        let expected = usages.reduce(0.0) { $0 + (Double($1.promptTokens) * 2.5 + Double($1.completionTokens) * 10) / 1_000_000 }
        #expect(expected > 0)
        #expect(abs(projection.totalCost - expected) < 1e-12)
        var encoder = EventEncoder()
        var decoder = EventDecoder()
        let first = try decoder.decode(line: encoder.line(log.events[0]))
        guard case .sessionStarted(let info) = first.body else { Issue.record("no session start"); return }
        #expect(info.prices["offline"] == Price(prompt: 2.5, completion: 10))
        // A price that is not a number is an error naming the field.
        #expect(throws: ScenarioError(path: "p.yaml", line: 1, field: "prices.m.prompt", reason: "expected a number")) {
            try ScenarioLoader(directories: []).parse("prices: {m: {prompt: x}}\nagents: [{id: a, role: r}]\n", path: "p.yaml")
        }
    }
}
