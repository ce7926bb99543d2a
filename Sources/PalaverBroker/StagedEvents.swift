#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PalaverEngine

/// Events as the engine's thread hands them to the stream publisher: packed into one block of bytes
/// that shares no reference-counted storage. Copying an `Event` (and later letting it go) costs a
/// switch over its cases and a retain and release per string, array or box in it; and every byte the
/// engine writes here is memory the publisher's core then reads, and memory the engine may be touching
/// for the first time (a page fault each 4 KiB). So the common events — steps, deliveries, plain
/// messages and tokens — go in as a tag byte and only the fields they need (a step or time only when it
/// changed, a message's step and time only when they differ from its event's): a routed message is
/// about 60 bytes, against 200 as fixed-size records. Any other event, or a message carrying model
/// figures, a coordination fact, a list of recipients or a long text, goes in whole, in its place.
///
/// A class, handed over whole: the block is the buffer's alone, and the engine's thread and the
/// publisher's never hold the same one at once.
final class StagedEvents {
    private enum Form: UInt8 {
        case step, delivered, message, injected, token, whole
    }

    /// Bits of the tag byte beside the form (its low three bits).
    private static let stepFollows: UInt8 = 0x08
    private static let timeFollows: UInt8 = 0x10
    /// Bits of a message's flag byte beside the party (its low two bits: agent, user, system, environment).
    private static let toOne: UInt8 = 0x04
    private static let ownStep: UInt8 = 0x08
    private static let ownTime: UInt8 = 0x10
    /// The most an event's fixed fields take: tag, step, time, id, flags, kind, author, four words, a length.
    private static let maxFixedBytes = 64

    /// Texts longer than this go with their event whole (one retain rather than a long copy).
    static let maxCopiedText = 512
    /// Bytes set aside per event: a routed message's two events take about 60.
    static let bytesPerEvent = 40

    // Touched on one thread at a time, in loops that must not pay a run-time exclusivity check per field.
    @exclusivity(unchecked) private var bytes: UnsafeMutableRawPointer
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private var used = 0
    @exclusivity(unchecked) private(set) var count = 0
    @exclusivity(unchecked) private var whole: [Event] = []
    /// The step and time of the event before, which the next one repeats unless its tag says otherwise.
    @exclusivity(unchecked) private var lastStep = 0
    @exclusivity(unchecked) private var lastTime = 0.0

    var isEmpty: Bool { count == 0 }

    init(capacity events: Int = 0) {
        capacity = max(256, events * StagedEvents.bytesPerEvent)
        bytes = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
    }

    deinit { bytes.deallocate() }

    /// Writes the whole block once, so the pages are there before the engine's thread fills it (the
    /// publisher does this for the buffers it hands the engine, which then takes no page fault).
    func touchMemory() {
        memset(bytes, 0, capacity)
    }

    /// Empties the buffer, keeping its memory.
    func removeAll() {
        used = 0
        count = 0
        lastStep = 0
        lastTime = 0
        whole.removeAll(keepingCapacity: true)
    }

    /// Returns true when the event ends the session.
    @discardableResult
    func append(_ event: Event) -> Bool {
        var ends = false
        switch event.body {
        case .stepStarted:
            var at = start(.step, of: event, text: 0)
            finish(&at)
        case .delivered(let id, let to):
            var at = start(.delivered, of: event, text: 0)
            StagedEvents.put(id, &at)
            StagedEvents.put(to.index, &at)
            finish(&at)
        case .messageSent(let message) where StagedEvents.isPlain(message):
            appendMessage(message, of: event, as: .message)
        case .injected(let message) where StagedEvents.isPlain(message):
            appendMessage(message, of: event, as: .injected)
        case .tokenDelta(let agent, let token) where token.utf8.count <= StagedEvents.maxCopiedText:
            var at = start(.token, of: event, text: StagedEvents.maxCopiedText)
            StagedEvents.put(agent.index, &at)
            StagedEvents.putText(token, &at)
            finish(&at)
        default:
            whole.append(event)
            // Its step and time travel with it, so the next event's are compared with this one's.
            var at = start(.whole, of: event, text: 0)
            finish(&at)
            if case .sessionEnded = event.body { ends = true }
        }
        count += 1
        return ends
    }

