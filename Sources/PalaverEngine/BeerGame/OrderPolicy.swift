/// Decides a stage's order each week from what it sees.
public protocol OrderPolicy {
    /// Called before each episode.
    mutating func reset()
    mutating func order(for observation: BeerObservation) -> Int
}

/// Order up to a fixed inventory position (net stock plus supply line).
public struct BaseStockPolicy: OrderPolicy, Hashable, Sendable {
    public var level: Int
    public init(level: Int) { self.level = level }
    public mutating func reset() {}
    public func order(for o: BeerObservation) -> Int { min(BeerGame.maximumOrder, max(0, level - o.position)) }
}

/// Sterman's (1989) anchoring-and-adjustment rule, fitted to how people play:
/// expect demand by exponential smoothing (θ), then order the expectation plus
/// a fraction α of the gap between desired and actual stock, counting only a
/// fraction β of the supply line — the under-weighting that drives the bullwhip.
public struct StermanPolicy: OrderPolicy, Hashable, Sendable {
    public struct Parameters: Hashable, Sendable {
        public var alpha = 0.26
        public var beta = 0.34
        public var theta = 0.36
        /// Desired effective stock S′ (Sterman's fitted mean is about 17).
        public var desiredStock = 17.0
        public init() {}

        /// What each may be: θ a smoothing weight; α, β fractions (up to 10 for experiments);
        /// S′ within the cases a game can hold.
        public static let thetaRange = 0.0...1.0
        public static let alphaRange = 0.0...10.0
        public static let betaRange = 0.0...10.0
        public static let stockRange = -10_000.0...10_000.0
    }
    public var parameters: Parameters
    public private(set) var expectedDemand: Double
    private let initialExpectation: Double

    public init(parameters: Parameters = Parameters(), initialExpectation: Double = 4) {
        self.parameters = parameters
        self.initialExpectation = initialExpectation
        expectedDemand = initialExpectation
    }

    public mutating func reset() { expectedDemand = initialExpectation }

    public mutating func order(for o: BeerObservation) -> Int {
        expectedDemand = Self.smooth(expectedDemand, incoming: o.incomingOrder, theta: parameters.theta)
        return Self.order(expectedDemand: expectedDemand, netStock: o.netStock, supplyLine: o.supplyLine, parameters: parameters)
    }

    /// The next demand expectation: exponential smoothing of incoming orders.
    public static func smooth(_ expected: Double, incoming: Int, theta: Double) -> Double {
        theta * Double(incoming) + (1 - theta) * expected
    }

    /// The rule itself: the expectation plus a fraction α of the stock gap, counting β of the supply line.
    public static func order(expectedDemand: Double, netStock: Int, supplyLine: Int, parameters p: Parameters) -> Int {
        let gap = p.desiredStock - Double(netStock) - p.beta * Double(supplyLine)
        return CheckedNumber.clamped(expectedDemand + p.alpha * gap, to: 0...BeerGame.maximumOrder)
    }
}
