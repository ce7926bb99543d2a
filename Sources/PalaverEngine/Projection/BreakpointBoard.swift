/// The breakpoints a run has set, folded from its events, and where one
/// stopped it: what the breakpoints overlay lists and the status bar says.
public struct BreakpointBoard: Sendable {
    /// Set and not cleared, in the order they were set.
    public private(set) var active: [Breakpoint] = []
    /// The stop the run stands at; gone once it moves on.
    public private(set) var stop: Stop?
    /// Every hit so far, for the timeline: the step and the breakpoint.
    public private(set) var hitCount = 0

    public struct Stop: Sendable, Equatable {
        public var hit: BreakpointHit
        /// The breakpoint as it was set (nil if the file never said).
        public var condition: BreakCondition?
        public var step: Int
    }

    public init() {}

    mutating func apply(_ event: Event) {
        switch event.body {
        case .breakpointSet(let breakpoint):
            active.removeAll { $0.id == breakpoint.id }
            active.append(breakpoint)
        case .breakpointCleared(let id):
            active.removeAll { $0.id == id }
        case .breakpointHit(let hit):
            hitCount += 1
            stop = Stop(hit: hit, condition: active.first { $0.id == hit.id }?.condition, step: event.step)
        case .control(.resume), .control(.stepOnce), .sessionEnded:
            stop = nil
        default:
            break
        }
    }
}

extension BreakpointBoard.Stop {
    /// Why the run stopped, in words: "breakpoint 2: before Otto speaks (step 7)".
    public func describe(in info: SessionInfo?) -> String {
        var text = "breakpoint \(hit.id)"
        switch condition {
        case .agent(let a)?: text += ": before \(info?.name(of: .agent(a)) ?? "\(a)") speaks (step \(step + 1))"
        case .step(let n)?: text += ": step \(n) is next"
        case .text?, .pattern?:
            // Messages are known on screen by the step they were said in (the log's number).
            let who = hit.agent.map { "\(info?.name(of: .agent($0)) ?? "\($0)")'s" } ?? "a"
            text += ": \(condition!.describe(in: info)) — \(who) message at step \(step)"
        case .error?: text += ": \(hit.agent.map { info?.name(of: .agent($0)) ?? "\($0)" } ?? "an agent") failed"
        case .fallback?: text += ": \(hit.agent.map { info?.name(of: .agent($0)) ?? "\($0)" } ?? "an agent") gave no valid order (fallback)"
        case nil: text += " (step \(step))"
        }
        return text
    }
}
