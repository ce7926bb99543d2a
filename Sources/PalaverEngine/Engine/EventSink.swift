/// Receives the engine's events in order. The session writer, the headless
/// printer and the screen's projection are all sinks.
public protocol EventSink: AnyObject {
    func receive(_ event: Event)
    /// A step ended: a good moment to flush.
    func stepEnded()
    /// The engine is about to wait (for a model, a command, the clock): hand on anything held back.
    func idle()
}

extension EventSink {
    public func stepEnded() {}
    public func idle() {}
}

/// Hands each event to several sinks in turn.
public final class EventFanout: EventSink {
    public private(set) var sinks: [any EventSink]

    public init(_ sinks: [any EventSink] = []) { self.sinks = sinks }

    public func add(_ sink: any EventSink) { sinks.append(sink) }

    public func receive(_ event: Event) {
        for sink in sinks { sink.receive(event) }
    }

    public func stepEnded() {
        for sink in sinks { sink.stepEnded() }
    }

    public func idle() {
        for sink in sinks { sink.idle() }
    }
}

/// Keeps every event in memory; for tests and short runs.
public final class EventLog: EventSink {
    public private(set) var events: [Event] = []
    public init() {}
    public func receive(_ event: Event) { events.append(event) }
}

/// Lets events go: for runs where only the outcome matters (benchmarks).
public final class DiscardingSink: EventSink {
    public init() {}
    public func receive(_ event: Event) {}
}
