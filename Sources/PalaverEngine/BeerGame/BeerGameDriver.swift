import Foundation

/// Plays the beer game inside the engine: one step is one week; agents are
/// the four stages in roster order. Stages with a policy order at once and say
/// so; `llm` stages are asked by their model and answer with a line `ORDER: n`.
public final class BeerGameDriver: EnvironmentDriver {
    public private(set) var game: BeerGame
    /// nil where the agent's model decides.
    private var players: [BeerPlayer?]
    private var pending: [Int?] = Array(repeating: nil, count: 4)
    /// Each stage's smoothed demand forecast (θ as Sterman's players), for its prompt.
    private var forecasts: [Double] = Array(repeating: 4, count: 4)
    private var forecastWeek = 0
    private let names: [String]

    public init(spec: EnvironmentSpec, agents: [AgentSpec], seed: UInt64, inputs: SessionInputs = SessionInputs()) throws {
        guard agents.count == 4 else {
            throw BeerPolicySpec.Failure(reason: "the beer game needs four agents (retailer, wholesaler, distributor, factory, in that order); the scenario has \(agents.count)")
        }
        guard let setting = BeerGameSettings.Setting(rawValue: spec.setting) else {
            throw BeerPolicySpec.Failure(reason: "unknown beer-game setting '\(BeerPolicySpec.excerpt(spec.setting))' (\(BeerGameSettings.Setting.names))")
        }
        game = BeerGame(settings: BeerGameSettings(setting: setting), seed: seed)
        names = agents.map(\.name)
        var library = PolicyLibrary(inputs: inputs)
        players = try (0..<4).map { i in
            let text = i < spec.policies.count ? spec.policies[i] : "llm"
            let policy = try BeerPolicySpec(parsing: text)
            if policy == .llm { return nil }
            return try BeerPlayer.make(policy, stage: i, library: &library)
        }
        updateForecasts()
    }

    public var isOver: Bool { game.isOver }

    public func readings(for agent: Int) -> [Reading] {
        game.observe(agent).readings + [Reading("forecast", (forecasts[agent] * 100).rounded() / 100)]
    }

    private func updateForecasts() {
        guard forecastWeek != game.week, !game.isOver else { return }
        forecastWeek = game.week
        let theta = StermanPolicy.Parameters().theta
        for i in 0..<4 { forecasts[i] = StermanPolicy.smooth(forecasts[i], incoming: game.observe(i).incomingOrder, theta: theta) }
    }

    public func prompt(for agent: Int) -> String {
        let o = game.observe(agent)
        let stage = BeerGameSettings.stages[agent]
        let s = game.settings
        let supplier = agent == 3
            ? "your brewery (" + (s.factoryOrderDelay > 0 ? "your order takes \(s.factoryOrderDelay) week\(s.factoryOrderDelay == 1 ? "" : "s") to reach it, then " : "")
                + "production takes \(s.productionDelay) weeks)"
            : names[agent + 1]
        let opening = o.week <= s.openingWeeks ? " In weeks 1–\(s.openingWeeks) every stage orders \(s.initialFlow), whatever it writes." : ""
        return """
            Week \(o.week) of \(game.settings.weeks). You run the \(stage). Incoming order: \(o.incomingOrder) cases. \
            Shipment received: \(o.incomingShipment). Inventory: \(o.inventory). Backlog: \(o.backlog). \
            Supply line (ordered, not yet received): \(o.supplyLine). Your last order: \(o.lastOrder). \
            Your demand forecast: \(String(format: "%.1f", forecasts[agent])). Cost so far: $\(String(format: "%.2f", o.totalCost)) \
            (\(MoneyText.dollars(game.settings.holdingCost)) per case held, \(MoneyText.dollars(game.settings.backlogCost)) per case owed, per week). \
            You order from \(supplier); orders take \(game.settings.orderDelay) weeks to arrive and shipments \(game.settings.shippingDelay) more. \
            Write one or two sentences to your neighbours, then end with a line ORDER: n (whole cases).\(opening)
            """
    }

    public func automaticAction(for agent: Int) -> (action: EnvironmentAction, message: String?)? {
        guard var player = players[agent] else { return nil }
        let o = game.observe(agent)
        let asked = player.order(for: o)
        players[agent] = player
        let n = o.week <= game.settings.openingWeeks ? game.settings.initialFlow : asked
        let why: String
        switch player {
        case .baseStock(let p): why = "keeping \(p.level) on hand and on order"
        case .sterman(let p): why = "expecting about \(CheckedNumber.clamped(p.expectedDemand, to: 0...BeerGame.maximumOrder)) a week"
        case .learned(let p):
            let at = p.currentState.map { p.encoder.label(state: $0) } ?? "?"
            if p.encoder.actionKind == .target, let s = p.currentState {
                why = "learned policy at [\(at)]: \(p.encoder.label(offset: p.table.greedy(s))) on the inventory position \(o.position)"
            } else {
                let offset = n - o.incomingOrder
                why = "learned policy at [\(at)]: the incoming \(o.incomingOrder) \(offset >= 0 ? "+" : "−") \(abs(offset))"
            }
        }
        return (EnvironmentAction(value: n, text: "order \(n)", valid: true), "Ordering \(n) (\(why)).")
    }

    public func action(in reply: String, for agent: Int) -> EnvironmentAction {
        if let n = Self.parseOrder(reply) { return EnvironmentAction(value: n, text: "order \(n)", valid: true) }
        return fallbackAction(for: agent)
    }

    public func fallbackAction(for agent: Int) -> EnvironmentAction {
        let n = game.observe(agent).incomingOrder
        return EnvironmentAction(value: n, text: "order \(n)", valid: false)
    }

    /// The number after the last `ORDER:` in a reply (any case, optional `**` or spaces, a full stop or
    /// a unit after it: `ORDER: 7.`, `**ORDER: 7**`, `Order: 7 cases`), 0…100,000.
    public static func parseOrder(_ reply: String) -> Int? {
        let upper = reply.uppercased()
        guard let range = upper.range(of: "ORDER:", options: .backwards) else { return nil }
        let rest = upper[range.upperBound...].drop { $0 == " " || $0 == "*" || $0 == "\t" }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 6, let n = Int(digits), n <= 100_000 else { return nil }
        // "ORDER: 12.5" or "ORDER: 12abc" is not a whole number of cases; "ORDER: 7." ends a sentence.
        let after = rest.dropFirst(digits.count)
        if let next = after.first {
            if next.isLetter { return nil }
            if next == "." || next == ",", let following = after.dropFirst().first, following.isNumber { return nil }
        }
        return n
    }

    public func record(_ action: EnvironmentAction, for agent: Int) { pending[agent] = action.value }

    public func stepIfReady() -> [Double]? {
        guard !game.isOver, pending.allSatisfy({ $0 != nil }) else { return nil }
        let result = game.step(pending.map { $0! })
        pending = Array(repeating: nil, count: 4)
        updateForecasts()
        return result.rewards
    }

    public func neighbours(of agent: Int) -> [Int] { [agent - 1, agent + 1].filter { (0..<4).contains($0) } }
}
