/// The rules of a beer game: the classic board game's numbers by default.
public struct BeerGameSettings: Hashable, Sendable {
    /// Where customer demand comes from.
    public enum Demand: String, Hashable, Sendable, CaseIterable {
        /// 4 cases a week for weeks 1–4, then 8 (Sterman 1989).
        case classic
        /// Uniform on 0…8, drawn per week from the seed.
        case uniform
        /// Normal(10, 2), rounded and clipped at 0.
        case normal
    }

    public var demand: Demand = .classic
    public var weeks = 36
    public var initialInventory = 12
    /// Every order, shipping and production slot starts with this many cases.
    public var initialFlow = 4
    public var shippingDelay = 2
    public var orderDelay = 2
    /// The factory's orders go into production for this many weeks.
    public var productionDelay = 2
    public var holdingCost = 0.5
    public var backlogCost = 1.0

    public init(demand: Demand = .classic) { self.demand = demand }

    /// The four stages, downstream first.
    public static let stages = ["retailer", "wholesaler", "distributor", "factory"]

    /// Each stage's inventory position at the start (stock plus everything on the way):
    /// 28, 28, 28, 20 with the classic numbers. A base-stock level that holds the start steady.
    public var startingPositions: [Int] {
        (0..<4).map { i in
            initialInventory + initialFlow * (i == 3 ? productionDelay : shippingDelay + orderDelay)
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
