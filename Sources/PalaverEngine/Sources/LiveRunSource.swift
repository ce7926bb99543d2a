import Foundation

/// A run in this process as an event source and its controls: the engine
/// runs on a thread of its own; its events queue here and the first of each
/// batch wakes the workbench; commands go to the runner's inbox, which acts
/// on them at once (see `Runner`).
public final class LiveRunSource: EventSource, Controls, EventSink, @unchecked Sendable {
    public let run: SessionRun
    private let lock = NSLock()
    // Guarded by `lock`: written by the engine's thread, taken by the workbench's.
    private var pending: [Event] = []
    private var wake: (@Sendable () -> Void)?
    private var finished = false
    /// For a fork: the recorded history, shown before anything new.
    private var history: [Event]

    public init(run: SessionRun) {
        self.run = run
        history = run.history
        run.fanout.add(self)
    }

    public func start(wake: @escaping @Sendable () -> Void) {
        lock.withLock { self.wake = wake }
        nonisolated(unsafe) let run = self.run
        let thread = Thread { [self] in
            run.run()
            lock.withLock { finished = true }
            wake()
        }
        thread.name = "palaver-engine"
        thread.start()
        wake()
    }

    public func receive(_ event: Event) {
        let wakeNow: (@Sendable () -> Void)? = lock.withLock {
            pending.append(event)
            return pending.count == 1 ? wake : nil
        }
        wakeNow?()
    }

    public func take(now: Double) -> SourceUpdate {
        var events: [Event] = lock.withLock {
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        if !history.isEmpty {
            events = history + events
            history = []
        }
        return SourceUpdate(events: events)
    }

    public func stop() { run.inbox.post(.stop) }

    public var isFinished: Bool { lock.withLock { finished && pending.isEmpty } }

    public func perform(_ request: ControlRequest) -> ControlOutcome {
        switch request {
        case .command(let command):
            run.inbox.post(command)
            return .done
        case .playback:
            return .refused("that key moves through recordings: open one with palaver replay (this run is live)")
        }
    }
}
