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
    /// The same sinks as an immutable chain, which is what each event walks: calling through `let`
    /// links takes no reference count per sink and no run-time exclusivity check, which together
    /// cost as much as a cheap sink's own work. Rebuilt when a sink is added (while a run is set up).
    @exclusivity(unchecked) private var chain: Link?

    private final class Link {
        let sink: any EventSink
        let next: Link?
        init(_ sink: any EventSink, next: Link?) { self.sink = sink; self.next = next }

        func deliver(_ event: Event) {
            sink.receive(event)
            next?.deliver(event)
        }
    }

    public init(_ sinks: [any EventSink] = []) {
        self.sinks = sinks
        chain = EventFanout.link(sinks)
    }

    public func add(_ sink: any EventSink) {
        sinks.append(sink)
        chain = EventFanout.link(sinks)
    }

    private static func link(_ sinks: [any EventSink]) -> Link? {
        sinks.reversed().reduce(nil) { next, sink in Link(sink, next: next) }
    }

    public func receive(_ event: Event) {
        chain?.deliver(event)
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
