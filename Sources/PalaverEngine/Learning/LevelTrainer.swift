/// Learns, for each learning stage, one order-up-to level — the base-stock
/// parameterisation, a well-known choice for this game: the action is the
/// level a stage holds its inventory position at for a whole game, and the
/// value of a level is the team's cost in the games it was played (a bandit,
/// i.e. Q-learning with one state and episode-long actions, the team's cost
/// as a shared reward). Stages explore near their current best level, values
/// are recency-weighted so they follow teammates who are learning too, and the
/// best greedy team on validation games is kept. The policy class contains
/// the best base-stock team, which is why this gets near it where the
/// week-by-week tabular learner does not.
struct LevelTrainer {
    let options: BeerTrainer.Options
    /// Levels 0…80: far beyond what 36 weeks of demand of at most 8 (or 10 ± 2) need.
    static let levels = Array(0...80)
    static let exploration = 0.1
    static let stepSize = 0.3

    func train(progress: (Double) -> Void) -> BeerTrainer.Report {
        let o = options
        var encoder = BeerStateEncoder()
        encoder.actionKind = .target
        encoder.positionMin = 0
        encoder.positionCount = 1
        encoder.incomingCount = 1
        encoder.offsets = Self.levels
        let start = o.settings.startingPositions
        let learns = (0..<4).map { o.learning.contains($0) }
        var tables = (0..<4).map { _ in QTable(states: 1, actions: Self.levels.count) }
        var random = (0..<4).map { SeededGenerator(seed: DeterministicRandom.value(o.seed, UInt64($0), 0x1E5E1)) }
        let evalEpisodes = o.settings.isDeterministic ? 1 : o.evaluationEpisodes

        func greedy(_ i: Int) -> Int {
            var best: Int?
            for a in 0..<tables[i].actions where tables[i].visits[a] > 0 {
                if best == nil || tables[i].values[a] > tables[i].values[best!] { best = a }
            }
            return best ?? min(start[i], Self.levels.count - 1)
        }
        func team(_ levels: [Int]) -> [BeerPlayer] {
            (0..<4).map { learns[$0] ? .baseStock(BaseStockPolicy(level: Self.levels[levels[$0]])) : o.others[$0] }
        }
        func evaluate(_ players: [BeerPlayer], seed: UInt64 = BeerTrainer.heldOutSeed) -> BeerEvaluation {
            BeerEvaluation.run(players, settings: o.settings, episodes: evalEpisodes, firstSeed: seed)
        }
        let before = evaluate(team((0..<4).map(greedy)))
        var best: (cost: Double, levels: [Int])?
        var curve: [Double] = []
        var game = BeerGame(settings: o.settings, seed: o.seed)
        var players = o.others
        var orders = [Int](repeating: 0, count: 4)
        var chosen = [Int](repeating: 0, count: 4)
        let checkEvery = max(1, o.episodes / 200), checkFrom = o.episodes / 4
        let curveEvery = max(1, o.episodes / max(1, o.curvePoints))
        for episode in 0..<o.episodes {
            for i in 0..<4 where learns[i] {
                let g = greedy(i)
                if random[i].nextUnit() < Self.exploration {
                    let step = 1 + Int(random[i].next() % 3)
                    chosen[i] = min(Self.levels.count - 1, max(0, random[i].next() & 1 == 0 ? g - step : g + step))
                } else {
                    chosen[i] = g
                }
                players[i] = .baseStock(BaseStockPolicy(level: Self.levels[chosen[i]]))
            }
            for i in 0..<4 { players[i].reset() }
            game.reset(seed: o.settings.isDeterministic ? o.seed : DeterministicRandom.value(o.seed, UInt64(episode)) % BeerTrainer.heldOutSeed)
            while !game.isOver {
                for i in 0..<4 { orders[i] = players[i].order(for: game.observe(i)) }
                game.step(orders)
            }
            // The team's cost, scaled as the week-by-week learner scales its rewards.
            let reward = -game.totalCost.reduce(0, +) / 10
            for i in 0..<4 where learns[i] {
                let a = chosen[i]
                tables[i].values[a] = tables[i].visits[a] == 0 ? reward : tables[i].values[a] + Self.stepSize * (reward - tables[i].values[a])
                tables[i].visits[a] += 1
            }
            let last = episode + 1 == o.episodes
            if episode >= checkFrom, (episode + 1) % checkEvery == 0 || last {
                let levels = (0..<4).map(greedy)
                let cost = evaluate(team(levels), seed: BeerTrainer.validationSeed).totalCost
                if cost < best?.cost ?? .infinity { best = (cost, levels) }
            }
            if (episode + 1) % curveEvery == 0 || last {
                curve.append(evaluate(team((0..<4).map(greedy))).totalCost)
                progress(Double(episode + 1) / Double(o.episodes))
            }
        }
        let kept = best?.levels ?? (0..<4).map(greedy)
        let policies = o.learning.sorted().map { i in
            LearnedPolicy(stage: BeerGameSettings.stages[i], encoder: encoder, table: Self.settled(tables[i], on: kept[i]))
        }
        let file = PolicyFile(learner: .level, setting: o.settings.setting, episodes: o.episodes, seed: o.seed, policies: policies)
        return BeerTrainer.Report(file: file, curve: curve, before: before, after: evaluate(team(kept)),
                                  agentSteps: o.episodes * o.settings.weeks * 4)
    }

    /// The table as a policy plays it: the kept level is the greedy action, and levels never
    /// tried rank below every tried one.
    static func settled(_ table: QTable, on kept: Int) -> QTable {
        var t = table
        let tried = t.values.indices.filter { t.visits[$0] > 0 }
        let floor = (tried.map { t.values[$0] }.min() ?? 0) - 1
        for a in t.values.indices where t.visits[a] == 0 { t.values[a] = floor }
        t.values[kept] = (t.values.max() ?? 0) + 1
        t.visits[kept] = max(1, t.visits[kept])
        return t
    }
}
