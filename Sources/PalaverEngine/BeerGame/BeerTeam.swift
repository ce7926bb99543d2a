/// One stage's player in an evaluation or a training run: a concrete policy,
/// kept as an enum so the hot loop calls it without dynamic dispatch.
public enum BeerPlayer: OrderPolicy, Sendable {
    case baseStock(BaseStockPolicy)
    case sterman(StermanPolicy)
    case learned(LearnedPolicy)

    /// Builds a player from a spec; `llm` plays as the offline model does (the Sterman rule).
    public static func make(_ spec: BeerPolicySpec, stage: Int, library: inout PolicyLibrary) throws -> BeerPlayer {
        switch spec {
        case .baseStock(let level): return .baseStock(BaseStockPolicy(level: level))
        case .sterman(let p): return .sterman(StermanPolicy(parameters: p))
        case .stermanByStage(let ps): return .sterman(StermanPolicy(parameters: ps[min(max(stage, 0), ps.count - 1)]))
        case .llm: return .sterman(StermanPolicy())
        case .learned(let path):
            return .learned(try library.policy(at: path, stage: stage))
        }
    }

    public mutating func reset() {
        switch self {
        case .baseStock: break
        case .sterman(var p): p.reset(); self = .sterman(p)
        case .learned(var p): p.reset(); self = .learned(p)
        }
    }

    public mutating func order(for o: BeerObservation) -> Int {
        switch self {
        case .baseStock(let p): return p.order(for: o)
        case .sterman(var p): let n = p.order(for: o); self = .sterman(p); return n
        case .learned(var p): let n = p.order(for: o); self = .learned(p); return n
        }
    }
}

/// What a team of policies cost over some episodes.
public struct BeerEvaluation: Sendable, Equatable {
    public var episodes: Int
    /// Mean total cost per episode.
    public var totalCost: Double
    public var stageCosts: [Double]
    /// Mean bullwhip ratio per stage.
    public var bullwhip: [Double]

    /// Plays `episodes` games with seeds `firstSeed`, `firstSeed + 1`, …
    public static func run(_ players: [BeerPlayer], settings: BeerGameSettings, episodes: Int, firstSeed: UInt64 = 1) -> BeerEvaluation {
        precondition(players.count == 4)
        var team = players
        var stage = [Double](repeating: 0, count: 4)
        var whip = [Double](repeating: 0, count: 4)
        var game = BeerGame(settings: settings, seed: firstSeed)
        var orders = [Int](repeating: 0, count: 4)
        for e in 0..<episodes {
            game.reset(seed: firstSeed &+ UInt64(e))
            for i in 0..<4 { team[i].reset() }
            while !game.isOver {
                for i in 0..<4 { orders[i] = team[i].order(for: game.observe(i)) }
                game.step(orders)
            }
            for i in 0..<4 { stage[i] += game.totalCost[i]; whip[i] += game.bullwhip[i] }
        }
        let n = Double(max(1, episodes))
        let costs = stage.map { $0 / n }
        return BeerEvaluation(episodes: episodes, totalCost: costs.reduce(0, +), stageCosts: costs, bullwhip: whip.map { $0 / n })
    }

    /// The cheapest team of base-stock levels, searched stage by stage
    /// (coordinate descent from the initial positions until nothing improves).
    public static func bestBaseStock(settings: BeerGameSettings, episodes: Int, firstSeed: UInt64 = 1,
                                     range: ClosedRange<Int> = 0...80) -> (levels: [Int], evaluation: BeerEvaluation) {
        var levels = settings.startingPositions
        func cost(_ l: [Int]) -> BeerEvaluation {
            run(l.map { .baseStock(BaseStockPolicy(level: $0)) }, settings: settings, episodes: episodes, firstSeed: firstSeed)
        }
        var best = cost(levels)
        var improved = true
        while improved {
            improved = false
            for i in 0..<4 {
                for level in range where level != levels[i] {
                    var trial = levels
                    trial[i] = level
                    let e = cost(trial)
                    if e.totalCost < best.totalCost - 1e-9 { best = e; levels = trial; improved = true }
                }
            }
        }
        return (levels, best)
    }
}
