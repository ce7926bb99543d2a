/// What a branch and bound keeps beside its tree: the incumbent (the best cost found and its values by search
/// position), the nodes explored, and when to give up (a deadline) or report progress (about once a second).
/// The per-node `visit` is a counter and, once every `clockEvery` nodes, a clock read; nothing is allocated.
struct SearchLedger {
    /// The best cost found so far; a branch that cannot beat it is cut.
    var best = Double.infinity
    var bestValues: [Int]
    private(set) var nodes = 0
    /// Seconds on `MonotonicClock` after which the search stops (nil: never).
    var deadline: Double?
    /// True when the deadline stopped the search: `best` is then not proven.
    private(set) var stopped = false
    /// Called about once a second with the nodes explored, the best cost so far and the root bound.
    var progress: ((Int, Double, Double) -> Void)?
    private var lastReport = MonotonicClock.seconds()
    /// Nodes between clock reads, less one (a power of two less one).
    private let clockMask: Int

    /// `clockEvery`: nodes between clock reads, a power of two; fewer where nodes are slow.
    init(positions: Int, clockEvery: Int) {
        precondition(clockEvery > 0 && clockEvery & (clockEvery - 1) == 0, "clockEvery must be a power of two")
        bestValues = Array(repeating: 0, count: positions)
        clockMask = clockEvery - 1
    }

    /// Counts a node. False when the deadline has passed: the search unwinds.
    @inline(__always)
    mutating func visit(rootBound: Double) -> Bool {
        nodes += 1
        return nodes & clockMask != 0 || checkClock(rootBound: rootBound)
    }

    /// Off the hot path: stops at the deadline and reports progress when a second has passed since the last report.
    private mutating func checkClock(rootBound: Double) -> Bool {
        let now = MonotonicClock.seconds()
        if let deadline, now >= deadline { stopped = true; return false }
        if let progress, now - lastReport >= 1 { lastReport = now; progress(nodes, best, rootBound) }
        return true
    }

    /// True when a branch whose cost is at least `bound` cannot beat the best found.
    @inline(__always)
    func cannotBeat(_ bound: Double) -> Bool { bound >= best - 1e-9 }

    /// A complete assignment: kept when it beats the best found.
    @inline(__always)
    mutating func offer(_ cost: Double, _ values: [Int]) {
        if cost < best - 1e-9 { best = cost; bestValues = values }
    }
}
