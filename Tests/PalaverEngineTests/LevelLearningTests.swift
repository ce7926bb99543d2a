import Testing
@testable import PalaverEngine

/// Learning order-up-to levels from the team's costs reaches the best base-stock team of each game.
/// One at a time: each trains for seconds, and the machine's other tests need a core.
@Suite(.serialized) struct LevelLearningTests {
    func train(_ setting: BeerGameSettings.Setting, seed: UInt64, learning: [Int] = [0, 1, 2, 3],
               others: [Int]? = nil) async throws -> BeerTrainer.Report {
        var options = BeerTrainer.Options()
        options.learner = .level
        options.settings = BeerGameSettings(setting: setting)
        options.episodes = 6_000
        options.curvePoints = 4
        options.seed = seed
        options.learning = learning
        if let others { options.others = others.map { .baseStock(BaseStockPolicy(level: $0)) } }
        return try await offThePool { [options] in BeerTrainer(options: options).train() }
    }

    @Test(arguments: [(BeerGameSettings.Setting.classic, 166.0), (.sterman1989, 204.0)])
    func aLearnedTeamIsWithinFivePercentOfTheBestBaseStockTeam(_ setting: BeerGameSettings.Setting, _ best: Double) async throws {
        var costs: [Double] = []
        for seed: UInt64 in 1...3 { costs.append(try await train(setting, seed: seed).after.totalCost) }
        let median = costs.sorted()[1]
        #expect(median <= best * 1.05, "\(setting): \(costs)")
    }

    @Test func oneLearnerBesideThreeBaseStockTeammatesIsWithinTwoPercent() async throws {
        let report = try await train(.classic, seed: 1, learning: [0], others: [0, 32, 32, 16])
        #expect(report.after.totalCost <= 166 * 1.02, "\(report.after.totalCost)")
        #expect(report.before.totalCost > report.after.totalCost)
    }

    @Test func aLevelPolicyFileKeepsItsLevelsAndPlaysTheSame() async throws {
        let report = try await train(.sterman1989, seed: 2)
        let text = report.file.encoded()
        #expect(text.contains(#""version":2"#) && text.contains(#""actions":"target""#))
        let file = try PolicyFile.decode(text, path: "levels.json")
        #expect(file == report.file)
        let players = try (0..<4).map { BeerPlayer.learned(try file.policy(for: BeerGameSettings.stages[$0], path: "levels.json")) }
        let replayed = BeerEvaluation.run(players, settings: .init(setting: .sterman1989), episodes: 1, firstSeed: BeerTrainer.heldOutSeed)
        #expect(replayed.totalCost == report.after.totalCost)
        // A level policy orders up to its level on the inventory position.
        let policy = file.policies[0]
        let level = policy.encoder.offsets[policy.table.greedy(0)]
        var p = policy
        let o = BeerObservation(stage: 0, week: 9, incomingOrder: 8, incomingShipment: 0, inventory: 3, backlog: 0,
                                supplyLine: 20, lastOrder: 0, weekCost: 0, totalCost: 0)
        #expect(p.order(for: o) == max(0, level - 23))
    }
}
