import Foundation

/// What reaches the runner from outside its thread.
enum RunnerInput: Sendable {
    case command(Command)
    /// A command from an attached workbench, recorded with who sent it.
    case sent(Command, by: String)
    case chunk(AgentID, call: Int, ModelChunk)
    case callFailed(AgentID, call: Int, reason: String)
}

/// A thread-safe mailbox for the runner: the screen posts commands, model
/// calls post their chunks, and the runner sleeps until something arrives or
/// its next deadline, whichever is first.
public final class Inbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [RunnerInput] = []

    public init() {}

    /// Sends a command to the running session; it takes effect at the next step boundary.
    public func post(_ command: Command) { post(.command(command)) }

    /// Sends a command from elsewhere (an attached workbench): the recording names `sender` before its effects.
    public func post(_ command: Command, from sender: String) { post(.sent(command, by: sender)) }

    func post(_ input: RunnerInput) {
        condition.lock()
        items.append(input)
        condition.signal()
        condition.unlock()
    }

    /// Takes everything waiting; if nothing is, waits until something arrives
    /// or `deadline` (monotonic seconds) passes. A nil deadline waits indefinitely.
    func take(waitingUntil deadline: Double?) -> [RunnerInput] {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty {
            if let deadline {
                let remaining = deadline - MonotonicClock.seconds()
                if remaining <= 0 { break }
                _ = condition.wait(until: Date(timeIntervalSinceNow: remaining))
            } else {
                condition.wait()
            }
        }
        let taken = items
        items.removeAll(keepingCapacity: true)
        return taken
    }
}
