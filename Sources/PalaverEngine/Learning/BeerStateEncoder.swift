/// Turns a beer-game observation into a table row: the inventory position
/// (net stock plus supply line) and the incoming order, each in buckets.
/// Actions are `order = incoming order + offset`, offsets from a small set,
/// or (`target`) an order-up-to level: order what lifts the inventory position to it.
public struct BeerStateEncoder: Hashable, Sendable {
    public enum ActionKind: String, Hashable, Sendable {
        case offset
        case target
    }
    public var actionKind = ActionKind.offset
    public var positionMin = -16
    public var positionBucket = 2
    public var positionCount = 40
    public var incomingBucket = 3
    public var incomingCount = 6
    public var offsets = [-4, -2, -1, 0, 1, 2, 4]

    public init() {}

    public var stateCount: Int { positionCount * incomingCount }
    public var actionCount: Int { offsets.count }

    @inline(__always)
    public func state(_ o: BeerObservation) -> Int {
        let p = min(positionCount - 1, max(0, (o.position - positionMin) / positionBucket))
        let d = min(incomingCount - 1, max(0, o.incomingOrder / incomingBucket))
        return d * positionCount + p
    }

    /// The state for an agent's recorded readings (inventory, backlog, supply_line, incoming), if they are there.
    public func state(readings: [Reading]) -> Int? {
        func value(_ name: String) -> Int? { readings.first { $0.name == name }.map { Int($0.value.rounded()) } }
        guard let inventory = value("inventory"), let backlog = value("backlog"), let line = value("supply_line"),
              let incoming = value("incoming") else { return nil }
        let o = BeerObservation(stage: 0, week: 0, incomingOrder: incoming, incomingShipment: 0, inventory: inventory,
                                backlog: backlog, supplyLine: line, lastOrder: 0, weekCost: 0, totalCost: 0)
        return state(o)
    }

    /// A state's short label: its inventory-position range and incoming-order range.
    public func label(state s: Int) -> String {
        let (pos, inc) = describe(s)
        func range(_ r: ClosedRange<Int>) -> String {
            if r.lowerBound <= Int.min / 4 { return "≤\(r.upperBound)" }
            if r.upperBound >= Int.max / 4 { return "≥\(r.lowerBound)" }
            return r.lowerBound == r.upperBound ? "\(r.lowerBound)" : "\(r.lowerBound)–\(r.upperBound)"
        }
        return "\(range(pos))|\(range(inc))"
    }

    @inline(__always)
    public func order(_ action: Int, _ o: BeerObservation) -> Int {
        let order = actionKind == .offset ? o.incomingOrder + offsets[action] : offsets[action] - o.position
        return min(BeerGame.maximumOrder, max(0, order))
    }

    /// A state's meaning, for the policy graph: the position range and incoming-order range.
    public func describe(_ state: Int) -> (position: ClosedRange<Int>, incoming: ClosedRange<Int>) {
        let p = state % positionCount, d = state / positionCount
        let low = positionMin + p * positionBucket
        let pos = p == 0 ? Int.min / 2...low + positionBucket - 1 : (p == positionCount - 1 ? low...Int.max / 2 : low...low + positionBucket - 1)
        let inLow = d * incomingBucket
        let inc = d == incomingCount - 1 ? inLow...Int.max / 2 : inLow...inLow + incomingBucket - 1
        return (pos, inc)
    }

    public func label(offset action: Int) -> String {
        let x = offsets[action]
        if actionKind == .target { return "up to \(x)" }
        return x == 0 ? "+0" : "\(x > 0 ? "+" : "−")\(abs(x))"
    }
}
