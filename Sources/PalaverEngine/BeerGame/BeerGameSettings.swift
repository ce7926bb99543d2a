/// The rules of a beer game: a setting's demand, delays and opening weeks.
public struct BeerGameSettings: Hashable, Sendable {
    /// The games Palaver plays, by name (`--setting`, a scenario's `setting:`).
    public enum Setting: String, Hashable, Sendable, CaseIterable {
        /// 4 cases a week for weeks 1–4, then 8; the factory's production takes 2 weeks and every
        /// stage decides from week 1. The game of the DQN beer-game paper's simulator
        /// (Oroojlooyjadid et al. 2022), matched week by week.
        case classic
        /// Sterman's (1989) board game: classic demand, but the factory's production order takes a
        /// week to reach the brewery before two weeks of production (3 in all), and every stage
        /// orders 4 in weeks 1–4, as the players were told to.
        case sterman1989 = "sterman-1989"
        /// Classic delays; demand uniform on 0…8, drawn per week from the seed.
        case uniform
        /// Classic delays; demand normal(10, 2), rounded and clipped at 0.
        case normal

        public static let names = allCases.map(\.rawValue).joined(separator: ", ")
    }

    /// Where customer demand comes from.
    public enum Demand: String, Hashable, Sendable {
        /// 4 cases a week for weeks 1–4, then 8 (Sterman 1989).
        case classic
        case uniform
        case normal
    }

    public var setting: Setting
    public var demand: Demand
    public var weeks = 36
    public var initialInventory = 12
    /// Every order, shipping and production slot starts with this many cases.
    public var initialFlow = 4
    public var shippingDelay = 2
    public var orderDelay = 2
    /// The factory's production order takes this long to reach production (0: it starts at once).
    public var factoryOrderDelay = 0
    /// Then production takes this many weeks.
    public var productionDelay = 2
    /// In weeks 1…openingWeeks every stage orders `initialFlow`, whatever it asks for.
    public var openingWeeks = 0
    public var holdingCost = 0.5
    public var backlogCost = 1.0

    public init(setting: Setting = .classic) {
        self.setting = setting
        switch setting {
        case .classic: demand = .classic
        case .uniform: demand = .uniform
        case .normal: demand = .normal
        case .sterman1989:
            demand = .classic
            factoryOrderDelay = 1
            openingWeeks = 4
        }
    }

    /// Demand the same every game, so one episode says all.
    public var isDeterministic: Bool { demand == .classic }

    /// Weeks from the factory's order to its cases in stock.
    public var factoryLeadTime: Int { factoryOrderDelay + productionDelay }

    /// The four stages, downstream first.
    public static let stages = ["retailer", "wholesaler", "distributor", "factory"]

    /// Each stage's inventory position at the start (stock plus everything on the way):
    /// 28, 28, 28, 20 in the classic game (24 for the factory in sterman-1989).
    /// A base-stock level that holds the start steady.
    public var startingPositions: [Int] {
        (0..<4).map { i in
            initialInventory + initialFlow * (i == 3 ? factoryLeadTime : shippingDelay + orderDelay)
        }
    }
}

/// What a stage sees when it decides its order (after the week's shipments
/// and orders have arrived and been filled).
public struct BeerObservation: Hashable, Sendable {
    public var stage: Int
    public var week: Int
    public var incomingOrder: Int
    public var incomingShipment: Int
    public var inventory: Int
    public var backlog: Int
    /// Cases ordered and not yet received (in the mail, at the supplier, on the road).
    public var supplyLine: Int
    public var lastOrder: Int
    public var weekCost: Double
    public var totalCost: Double

    /// Inventory minus backlog.
    public var netStock: Int { inventory - backlog }
    /// Net stock plus the supply line: what an order-up-to rule steers.
    public var position: Int { inventory - backlog + supplyLine }

    public var readings: [Reading] {
        [Reading("week", Double(week)), Reading("inventory", Double(inventory)), Reading("backlog", Double(backlog)),
         Reading("incoming", Double(incomingOrder)), Reading("supply_line", Double(supplyLine)),
         Reading("last_order", Double(lastOrder)), Reading("cost", totalCost)]
    }
}
