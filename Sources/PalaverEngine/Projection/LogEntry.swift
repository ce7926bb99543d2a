/// A message in the log, with what happened to it since.
///
/// The log holds one per message (a million in a long run), so an entry is
/// kept small: what most messages have (who still waits for it, who read it)
/// is stored inline, what few ever get (an edit, a drop, a restore) sits
/// behind one reference that stays nil until it happens.
public struct LogEntry: Sendable {
    public var message: Message
    private var deliveryCount: Int32 = 0
    /// The call index plus one; 0 for none.
    private var callNumber: Int32 = 0
    /// Recipients it still waits for in their mailboxes (not yet delivered, dropped or refused by a full mailbox).
    public var pending = AgentMask()
    /// Recipients it was delivered to.
    public var readBy = AgentMask()
    private var fate: FateBox?

    public init(message: Message) { self.message = message }

    /// How many mailboxes it has been delivered from so far.
    public var deliveries: Int {
        get { Int(deliveryCount) }
        set { deliveryCount = Int32(clamping: newValue) }
    }

    /// The model call whose reply this is (an index into the projection's `calls`).
    public var call: Int? {
        get { callNumber == 0 ? nil : Int(callNumber) - 1 }
        set { callNumber = newValue.map { Int32(clamping: $0 + 1) } ?? 0 }
    }

    /// Still waiting in some mailbox: it can be edited or dropped.
    public var isWaiting: Bool { !pending.isEmpty }

    public var edited: Bool {
        get { fate?.value.edited ?? false }
        set { change { $0.edited = newValue } }
    }
    /// The text before the first edit, and who had read it by the last edit (they saw the older text).
    public var originalText: String? {
        get { fate?.value.originalText }
        set { change { $0.originalText = newValue } }
    }
    public var readBeforeEdit: AgentMask {
        get { fate?.value.readBeforeEdit ?? AgentMask() }
        set { change { $0.readBeforeEdit = newValue } }
    }
    public var dropped: Bool {
        get { fate?.value.dropped ?? false }
        set { change { $0.dropped = newValue } }
    }
    /// Recipients it was dropped for (it still waited for them).
    public var droppedFor: AgentMask {
        get { fate?.value.droppedFor ?? AgentMask() }
        set { change { $0.droppedFor = newValue } }
    }
    /// Recipients it was put back for after a drop (`restored`).
    public var restoredFor: AgentMask {
        get { fate?.value.restoredFor ?? AgentMask() }
        set { change { $0.restoredFor = newValue } }
    }

    /// Edits, drops and restores are rare: each makes a new box, so
    /// snapshots that share the old one keep seeing it unchanged.
    private mutating func change(_ update: (inout Fate) -> Void) {
        var record = fate?.value ?? Fate()
        update(&record)
        fate = record == Fate() ? nil : FateBox(record)
    }

    /// What happened to a message after it was sent, beyond its deliveries.
    private struct Fate: Equatable, Sendable {
        var edited = false
        var originalText: String?
        var readBeforeEdit = AgentMask()
        var dropped = false
        var droppedFor = AgentMask()
        var restoredFor = AgentMask()
    }

    private final class FateBox: Sendable {
        let value: Fate
        init(_ value: Fate) { self.value = value }
    }
}
