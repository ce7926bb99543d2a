import Foundation
import PalaverEngine

/// Carries events from the engine's thread to the screen's: the engine
/// appends, the screen takes the whole batch once per frame, so a flood of
/// events costs one lock and one paint.
public final class EventQueue: EventSink, @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [Event] = []

    public init() {}

    public func receive(_ event: Event) {
        lock.lock()
        pending.append(event)
        lock.unlock()
    }

    public func drain() -> [Event] {
        lock.lock()
        defer { lock.unlock() }
        guard !pending.isEmpty else { return [] }
        let taken = pending
        pending.removeAll(keepingCapacity: true)
        return taken
    }
}
