import AsyncHTTPClient
import Foundation
import NIOCore
import PalaverEngine

extension HTTPClientResponse.Body {
    /// The body's parts, failing with a timeout when the next part is slower than
    /// `seconds`, or when the whole call runs past `deadline` (a server that sends
    /// keep-alive pings but no tokens must not hold an agent for ever).
    func timingOut(betweenParts seconds: Double, deadline: Double, callTimeout: Double) -> AsyncThrowingStream<ByteBuffer, any Error> {
        let body = self
        return AsyncThrowingStream { continuation in
            let watchdog = IdleWatchdog(seconds: seconds, deadline: deadline) { overall in
                continuation.finish(throwing: overall ? ModelError.deadline(seconds: callTimeout)
                                                      : ModelError.timedOut("waiting for the next part of the reply"))
            }
            let task = Task {
                do {
                    for try await part in body {
                        watchdog.kick()
                        continuation.yield(part)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
                watchdog.stop()
            }
            continuation.onTermination = { _ in task.cancel(); watchdog.stop() }
        }
    }
}

/// Fires once when it has not been kicked for a while, or at a hard deadline
/// (`MonotonicClock` seconds) whatever the kicks; tells which it was.
final class IdleWatchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var idleBy: Double
    private let hardDeadline: Double
    private var stopped = false
    private let seconds: Double

    init(seconds: Double, deadline: Double = .infinity, onIdle: @escaping @Sendable (_ overall: Bool) -> Void) {
        self.seconds = seconds
        hardDeadline = deadline
        idleBy = MonotonicClock.seconds() + seconds
        Task { [weak self] in
            while let self {
                let (stopped, idleBy) = self.lock.withLock { (self.stopped, self.idleBy) }
                if stopped { return }
                let now = MonotonicClock.seconds()
                if now >= self.hardDeadline { onIdle(true); return }
                if now >= idleBy { onIdle(false); return }
                try? await Task.sleep(nanoseconds: UInt64(min(min(idleBy, self.hardDeadline) - now, 0.25) * 1e9))
            }
        }
    }

    func kick() { lock.withLock { idleBy = MonotonicClock.seconds() + seconds } }
    func stop() { lock.withLock { stopped = true } }
}
