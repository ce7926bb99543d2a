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
    case mute(AgentID)
    case unmute(AgentID)
    /// The agent's turns wait for text from the user until it is handed back.
    case takeOver(AgentID)
    case handBack(AgentID)
    /// What the user typed for an agent they have taken over.
    case reply(AgentID, text: String)
    case stop
}
