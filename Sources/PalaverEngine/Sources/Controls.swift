/// How a workbench acts on what it shows. A live run takes engine commands
/// (pause, inject, take over…); a recording takes playback moves (play,
/// step, seek, fork); a remote run would forward commands through its broker.
/// Whatever changes comes back through the `EventSource` as events, so the
/// screen never shows a change the run did not make.
public protocol Controls: AnyObject {
    /// Carries the request out (or hands it on) and returns at once. Called on the workbench's thread.
    func perform(_ request: ControlRequest) -> ControlOutcome
}

public enum ControlRequest: Sendable, Equatable {
    /// For the engine of a live run.
    case command(Command)
    /// For a recording being played back.
    case playback(ReplayAction)
}

public enum ControlOutcome: Sendable, Equatable {
    case done
    /// These controls cannot do that; the reason is shown to the user.
    case refused(String)
    /// The user asked to continue live from this step of a recording: the workbench ends with this.
    case fork(step: Int)
}