    /// Calls `body` with each event in the order they came, rebuilt.
    func forEach(_ body: (Event) -> Void) {
        var at = 0
        var wholeAt = 0
        var step = 0
        var time = 0.0
        for _ in 0..<count {
            let tag = read(UInt8.self, &at)
            if tag & StagedEvents.stepFollows != 0 { step = read(Int.self, &at) }
            if tag & StagedEvents.timeFollows != 0 { time = read(Double.self, &at) }
            let eventBody: Event.Body
            switch Form(rawValue: tag & 0x07) {
            case .step:
                eventBody = .stepStarted
            case .delivered:
                let id = read(Int.self, &at)
                eventBody = .delivered(messageID: id, to: AgentID(read(Int.self, &at)))
            case .message, .injected:
                let message = readMessage(&at, step: step, time: time)
                eventBody = tag & 0x07 == Form.message.rawValue ? .messageSent(message) : .injected(message)
            case .token:
                let agent = AgentID(read(Int.self, &at))
                eventBody = .tokenDelta(agent: agent, text: readText(&at))
            case .whole, nil:
                body(whole[wholeAt])
                wholeAt += 1
                continue
            }
            body(Event(step: step, time: time, eventBody))
        }
    }

    /// A message that fits the packed form: no model figures, no coordination fact, everyone or one recipient, a short text.
    private static func isPlain(_ message: Message) -> Bool {
        guard message.metadata == nil, message.coordination == nil, message.text.utf8.count <= maxCopiedText else { return false }
        if case .some = message.recipients { return false }
        return true
    }

    private func appendMessage(_ message: Message, of event: Event, as form: Form) {
        var flags: UInt8
        switch message.sender {
        case .agent: flags = 0
        case .user: flags = 1
        case .system: flags = 2
        case .environment: flags = 3
        }
        if case .one = message.recipients { flags |= StagedEvents.toOne }
        if message.step != event.step { flags |= StagedEvents.ownStep }
        if message.time.bitPattern != event.time.bitPattern { flags |= StagedEvents.ownTime }
        var at = start(form, of: event, text: StagedEvents.maxCopiedText)
        StagedEvents.put(message.id, &at)
        StagedEvents.put(flags, &at)
        StagedEvents.put(StagedEvents.kindNumber(message.kind), &at)
        StagedEvents.put(StagedEvents.authorNumber(message.author), &at)
        if flags & StagedEvents.ownStep != 0 { StagedEvents.put(message.step, &at) }
        if flags & StagedEvents.ownTime != 0 { StagedEvents.put(message.time, &at) }
        if case .agent(let id) = message.sender { StagedEvents.put(id.index, &at) }
        if case .one(let id) = message.recipients { StagedEvents.put(id.index, &at) }
        StagedEvents.putText(message.text, &at)
        finish(&at)
    }

    private func readMessage(_ at: inout Int, step: Int, time: Double) -> Message {
        let id = read(Int.self, &at)
        let flags = read(UInt8.self, &at)
        let kind = MessageKind.allCases[Int(read(UInt8.self, &at))]
        let authorNumber = read(UInt8.self, &at)
        let ownStep = flags & StagedEvents.ownStep != 0 ? read(Int.self, &at) : step
        let ownTime = flags & StagedEvents.ownTime != 0 ? read(Double.self, &at) : time
        let sender: Party
        switch flags & 0x03 {
        case 0: sender = .agent(AgentID(read(Int.self, &at)))
        case 1: sender = .user
        case 2: sender = .system
        default: sender = .environment
        }
        let recipients: Recipients = flags & StagedEvents.toOne != 0 ? .one(AgentID(read(Int.self, &at))) : .all
        return Message(id: id, step: ownStep, time: ownTime, sender: sender, recipients: recipients, kind: kind,
                       text: readText(&at), author: StagedEvents.author(authorNumber))
    }

