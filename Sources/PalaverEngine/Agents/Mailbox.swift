import DequeModule

/// An agent's queue of undelivered messages: injected and system messages first,
/// then the rest in arrival order. Bounded: a full mailbox refuses a message
/// (and the engine records that) instead of growing without limit.
public struct Mailbox: Sendable {
    public let capacity: Int
    private var priority: Deque<Message> = []
    private var regular: Deque<Message> = []

    public init(capacity: Int = 256) {
        precondition(capacity > 0, "a mailbox needs room for at least one message")
        self.capacity = capacity
    }

    public var count: Int { priority.count + regular.count }
    public var isEmpty: Bool { priority.isEmpty && regular.isEmpty }
    public var isFull: Bool { count >= capacity }

    /// Adds a message; returns false, leaving the mailbox unchanged, when it is full.
    @discardableResult
    public mutating func push(_ message: Message) -> Bool {
        guard count < capacity else { return false }
        if message.kind.isPriority { priority.append(message) } else { regular.append(message) }
        return true
    }

    public mutating func pop() -> Message? {
        if let first = priority.popFirst() { return first }
        return regular.popFirst()
    }

    /// The waiting messages in delivery order.
    public var waiting: [Message] { Array(priority) + Array(regular) }

    public func contains(_ id: Int) -> Bool {
        priority.contains { $0.id == id } || regular.contains { $0.id == id }
    }

    /// Replaces a waiting message's text. Returns false when it is not waiting here.
    /// The text of a message waiting here.
    public func text(of id: Int) -> String? {
        (priority.first { $0.id == id } ?? regular.first { $0.id == id })?.text
    }

    public mutating func edit(_ id: Int, text: String) -> Bool {
        if let i = priority.firstIndex(where: { $0.id == id }) {
            priority[i] = priority[i].withText(text)
            return true
        }
        if let i = regular.firstIndex(where: { $0.id == id }) {
            regular[i] = regular[i].withText(text)
            return true
        }
        return false
    }

    /// Removes a waiting message. Returns false when it is not waiting here.
    public mutating func drop(_ id: Int) -> Bool { take(id) != nil }

    /// Removes a waiting message and returns it (nil when it is not waiting here).
    public mutating func take(_ id: Int) -> Message? {
        if let i = priority.firstIndex(where: { $0.id == id }) { return priority.remove(at: i) }
        if let i = regular.firstIndex(where: { $0.id == id }) { return regular.remove(at: i) }
        return nil
    }

    /// Puts a dropped message back where it was: among its queue, in id order,
    /// as if it had never left. Returns false, unchanged, when the mailbox is full.
    @discardableResult
    public mutating func restore(_ message: Message) -> Bool {
        guard count < capacity else { return false }
        if message.kind.isPriority {
            priority.insert(message, at: priority.firstIndex { $0.id > message.id } ?? priority.count)
        } else {
            regular.insert(message, at: regular.firstIndex { $0.id > message.id } ?? regular.count)
        }
        return true
    }
}
