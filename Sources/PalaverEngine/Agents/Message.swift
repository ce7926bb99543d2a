/// What a message is, which decides how it is shown and delivered.
public enum MessageKind: String, Sendable, CaseIterable {
    case chat
    case injected
    case system
    case action
    case observation
    case coordination
    /// A model call that failed for good: an entry of the log (the projection makes it from the
    /// agent's error event), never a message anyone receives.
    case error

    /// Words an agent says (or is made to say): what its model sees again as its own turns.
    /// Algorithm traffic and environment actions are not.
    public var isSpeech: Bool { self == .chat || self == .injected }

    /// Injected and system messages jump the mailbox queue.
    public var isPriority: Bool { self == .injected || self == .system }
}

/// Model bookkeeping attached to a message an agent produced.
public struct MessageMetadata: Hashable, Sendable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var latencyMs: Double
    public var model: String

    public init(promptTokens: Int = 0, completionTokens: Int = 0, latencyMs: Double = 0, model: String = "") {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.latencyMs = latencyMs
        self.model = model
    }
}

/// Who produced an agent's turn: its model, a person typing for it (a
/// takeover), or a program (a fixed or learned policy, a coordination algorithm).
public enum Author: String, Hashable, Sendable {
    case model
    case person
    case algorithm
}

/// What a coordination message means, as fields, so no reader parses its text.
/// Indirect: most messages carry none, and inline it would add 56 bytes to every message in the log.
public indirect enum CoordinationFact: Hashable, Sendable {
    /// A variable's value, with the scenario's label for people (`dock 1 09:00`).
    case assignment(variable: String, value: DCOPValue, label: String?)
    /// How much a variable's cost would fall if it moved (MGM's gain round).
    case gain(variable: String, amount: Double)
}

/// An immutable message. Editing one in flight makes a new value with the same id.
///
/// The log keeps a million of these, so the fields are ordered to leave little
/// padding: the word-sized ones first, the one-byte ones last.
public struct Message: Hashable, Sendable {
    public let id: Int
    public let step: Int
    public let time: Double
    public let text: String
    public let metadata: MessageMetadata?
    /// For a coordination algorithm's message: what it says, typed.
    public let coordination: CoordinationFact?
    public let sender: Party
    public let recipients: Recipients
    public let kind: MessageKind
    /// Who produced it when it is an agent's turn; nil for the user's, the system's and the environment's words.
    public let author: Author?

    public init(id: Int, step: Int, time: Double, sender: Party, recipients: Recipients,
                kind: MessageKind, text: String, metadata: MessageMetadata? = nil,
                author: Author? = nil, coordination: CoordinationFact? = nil) {
        self.id = id
        self.step = step
        self.time = time
        self.sender = sender
        self.recipients = recipients
        self.kind = kind
        self.text = text
        self.metadata = metadata
        self.author = author
        self.coordination = coordination
    }

    public func withText(_ newText: String) -> Message {
        Message(id: id, step: step, time: time, sender: sender, recipients: recipients,
                kind: kind, text: newText, metadata: metadata, author: author, coordination: coordination)
    }
}
