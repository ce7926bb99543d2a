/// Turns a beer-game observation into a table row: the inventory position
/// (net stock plus supply line) and the incoming order, each in buckets.
/// Actions are `order = incoming order + offset`, offsets from a small set.
public struct BeerStateEncoder: Hashable, Sendable {
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

    @inline(__always)
    public func order(_ action: Int, _ o: BeerObservation) -> Int { max(0, o.incomingOrder + offsets[action]) }

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
        return x == 0 ? "order = demand" : "order = demand \(x > 0 ? "+" : "−") \(abs(x))"
    }
}
