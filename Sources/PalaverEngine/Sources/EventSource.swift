/// Where a workbench's events come from. The workbench has one loop and
/// knows nothing else about its source: a live engine in this process
/// (`LiveRunSource`), a session file played back (`RecordingSource`), or a
/// broker subscription to a run on another machine all look the same.
///
/// The contract, all calls but `wake` on the workbench's own thread:
/// - `start(wake:)` once; the source may then produce from any thread and
///   calls `wake` when something can be taken. Waking when the loop last took
///   everything is enough (the loop takes all there is each time); waking more
///   often is harmless.
/// - `take(now:)` returns everything new since the last call, in order.
/// - `nextDue(now:)` says when a source that moves by the clock (a recording
///   playing at its pace) next has something without waking; nil otherwise.
/// - `stop()` asks the source to end; the loop keeps taking until `isFinished`
///   so nothing is lost (a live run writes its last events and closes its file).
public protocol EventSource: AnyObject {
    func start(wake: @escaping @Sendable () -> Void)
    func take(now: Double) -> SourceUpdate
    func nextDue(now: Double) -> Double?
    func stop()
    var isFinished: Bool { get }
}

extension EventSource {
    public func nextDue(now: Double) -> Double? { nil }
}

/// What a source has for the screen since it was last asked.
public struct SourceUpdate: Sendable {
    /// A projection that replaces the one shown (a replay that moved by more
    /// than a few events, or a remote source that joined from a snapshot).
    /// `events` then apply on top of it.
    public var projection: Projection?
    /// New events, in the order they happened, to fold into what is shown.
    public var events: [Event]
    /// Where a recording is: set by sources that play one back.
    public var playback: ReplayStatus?
    /// Something to tell the user (a cut-off file, a broker that went away).
    public var notices: [SourceNotice]

    public init(projection: Projection? = nil, events: [Event] = [], playback: ReplayStatus? = nil, notices: [SourceNotice] = []) {
        self.projection = projection
        self.events = events
        self.playback = playback
        self.notices = notices
    }

    public var isEmpty: Bool { projection == nil && events.isEmpty && playback == nil && notices.isEmpty }
}

public struct SourceNotice: Sendable, Equatable {
    public var text: String
    public var isError: Bool

    public init(_ text: String, isError: Bool = false) {
        self.text = text
        self.isError = isError
    }
}
