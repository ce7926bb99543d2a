import Foundation
import PalaverEngine

/// The terminal side of a workbench loop, shared by live runs and replays:
/// paints at most 30 frames a second and only what changed, and waits for
/// input briefly while things move and long when all is still.
final class ScreenDriver {
    let backend: NCursesBackend
    private var previous: Buffer?
    private var lastPaint = -1.0
    private let start = MonotonicClock.seconds()
    var dirty = true

    init(noColor: Bool) { backend = NCursesBackend(noColor: noColor) }

    var now: Double { MonotonicClock.seconds() - start }

    /// Paints the state if something changed (or moves) and a frame is due.
    func paintIfDue(_ state: AppState, animating: Bool) {
        guard dirty || animating, now >= lastPaint + 1.0 / 30 - 0.001 else { return }
        paint(AppView.render(state))
    }

    /// Paints a ready-made frame at once (screens that are not the workbench).
    func paint(_ frame: Buffer) {
        let diff = BufferDiff(from: previous, to: frame)
        if !diff.isEmpty {
            backend.apply(diff)
            backend.present()
        }
        previous = frame
        lastPaint = now
        dirty = false
    }

    /// Waits for input: until the next frame is due when dirty, a little while
    /// when something animates, long when nothing moves.
    func nextInput(animating: Bool, busy: Bool) -> TerminalInput? {
        let timeout: Int
        if dirty { timeout = max(1, Int(((lastPaint + 1.0 / 30) - now) * 1000)) } else if busy { timeout = 33 } else if animating { timeout = 100 } else { timeout = 250 }
        guard let input = backend.readInput(timeoutMilliseconds: timeout) else { return nil }
        dirty = true
        if input == .resize {
            backend.invalidate()
            previous = nil
        }
        return input
    }

    func shutdown() { backend.shutdown() }
}
