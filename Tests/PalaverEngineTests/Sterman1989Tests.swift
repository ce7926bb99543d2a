import Testing
@testable import PalaverEngine

/// The board game as Sterman (1989) ran it, beside the classic game.
@Suite struct Sterman1989Tests {
    let board = BeerGameSettings(setting: .sterman1989)

    /// The benchmark the literature quotes: Sterman's rule with θ = 0, α = β = 1 and S′ = 28/28/28/20.
    @Test func stermansBenchmarkRuleCostsTwoHundredAndFourDollars() throws {
        let spec = try BeerPolicySpec(parsing: "sterman:theta=0,alpha=1,beta=1,stock=28/28/28/20")
        var library = PolicyLibrary()
        let team = try (0..<4).map { try BeerPlayer.make(spec, stage: $0, library: &library) }
        let result = BeerEvaluation.run(team, settings: board, episodes: 1)
        #expect(result.totalCost == 204)
        #expect(result.stageCosts == [46, 50, 54, 54])
        // With θ = 0 the expectation stays at 4, so the rule is order-up-to S′ + 4 on the inventory position.
        let baseStock = BeerEvaluation.run([32, 32, 32, 24].map { .baseStock(BaseStockPolicy(level: $0)) }, settings: board, episodes: 1)
        #expect(baseStock == result)
    }

    @Test func theSameRuleCostsDifferentlyInTheClassicGame() throws {
        // The classic game's factory is a week quicker and nobody is held to 4 at the start.
        let classic = BeerEvaluation.run([32, 32, 32, 24].map { .baseStock(BaseStockPolicy(level: $0)) }, settings: .init(), episodes: 1)
        #expect(classic.totalCost != 204)
        #expect(BeerGameSettings(setting: .classic).startingPositions == [28, 28, 28, 20])
        #expect(board.startingPositions == [28, 28, 28, 24])
    }

    @Test func theFactorysOrderTakesThreeWeeksToBecomeStock() {
        var game = BeerGame(settings: board)
        var seen: [BeerObservation] = [game.observe(3)]
        // Week 5 the factory asks for 20; the others order 4.
        for week in 1...9 {
            game.step(week == 5 ? [4, 4, 4, 20] : [4, 4, 4, 4])
            seen.append(game.observe(3))
        }
        // seen[k] is week k + 1: the 20 go in at the end of week 5 and come out of production in week 8.
        #expect(seen[6].incomingShipment != 20)
        #expect(seen[7].incomingShipment == 20)
    }

    @Test func everyStageOrdersFourInTheOpeningWeeks() {
        var game = BeerGame(settings: board)
        for _ in 1...4 { game.step([40, 0, 17, 9]) }
        game.step([40, 0, 17, 9])
        #expect(game.orderHistory.map { Array($0.prefix(4)) } == Array(repeating: [4, 4, 4, 4], count: 4))
        #expect(game.orderHistory.map { $0[4] } == [40, 0, 17, 9])
    }

    @Test func theBestBaseStockTeamOfEachGame() async throws {
        let best = try await offThePool { [board] in BeerEvaluation.bestBaseStock(settings: board, episodes: 1) }
        #expect(best.evaluation.totalCost <= 204)
        let classic = try await offThePool { BeerEvaluation.bestBaseStock(settings: .init(), episodes: 1) }
        #expect(classic.evaluation.totalCost == 166)
    }
}
