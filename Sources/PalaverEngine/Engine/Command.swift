/// What the user asks of a running session. Commands take effect at once
/// (see `Runner`), and each one that changes anything is recorded as an event.
public enum Command: Sendable, Equatable {
    case pause
    case resume
    /// While paused, run exactly one more step.
    case stepOnce
    case setSpeed(Speed)
    /// Put a message on the bus: from the user, or speaking as an agent (`from: .agent`).
    case inject(text: String, from: Party, to: Recipients)
    /// Change the text of a message still waiting in a mailbox.
    case edit(messageID: Int, text: String)
    /// Remove a message still waiting in a mailbox.
    case drop(messageID: Int)
    /// Put a dropped message back into the mailboxes it was dropped from, while it is still unread there.
    case restore(messageID: Int)
    case mute(AgentID)
    case unmute(AgentID)
    /// The agent's turns wait for text from the user until it is handed back.
    case takeOver(AgentID)
    case handBack(AgentID)
    /// What the user typed for an agent they have taken over.
    case reply(AgentID, text: String)
    /// Stop the run when the condition is met (see `BreakCondition`).
    case setBreakpoint(BreakCondition)
    case clearBreakpoint(id: Int)
    case stop
}

extension Command {
    /// The command's name as it is sent and recorded (`palaver attach`, the session's `command` events).
    public var name: String {
        switch self {
        case .pause: return "pause"
        case .resume: return "resume"
        case .stepOnce: return "step"
        case .setSpeed: return "speed"
        case .inject: return "inject"
        case .edit: return "edit"
        case .drop: return "drop"
        case .restore: return "restore"
        case .mute: return "mute"
        case .unmute: return "unmute"
        case .takeOver: return "takeover"
        case .handBack: return "handback"
        case .reply: return "reply"
        case .setBreakpoint: return "break"
        case .clearBreakpoint: return "unbreak"
        case .stop: return "stop"
        }
    }
}
