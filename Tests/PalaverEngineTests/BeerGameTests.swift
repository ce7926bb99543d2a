import Foundation
import Testing
@testable import PalaverEngine

/// The beer game simulator week by week, its policies, and learning.
@Suite struct BeerGameTests {
    func play(_ game: inout BeerGame, weeks: Int, orders: (Int) -> [Int]) -> [[BeerObservation]] {
        var seen: [[BeerObservation]] = [(0..<4).map { game.observe($0) }]
        for w in 1...weeks {
            game.step(orders(w))
            seen.append((0..<4).map { game.observe($0) })
        }
        return seen
    }

    @Test func weekOneMatchesTheBoard() {
        let game = BeerGame()
        for stage in 0..<4 {
            let o = game.observe(stage)
            // Received 4, shipped 4: 12 on hand, nothing owed, $6 for the week.
            #expect(o.week == 1 && o.inventory == 12 && o.backlog == 0 && o.incomingOrder == 4 && o.incomingShipment == 4)
            #expect(o.weekCost == 6)
            #expect(o.supplyLine == (stage == 3 ? 4 : 12))
        }
    }

    @Test func anOrderTakesTwoWeeksToArriveAndItsCasesTwoMore() {
        var game = BeerGame()
        // The retailer orders 10 in week 1; everyone else orders 4 throughout.
        let weeks = play(&game, weeks: 5) { $0 == 1 ? [10, 4, 4, 4] : [4, 4, 4, 4] }
        // weeks[k] is what each stage saw in week k + 1.
        #expect(weeks[1][1].incomingOrder == 4)       // week 2: the wholesaler still reads the old slip
        #expect(weeks[2][1].incomingOrder == 10)      // week 3: the retailer's order arrives
        #expect(weeks[2][1].inventory == 12 + 4 - 10) // and is shipped from stock
        #expect(weeks[3][0].incomingShipment == 4)    // week 4: still the old shipments
        #expect(weeks[4][0].incomingShipment == 10)   // week 5: the 10 cases arrive
        #expect(weeks[4][0].incomingOrder == 8)       // demand has doubled
        #expect(weeks[4][0].inventory == 12 + 10 - 8)
        #expect(weeks[4][0].weekCost == 7)
    }

    @Test func backlogIsFilledFirstAndCostsTwiceAsMuch() {
        var game = BeerGame()
        // The retailer stops ordering; it orders 30 in week 6. The others order 4.
        let weeks = play(&game, weeks: 12) { $0 == 6 ? [30, 4, 4, 4] : [0, 4, 4, 4] }
        let retailer = weeks.map { $0[0] }
        // Cases shipped in weeks 1–2 (the old orders) still arrive in weeks 3–4.
        #expect(retailer[3].inventory == 12)
        #expect(retailer[4].inventory == 4 && retailer[4].weekCost == 2)     // week 5: demand 8, nothing arrives
        #expect(retailer[5].inventory == 0 && retailer[5].backlog == 4)      // week 6: $1 per case owed
        #expect(retailer[5].weekCost == 4)
        #expect(retailer[6].backlog == 12 && retailer[6].weekCost == 12)
        // The 30 reach the wholesaler in week 8 and the retailer in week 10: the backlog is paid first.
        #expect(weeks[7][1].incomingOrder == 30)
        let before = retailer[8], arrival = retailer[9]
        #expect(arrival.incomingShipment > 0)
        let owed = before.backlog + arrival.incomingOrder
        #expect(arrival.backlog == max(0, owed - arrival.incomingShipment - before.inventory))
        #expect(arrival.inventory == max(0, before.inventory + arrival.incomingShipment - owed))
    }

