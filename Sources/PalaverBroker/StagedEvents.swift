import PalaverEngine

/// Events as the engine's thread hands them to the stream publisher: a flat copy that shares no
/// reference-counted storage. Copying an `Event` (and later letting it go) costs a switch over its
/// cases and a retain and release per string, array or box in it; the step loop routing a message
/// emits two events, so that alone added a fifth to its instructions. The common events — steps,
/// deliveries, plain messages and tokens — go in as fixed-size records of plain values with their
/// text copied into one byte buffer; any other event, or a message carrying model figures, a
/// coordination fact, a list of recipients or a long text, goes in whole, in its place in the order.
struct StagedEvents {
    fileprivate enum Form: UInt8 {
        case step, delivered, message, injected, token, whole
    }

    /// One event; which fields mean something depends on `form`.
    fileprivate struct Record {
        var step: Int
        var time: Double
        /// The message's id (`delivered`: the message delivered).
        var id = 0
        var messageStep = 0
        var messageTime = 0.0
        /// The sender's agent (with `party` 0), the agent delivered to, or the agent of a token.
        var agent = 0
        var recipient = 0
        var textCount: UInt32 = 0
        /// A text of up to 16 bytes, held here rather than in `text`.
        var short: (UInt64, UInt64) = (0, 0)
        var form: Form
        /// The sender: 0 an agent, 1 the user, 2 the system, 3 the environment.
        var party: UInt8 = 0
        /// 0 every agent, 1 the one in `recipient`.
        var recipients: UInt8 = 0
        var kind = MessageKind.chat
        var author: Author? = nil
    }

    /// Texts longer than this go with their event whole (one retain rather than a long copy).
    static let maxCopiedText = 512

    private var records: [Record] = []
    private var text: [UInt8] = []
    private var whole: [Event] = []

    var count: Int { records.count }
    var isEmpty: Bool { records.isEmpty }

    init(capacity: Int = 0) {
        records.reserveCapacity(capacity)
        text.reserveCapacity(capacity * 16)
    }

    /// Empties the buffer, keeping its memory.
    mutating func removeAll() {
        records.removeAll(keepingCapacity: true)
        text.removeAll(keepingCapacity: true)
        whole.removeAll(keepingCapacity: true)
    }

    /// Returns true when the event ends the session.
    @discardableResult
    mutating func append(_ event: Event) -> Bool {
        switch event.body {
        case .stepStarted:
            records.append(Record(step: event.step, time: event.time, form: .step))
        case .delivered(let id, let to):
            records.append(Record(step: event.step, time: event.time, id: id, agent: to.index, form: .delivered))
        case .messageSent(let message) where StagedEvents.isPlain(message):
            appendMessage(message, of: event, as: .message)
        case .injected(let message) where StagedEvents.isPlain(message):
            appendMessage(message, of: event, as: .injected)
        case .tokenDelta(let agent, let token) where token.utf8.count <= StagedEvents.maxCopiedText:
            var record = Record(step: event.step, time: event.time, agent: agent.index, form: .token)
            copyText(token, into: &record)
            records.append(record)
        default:
            whole.append(event)
            records.append(Record(step: event.step, time: event.time, form: .whole))
            if case .sessionEnded = event.body { return true }
        }
        return false
    }

    /// Calls `body` with each event in the order they came, rebuilt.
    func forEach(_ body: (Event) -> Void) {
        var textAt = 0
        var wholeAt = 0
        for record in records {
            let eventBody: Event.Body
            switch record.form {
            case .step:
                eventBody = .stepStarted
            case .delivered:
                eventBody = .delivered(messageID: record.id, to: AgentID(record.agent))
            case .message, .injected:
                let message = Message(id: record.id, step: record.messageStep, time: record.messageTime,
                                      sender: StagedEvents.party(record), recipients: record.recipients == 0 ? .all : .one(AgentID(record.recipient)),
                                      kind: record.kind, text: text(at: &textAt, record), author: record.author)
                eventBody = record.form == .message ? .messageSent(message) : .injected(message)
            case .token:
                eventBody = .tokenDelta(agent: AgentID(record.agent), text: text(at: &textAt, record))
            case .whole:
                body(whole[wholeAt])
                wholeAt += 1
                continue
            }
            body(Event(step: record.step, time: record.time, eventBody))
        }
    }

    private func text(at offset: inout Int, _ record: Record) -> String {
        var record = record
        if Int(record.textCount) <= MemoryLayout.size(ofValue: record.short) {
            return withUnsafeBytes(of: &record.short) { String(decoding: $0.prefix(Int(record.textCount)), as: UTF8.self) }
        }
        let end = offset + Int(record.textCount)
        defer { offset = end }
        return text.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[offset..<end]), as: UTF8.self) }
    }

    /// A message that fits a record: no model figures, no coordination fact, everyone or one recipient, a short text.
    private static func isPlain(_ message: Message) -> Bool {
        guard message.metadata == nil, message.coordination == nil, message.text.utf8.count <= maxCopiedText else { return false }
        if case .some = message.recipients { return false }
        return true
    }

    private mutating func appendMessage(_ message: Message, of event: Event, as form: Form) {
        var record = Record(step: event.step, time: event.time, id: message.id, messageStep: message.step, messageTime: message.time,
                            form: form, kind: message.kind, author: message.author)
        copyText(message.text, into: &record)
        switch message.sender {
        case .agent(let id): record.agent = id.index
        case .user: record.party = 1
        case .system: record.party = 2
        case .environment: record.party = 3
        }
        if case .one(let id) = message.recipients {
            record.recipients = 1
            record.recipient = id.index
        }
        records.append(record)
    }

    /// Copies the string's bytes into the record when they fit, else after the others in `text`.
    private mutating func copyText(_ string: String, into record: inout Record) {
        var string = string
        string.withUTF8 { utf8 in
            record.textCount = UInt32(utf8.count)
            if utf8.count <= MemoryLayout.size(ofValue: record.short) {
                withUnsafeMutableBytes(of: &record.short) { $0.copyMemory(from: UnsafeRawBufferPointer(utf8)) }
            } else {
                text.append(contentsOf: utf8)
            }
        }
    }

    private static func party(_ record: Record) -> Party {
        switch record.party {
        case 0: .agent(AgentID(record.agent))
        case 1: .user
        case 2: .system
        default: .environment
        }
    }
}
