/// One thing that happened, stamped with the step it happened in and the
/// wall-clock seconds since the session started. The unit of recording,
/// replay and display: the engine writes events, everything else folds them.
public struct Event: Hashable, Sendable {
    public var step: Int
    /// Seconds since the session started, as measured when it happened.
    public var time: Double
    public var body: Body

    public init(step: Int, time: Double, _ body: Body) {
        self.step = step
        self.time = time
        self.body = body
    }

    public enum Body: Hashable, Sendable {
        // Indirect: a session description is large and rare; every other event stays small to copy.
        indirect case sessionStarted(SessionInfo)
        case stepStarted
        case messageSent(Message)
        /// A message the user put on the bus (from the user, or speaking as an agent).
        case injected(Message)
        case delivered(messageID: Int, to: AgentID)
        /// A waiting message's text changed; `original` is what it said before (nil only from a v1 file).
        case edited(messageID: Int, text: String, original: String?)
        /// A waiting message taken out of these agents' mailboxes (nil only from a v1 file).
        case dropped(messageID: Int, from: [AgentID]?)
        /// A dropped message put back into the mailboxes it was dropped from (`Command.restore`).
        case restored(messageID: Int)
        case mailboxFull(agent: AgentID, messageID: Int)
        /// A turn starts: its model is asked (`context`: what it is sent, nil for a person's turn and older files).
        case callStarted(agent: AgentID, model: String, context: CallContext? = nil)
        case tokenDelta(agent: AgentID, text: String)
        case callFinished(agent: AgentID, usage: Usage)
        /// What an agent sees of its environment this step (for its pane).
        case observed(agent: AgentID, readings: [Reading])
        /// An agent's move in its environment: its value, its text, and whether the
        /// agent's reply held it (false: a fallback was taken).
        case action(agent: AgentID, action: EnvironmentAction)
        case reward(agent: AgentID, value: Double)
        case control(Control)
        case takeover(agent: AgentID, active: Bool)
        case agentError(agent: AgentID, message: String)
        /// A model call failed for a passing reason and is being tried again.
        case retrying(agent: AgentID, attempt: Int, reason: String)
        /// A model call in flight was cancelled (the run was paused); its
        /// partial reply is discarded and the turn asks again on resume.
        case callCancelled(agent: AgentID, reason: String)
        /// A command that could not take effect, and why (shown to the user).
        case rejected(command: String, reason: String)
        /// A command sent from an attached workbench (`palaver attach`), by the sender it names; the
        /// events it caused follow at once. Keyboard commands of the run's own workbench have none.
        case commanded(by: String, command: String)
        case breakpointSet(Breakpoint)
        case breakpointCleared(id: Int)
        /// A breakpoint stopped the run; a `control` pause follows.
        case breakpointHit(BreakpointHit)
        case sessionEnded(Summary)
    }
}

/// Token counts and timing of one model call.
public struct Usage: Hashable, Sendable {
    public var model: String
    public var promptTokens: Int
    public var completionTokens: Int
    public var latencyMs: Double
    /// True when the counts are estimates (the server reported none).
    public var estimated: Bool
    /// Time to first token: from sending the request to its first text (nil when not measured).
    public var firstTokenMs: Double?
    /// From the first text to the last: tokens per second is `completionTokens` over this.
    public var streamMs: Double?
    /// Of `latencyMs`, the time spent waiting for a place in Palaver's own in-flight limit.
    public var queuedMs: Double?

    /// Completion tokens per second while the reply streamed, when that was measured.
    public var tokensPerSecond: Double? {
        guard let streamMs, streamMs > 0, completionTokens > 1 else { return nil }
        return Double(completionTokens - 1) / (streamMs / 1000)
    }

    public init(model: String, promptTokens: Int, completionTokens: Int, latencyMs: Double, estimated: Bool = false) {
        self.model = model
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.latencyMs = latencyMs
        self.estimated = estimated
    }
}

/// A change to how the run is driven, as the user asked for it.
public enum Control: Hashable, Sendable {
    case pause
    case resume
    case stepOnce
    case speed(Speed)
    case mute(AgentID)
    case unmute(AgentID)
    case stop
}

/// Why a session ended and what it amounted to.
public struct Summary: Hashable, Sendable {
    public enum Reason: String, Sendable {
        /// The step limit was reached.
        case steps
        /// The user stopped the run.
        case stopped
        /// No agent had anything left to answer.
        case quiet

        /// Why, in words: "the step limit", "stopped by the user", "nothing left to answer".
        public var phrase: String {
            switch self {
            case .steps: return "the step limit"
            case .stopped: return "stopped by the user"
            case .quiet: return "nothing left to answer"
            }
        }
    }

    public var reason: Reason
    public var steps: Int
    public var messages: Int
    public var tokens: Int
    public var durationSeconds: Double

    public init(reason: Reason, steps: Int, messages: Int, tokens: Int, durationSeconds: Double) {
        self.reason = reason
        self.steps = steps
        self.messages = messages
        self.tokens = tokens
        self.durationSeconds = durationSeconds
    }
}