    @Test func costsAddUpToRewardsAndTheGameEnds() {
        var game = BeerGame()
        var rewards = [Double](repeating: 0, count: 4)
        var steps = 0
        while !game.isOver {
            let result = game.step([4, 4, 4, 4])
            for i in 0..<4 { rewards[i] += result.rewards[i] }
            steps += 1
            #expect(result.isOver == game.isOver)
        }
        #expect(steps == 36)
        for i in 0..<4 { #expect(-rewards[i] == game.totalCost[i]) }
    }

    @Test func theAECViewStepsOnceEveryoneHasActed() {
        var aec = TurnByTurn(BeerGame())
        #expect(aec.agentSelection == 0)
        for stage in 0..<3 {
            #expect(aec.observe().stage == stage)
            aec.act(4)
            #expect(aec.lastStep == nil)
        }
        aec.act(4)
        #expect(aec.lastStep?.rewards.count == 4)
        #expect(aec.environment.week == 2)
        #expect(aec.agentSelection == 0)
    }

    /// In the classic game, holding the starting positions 28/28/28/20 leaves a standing
    /// backlog once demand is 8 (a 4-week pipeline holds 32); the cheapest base-stock team,
    /// found by search, costs $166. (Sterman's $204 is another game: see Sterman1989Tests.)
    @Test func baseStockFigures() async throws {
        let start = BeerEvaluation.run([28, 28, 28, 20].map { .baseStock(BaseStockPolicy(level: $0)) }, settings: .init(), episodes: 1)
        #expect(start.totalCost == 840)
        #expect(BeerGameSettings().startingPositions == [28, 28, 28, 20])
        let best = try await offThePool { BeerEvaluation.bestBaseStock(settings: .init(), episodes: 1) }
        #expect(best.levels == [32, 32, 32, 16])
        #expect(best.evaluation.totalCost == 166)
        #expect(best.evaluation.stageCosts == [36, 44, 52, 34])
    }

    @Test func stermanPlayersMakeTheBullwhip() {
        let team = BeerEvaluation.run(Array(repeating: .sterman(StermanPolicy()), count: 4), settings: .init(), episodes: 1)
        // Orders swing more the further upstream, and far more than demand.
        #expect(team.bullwhip.allSatisfy { $0 > 2 })
        #expect(team.bullwhip[3] > team.bullwhip[0])
        // About what Sterman's human teams averaged ($2,028).
        #expect(team.totalCost > 1000 && team.totalCost < 4000)
    }

    @Test func stochasticDemandIsSeededAndInRange() {
        var uniform = BeerGame(settings: .init(setting: .uniform), seed: 7)
        var again = BeerGame(settings: .init(setting: .uniform), seed: 7)
        while !uniform.isOver { uniform.step([4, 4, 4, 4]); again.step([4, 4, 4, 4]) }
        #expect(uniform.demandHistory == again.demandHistory)
        #expect(uniform.demandHistory.allSatisfy { (0...8).contains($0) })
        #expect(Set(uniform.demandHistory).count > 4)
        var normal = BeerGame(settings: .init(setting: .normal), seed: 7)
        while !normal.isOver { normal.step([10, 10, 10, 10]) }
        let mean = Double(normal.demandHistory.reduce(0, +)) / 36
        #expect(mean > 8.5 && mean < 11.5)
        #expect(normal.demandHistory.allSatisfy { $0 >= 0 })
    }

    @Test func policySpecsParseAndBadOnesSayWhy() throws {
        #expect(try BeerPolicySpec(parsing: "base-stock:28") == .baseStock(28))
        #expect(try BeerPolicySpec(parsing: "llm") == .llm)
        #expect(try BeerPolicySpec(parsing: "learned:p.json") == .learned(path: "p.json"))
        var p = StermanPolicy.Parameters()
        p.beta = 1
        #expect(try BeerPolicySpec(parsing: "sterman:beta=1") == .sterman(p))
        #expect(try BeerPolicySpec.assignment("all=sterman").stages == [0, 1, 2, 3])
        #expect(try BeerPolicySpec.assignment("factory=llm").stages == [3])
        for bad in ["base-stock", "base-stock:-3", "sterman:gamma=2", "guess", "learned:"] {
            #expect(throws: BeerPolicySpec.Failure.self) { try BeerPolicySpec(parsing: bad) }
        }
        #expect(throws: BeerPolicySpec.Failure.self) { try BeerPolicySpec.assignment("brewer=llm") }
        #expect(throws: BeerPolicySpec.Failure.self) { try BeerPolicySpec.assignment("sterman") }
    }

    @Test(arguments: [TabularLearner.Kind.q, .sarsa])
    func learningLowersTheCost(_ kind: TabularLearner.Kind) async throws {
        var options = BeerTrainer.Options()
        options.learner = kind
        options.episodes = 8_000
        options.curvePoints = 8
        let report = try await offThePool { [options] in BeerTrainer(options: options).train() }
        #expect(report.after.totalCost < report.before.totalCost * 0.6, "before \(report.before.totalCost), after \(report.after.totalCost)")
        // The saved file plays the same.
        let file = try PolicyFile.decode(report.file.encoded(), path: "test.json")
        #expect(file == report.file)
        let players = try (0..<4).map { BeerPlayer.learned(try file.policy(for: BeerGameSettings.stages[$0], path: "test.json")) }
        #expect(BeerEvaluation.run(players, settings: .init(), episodes: 1, firstSeed: BeerTrainer.heldOutSeed).totalCost == report.after.totalCost)
    }

    @Test func learningOnHeldOutStochasticGames() async throws {
        var options = BeerTrainer.Options()
        options.settings = .init(setting: .uniform)
        options.episodes = 6_000
        options.curvePoints = 6
        options.learning = [0]
        let report = try await offThePool { [options] in BeerTrainer(options: options).train() }
        #expect(report.after.totalCost < report.before.totalCost)
    }

    @Test func badPolicyFilesAreNamedWithTheReason() {
        #expect(throws: PolicyFile.Failure.self) { try PolicyFile.decode("{}", path: "x.json") }
        #expect(throws: PolicyFile.Failure.self) { try PolicyFile.decode("not json", path: "x.json") }
        do {
            _ = try PolicyFile.decode(#"{"format":"palaver-policy","version":1,"learner":"q","setting":"classic","policies":[{"stage":"retailer","position_min":0,"position_bucket":2,"positions":2,"incoming_bucket":3,"incomings":1,"offsets":[0],"q":[1],"visits":[1,1]}]}"#, path: "x.json")
            Issue.record("a short q table was accepted")
        } catch {
            #expect(error.description.contains("x.json") && error.description.contains("'q' must hold 2"))
        }
    }
}