    private static func kindNumber(_ kind: MessageKind) -> UInt8 {
        switch kind {
        case .chat: 0
        case .injected: 1
        case .system: 2
        case .action: 3
        case .observation: 4
        case .coordination: 5
        case .error: 6
        }
    }

    private static func authorNumber(_ author: Author?) -> UInt8 {
        switch author {
        case nil: 0
        case .model: 1
        case .person: 2
        case .algorithm: 3
        }
    }

    private static func author(_ number: UInt8) -> Author? {
        switch number {
        case 1: .model
        case 2: .person
        case 3: .algorithm
        default: nil
        }
    }

    // MARK: The block

    /// Makes room for an event's fixed fields and `text` bytes of text, writes its tag (with its step and
    /// time when they changed) and returns where its fields go. Fields are written through a local
    /// cursor, not the buffer's own properties, so each costs a store.
    @inline(__always)
    private func start(_ form: Form, of event: Event, text: Int) -> UnsafeMutableRawPointer {
        if used + StagedEvents.maxFixedBytes + text > capacity { grow(to: used + StagedEvents.maxFixedBytes + text) }
        var at = bytes + used
        var tag = form.rawValue
        let newStep = event.step != lastStep
        let newTime = event.time.bitPattern != lastTime.bitPattern
        if newStep { tag |= StagedEvents.stepFollows }
        if newTime { tag |= StagedEvents.timeFollows }
        StagedEvents.put(tag, &at)
        if newStep {
            StagedEvents.put(event.step, &at)
            lastStep = event.step
        }
        if newTime {
            StagedEvents.put(event.time, &at)
            lastTime = event.time
        }
        return at
    }

    @inline(__always)
    private func finish(_ at: inout UnsafeMutableRawPointer) {
        used = at - bytes
    }

    private func grow(to needed: Int) {
        let grown = max(needed, capacity * 2)
        let moved = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 8)
        moved.copyMemory(from: bytes, byteCount: used)
        bytes.deallocate()
        bytes = moved
        capacity = grown
    }

    @inline(__always)
    private static func put<Value: BitwiseCopyable>(_ value: Value, _ at: inout UnsafeMutableRawPointer) {
        at.storeBytes(of: value, as: Value.self)
        at += MemoryLayout<Value>.size
    }

    /// A length, then the UTF-8 bytes (at most `maxCopiedText`, room for which `start` made).
    @inline(__always)
    private static func putText(_ string: String, _ at: inout UnsafeMutableRawPointer) {
        func put(_ utf8: UnsafeBufferPointer<UInt8>) {
            StagedEvents.put(UInt32(utf8.count), &at)
            let n = utf8.count
            if let base = utf8.baseAddress, n > 0 {
                let from = UnsafeRawPointer(base)
                // A short text (most are) as two overlapping words, each read within the text: cheaper than a
                // call to memcpy or a loop.
                if n >= 8 && n <= 16 {
                    at.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
                    at.storeBytes(of: from.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self), toByteOffset: n - 8, as: UInt64.self)
                } else if n >= 4 && n < 8 {
                    at.storeBytes(of: from.loadUnaligned(as: UInt32.self), as: UInt32.self)
                    at.storeBytes(of: from.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self), toByteOffset: n - 4, as: UInt32.self)
                } else if n < 4 {
                    for i in 0..<n { at.storeBytes(of: base[i], toByteOffset: i, as: UInt8.self) }
                } else {
                    at.copyMemory(from: from, byteCount: n)
                }
            }
            at += n
        }
        // Without a copy of the string (and its retain) where its bytes can be read in place.
        if string.utf8.withContiguousStorageIfAvailable(put) == nil {
            var string = string
            string.withUTF8(put)
        }
    }

    private func read<Value: BitwiseCopyable>(_: Value.Type, _ at: inout Int) -> Value {
        defer { at += MemoryLayout<Value>.size }
        return bytes.loadUnaligned(fromByteOffset: at, as: Value.self)
    }

    private func readText(_ at: inout Int) -> String {
        let length = Int(read(UInt32.self, &at))
        defer { at += length }
        return String(decoding: UnsafeRawBufferPointer(start: bytes + at, count: length), as: UTF8.self)
    }
}
