import Foundation

/// The MIT beer distribution game: retailer, wholesaler, distributor and
/// factory order from each other with delays, each seeing only its own stock.
///
/// A week, in the board game's order (it decides the costs):
/// 1. Shipments arrive: each stage takes in what reaches the end of its
///    shipping delay (the factory: of its production delay).
/// 2. Orders arrive: customer demand at the retailer; for the others, the
///    order that reaches the end of the order delay from downstream.
/// 3. Orders are filled: backlog first, then the new order, as far as
///    inventory goes; what cannot be shipped is backlogged. Shipments enter
///    the downstream stage's shipping delay (the retailer's go to the customer).
/// 4. Costs: $0.50 per case on hand and $1.00 per case backlogged, per stage.
/// 5. Each stage orders: into the order delay to its supplier, or, for the
///    factory, into production (after `factoryOrderDelay` weeks in sterman-1989).
///    In the opening weeks of sterman-1989 every order is 4, as the board game tells players.
/// `observe` shows the state after step 4; `step(orders)` is step 5 and then
/// steps 1–4 of the next week. The reward for a step is minus the stage's
/// cost in the week it decided in, so an episode's rewards add up to its cost.
public struct BeerGame: ParallelEnvironment {
    public typealias Observation = BeerObservation
    public typealias Action = Int

    public let settings: BeerGameSettings
    public var agents: [String] { BeerGameSettings.stages }
    static let count = 4

    public private(set) var week = 0
    private(set) var inventory: [Int] = []
    private(set) var backlog: [Int] = []
    /// Per stage, cases on the way to it, the next to arrive first (shipping, or the factory's production).
    private var arriving: [[Int]] = []
    /// Per stage below the factory, its orders on the way to its supplier, the next to arrive first.
    private var mail: [[Int]] = []
    private var incomingOrder: [Int] = []
    private var incomingShipment: [Int] = []
    private var lastOrder: [Int] = []
    private var weekCost: [Double] = []
    public private(set) var totalCost: [Double] = []
    private var onOrder: [Int] = []
    private var random = SeededGenerator(seed: 0)
    /// Customer demand and every stage's orders so far, for the bullwhip ratio.
    public private(set) var demandHistory: [Int] = []
    public private(set) var orderHistory: [[Int]] = []

    /// The largest order the game takes (a bigger one is cut to it), as a model's `ORDER:` line allows.
    public static let maximumOrder = 100_000

    public init(settings: BeerGameSettings = BeerGameSettings(), seed: UInt64 = 0) {
        self.settings = settings
        reset(seed: seed)
    }

    public mutating func reset(seed: UInt64) {
        let n = Self.count, s = settings
        week = 0
        inventory = Array(repeating: s.initialInventory, count: n)
        backlog = Array(repeating: 0, count: n)
        arriving = (0..<n).map { Array(repeating: s.initialFlow, count: $0 == n - 1 ? s.factoryLeadTime : s.shippingDelay) }
        mail = (0..<n - 1).map { _ in Array(repeating: s.initialFlow, count: s.orderDelay) }
        incomingOrder = Array(repeating: 0, count: n)
        incomingShipment = Array(repeating: 0, count: n)
        lastOrder = Array(repeating: s.initialFlow, count: n)
        weekCost = Array(repeating: 0, count: n)
        totalCost = Array(repeating: 0, count: n)
        onOrder = (0..<n).map { i in arriving[i].reduce(0, +) + (i < n - 1 ? mail[i].reduce(0, +) : 0) }
        random = SeededGenerator(seed: DeterministicRandom.mix(seed ^ 0xBEE5))
        demandHistory.removeAll(keepingCapacity: true)
        orderHistory = Array(repeating: [], count: n)
        advanceWeek()
    }

    public var isOver: Bool { week > settings.weeks }

    public func observe(_ stage: Int) -> BeerObservation {
        let supplyLine = onOrder[stage]
        return BeerObservation(stage: stage, week: week, incomingOrder: incomingOrder[stage],
                               incomingShipment: incomingShipment[stage], inventory: inventory[stage],
                               backlog: backlog[stage], supplyLine: supplyLine, lastOrder: lastOrder[stage],
                               weekCost: weekCost[stage], totalCost: totalCost[stage])
    }

    /// Places this week's orders (negative ones count as 0; in the opening weeks, each is the opening
    /// flow) and plays the next week up to its decisions.
    @discardableResult
    public mutating func step(_ orders: [Int]) -> EnvironmentStep {
        precondition(orders.count == Self.count, "one order per stage")
        precondition(!isOver, "the game is over; reset it")
        let n = Self.count
        let opening = week <= settings.openingWeeks
        for i in 0..<n {
            let order = opening ? settings.initialFlow : min(Self.maximumOrder, max(0, orders[i]))
            lastOrder[i] = order
            onOrder[i] += order
            orderHistory[i].append(order)
            if i == n - 1 { arriving[i].append(order) } else { mail[i].append(order) }
        }
        let rewards = weekCost.map { -$0 }
        let finished = week >= settings.weeks
        if finished { week += 1 } else { advanceWeek() }
        return EnvironmentStep(rewards: rewards, terminations: Array(repeating: finished, count: n),
                               truncations: Array(repeating: false, count: n),
                               infos: (0..<n).map { observe($0).readings })
    }

    /// Steps 1–4 of the next week.
    private mutating func advanceWeek() {
        week += 1
        let n = Self.count
        // 1. Shipments arrive.
        for i in 0..<n {
            let cases = arriving[i].removeFirst()
            incomingShipment[i] = cases
            inventory[i] += cases
            onOrder[i] -= cases
        }
        // 2. Orders arrive.
        let demand = customerDemand()
        demandHistory.append(demand)
        incomingOrder[0] = demand
        for i in 1..<n { incomingOrder[i] = mail[i - 1].removeFirst() }
        // 3. Fill backlog and the new order as far as inventory goes.
        for i in 0..<n {
            let owed = backlog[i] + incomingOrder[i]
            let shipped = min(inventory[i], owed)
            inventory[i] -= shipped
            backlog[i] = owed - shipped
            if i > 0 { arriving[i - 1].append(shipped) }
        }
        // 4. Costs.
        for i in 0..<n {
            let cost = settings.holdingCost * Double(inventory[i]) + settings.backlogCost * Double(backlog[i])
            weekCost[i] = cost
            totalCost[i] += cost
        }
    }

    private mutating func customerDemand() -> Int {
        switch settings.demand {
        case .classic:
            return week <= 4 ? 4 : 8
        case .uniform:
            return Int(random.next() % 9)
        case .normal:
            // Box–Muller from two uniforms in (0, 1].
            let u1 = random.nextUnit() + 0x1p-53
            let u2 = random.nextUnit()
            let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            return max(0, Int((10 + 2 * z).rounded()))
        }
    }

    /// Variance of each stage's orders over the variance of customer demand.
    public var bullwhip: [Double] {
        let base = Self.variance(demandHistory)
        return orderHistory.map { base > 0 ? Self.variance($0) / base : 0 }
    }

    static func variance(_ values: [Int]) -> Double {
        guard values.count > 1 else { return 0 }
        let mean = Double(values.reduce(0, +)) / Double(values.count)
        return values.reduce(0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)
    }
}
