/// Trains tabular learners on the beer game: the chosen stages learn at once
/// (each its own table, independent learners), the rest play fixed policies.
public struct BeerTrainer {
    public struct Options: Sendable {
        public var learner: TabularLearner.Kind = .q
        public var settings = BeerGameSettings()
        public var episodes = 60_000
        public var seed: UInt64 = 1
        /// Which stages learn (indices into the stages).
        public var learning: [Int] = [0, 1, 2, 3]
        /// Policies for the stages that do not learn.
        public var others: [BeerPlayer] = BeerGameSettings().startingPositions.map { .baseStock(BaseStockPolicy(level: $0)) }
        /// Episodes used for each point of the learning curve, on held-out seeds.
        public var evaluationEpisodes = 20
        public var curvePoints = 40
        public init() {}
    }

    public struct Report: Sendable {
        public var file: PolicyFile
        /// Greedy team cost on held-out seeds as training went on.
        public var curve: [Double]
        public var before: BeerEvaluation
        public var after: BeerEvaluation
        public var agentSteps: Int
    }

    /// Seeds from here on are never trained on: the report's and `palaver eval`'s.
    public static let heldOutSeed: UInt64 = 1_000_000
    /// Seeds for choosing the best snapshot during training (neither trained on nor reported).
    public static let validationSeed: UInt64 = 500_000

    public let options: Options
    public init(options: Options) { self.options = options }

    /// Runs the training; `progress` hears the fraction done now and then.
    public func train(progress: (Double) -> Void = { _ in }) -> Report {
        if options.learner == .level { return LevelTrainer(options: options).train(progress: progress) }
        let o = options
        let encoder = BeerStateEncoder()
        var learners = (0..<4).map { TabularLearner(kind: o.learner, states: encoder.stateCount, actions: encoder.actionCount,
                                                    seed: DeterministicRandom.value(o.seed, UInt64($0))) }
        var fixed = o.others
        let learns = (0..<4).map { o.learning.contains($0) }
        let evalEpisodes = o.settings.isDeterministic ? 1 : o.evaluationEpisodes
        func team() -> [BeerPlayer] {
            (0..<4).map { i in
                learns[i] ? .learned(LearnedPolicy(stage: BeerGameSettings.stages[i], encoder: encoder, table: learners[i].table)) : o.others[i]
            }
        }
        func evaluate(_ players: [BeerPlayer], seed: UInt64 = Self.heldOutSeed) -> BeerEvaluation {
            BeerEvaluation.run(players, settings: o.settings, episodes: evalEpisodes, firstSeed: seed)
        }
        let before = evaluate(team())
        var curve: [Double] = []
        // The greedy team is checked on validation games as training goes, and
        // the best snapshot kept: independent learners drift as they adapt to each other.
        var best: (cost: Double, tables: [QTable])?
        var game = BeerGame(settings: o.settings, seed: o.seed)
        var orders = [Int](repeating: 0, count: 4)
        var states = [Int](repeating: 0, count: 4)
        var actions = [Int](repeating: 0, count: 4)
        var observations = [BeerObservation](repeating: game.observe(0), count: 4)
        let explorationEnd = max(1, Int(Double(o.episodes) * 0.8))
        let tallyFrom = Int(Double(o.episodes) * 0.7)
        let curveEvery = max(1, o.episodes / max(1, o.curvePoints))
        let checkEvery = max(1, curveEvery / 5)
        var steps = 0
        for episode in 0..<o.episodes {
            let epsilon = max(0.02, 1 - Double(episode) / Double(explorationEnd))
            for i in 0..<4 where learns[i] { learners[i].epsilon = epsilon }
            game.reset(seed: o.settings.isDeterministic ? o.seed : DeterministicRandom.value(o.seed, UInt64(episode)) % Self.heldOutSeed)
            for i in 0..<4 { fixed[i].reset() }
            let tally = episode >= tallyFrom
            for i in 0..<4 {
                observations[i] = game.observe(i)
                if learns[i] {
                    states[i] = encoder.state(observations[i])
                    actions[i] = learners[i].choose(states[i])
                }
            }
            while true {
                for i in 0..<4 {
                    orders[i] = learns[i] ? encoder.order(actions[i], observations[i]) : fixed[i].order(for: observations[i])
                }
                let result = game.step(orders)
                steps += 4
                let over = game.isOver
                for i in 0..<4 {
                    if !over { observations[i] = game.observe(i) }
                    guard learns[i] else { continue }
                    let reward = result.rewards[i] / 10
                    if over {
                        learners[i].learn(state: states[i], action: actions[i], reward: reward, next: nil)
                    } else {
                        let next = encoder.state(observations[i])
                        let nextAction = learners[i].choose(next)
                        learners[i].learn(state: states[i], action: actions[i], reward: reward, next: (next, nextAction))
                        if tally { learners[i].noteSuccessor(state: states[i], action: actions[i], next: next) }
                        states[i] = next
                        actions[i] = nextAction
                    }
                }
                if over { break }
            }
            if (episode + 1) % checkEvery == 0 || episode + 1 == o.episodes {
                let players = team()
                let validation = evaluate(players, seed: Self.validationSeed).totalCost
                if episode >= tallyFrom, validation < best?.cost ?? .infinity {
                    best = (validation, learners.map(\.table))
                }
                if (episode + 1) % curveEvery == 0 || episode + 1 == o.episodes {
                    curve.append(evaluate(players).totalCost)
                    progress(Double(episode + 1) / Double(o.episodes))
                }
            }
        }
        if let best {
            for i in 0..<4 {
                let tally = learners[i].table.successors
                learners[i].table = best.tables[i]
                learners[i].table.successors = tally
            }
        }
        let policies = o.learning.sorted().map { LearnedPolicy(stage: BeerGameSettings.stages[$0], encoder: encoder, table: learners[$0].table) }
        let file = PolicyFile(learner: o.learner, setting: o.settings.setting, episodes: o.episodes, seed: o.seed, policies: policies)
        return Report(file: file, curve: curve, before: before, after: evaluate(team()), agentSteps: steps)
    }
}
