/// What the screen knows about a replay: where it is, whether it plays, and
/// what the timeline marks.
public struct ReplayStatus: Sendable, Equatable {
    public var position = 0
    public var total = 0
    public var playing = true
    public var speed: Speed = .factor(1)
    public var markers: [SessionPlayer.Marker] = []
    /// How much of the file has been indexed, 0…1.
    public var indexed: Double = 0
    public var currentTime: Double = 0
    public var totalTime: Double = 0
    public var path: String
    /// Stretches the recorded run spent paused, skipped in playback (event index, real seconds).
    public var pausedSpans: [SessionPlayer.PausedSpan] = []
    /// Breakpoints set while watching (the recording's own are in its projection).
    public var breakpoints: [Breakpoint] = []
    /// Recorded breakpoints cleared for this replay: playing no longer stops at them.
    public var clearedRecorded: [Int] = []
    /// The breakpoint playing stopped at, until it plays on.
    public var stop: BreakpointBoard.Stop?
    /// The step a fork from here would start after (the last one complete).
    public var forkStep = 0

    public init(path: String) { self.path = path }
}

/// What a key asks of a replay.
public enum ReplayAction: Sendable, Equatable {
    case togglePlay
    case events(Int)
    case steps(Int)
    case messages(AgentID, Int)
    case percent(Int)
    case goToStep(Int)
    case goToTime(Double)
    case setSpeed(Speed)
    case fork
    /// Stop playing where this condition is met (as a live run would).
    case setBreakpoint(BreakCondition)
    /// Clear a breakpoint set while watching, or stop honouring a recorded one.
    case clearBreakpoint(id: Int)
}
