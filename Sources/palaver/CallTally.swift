import Foundation
import PalaverEngine

/// Counts a run's model calls and how they ended, so that a run in which every
/// call failed (a server that never answered) exits non-zero instead of 0.
final class CallTally: EventSink, @unchecked Sendable {
    private let lock = NSLock()
    private var answered = 0
    private var failed = 0
    private var lastError: String?

    func receive(_ event: Event) {
        lock.withLock {
            switch event.body {
            case .callFinished: answered += 1
            case .agentError(_, let message): failed += 1; lastError = message
            default: break
            }
        }
    }

    /// Why the run counts as failed: calls failed and none was answered (a run stopped
    /// while its first calls were in flight has not failed).
    var failure: String? {
        lock.withLock {
            guard failed > 0, answered == 0 else { return nil }
            let calls = "\(failed) model call\(failed == 1 ? "" : "s")"
            return "every model call of this run failed (\(calls), none answered)" + (lastError.map { "; the last: \($0)" } ?? "")
        }
    }
}
