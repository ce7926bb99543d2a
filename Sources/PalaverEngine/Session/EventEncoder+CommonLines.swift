extension EventEncoder {
    /// The common events — steps, deliveries, plain messages and tokens — written whole into room made
    /// for them and appended at once: the same bytes `write(_:)` gives them, without a check per byte.
    /// False (nothing written) for any other event, or one naming an agent the session does not list.
    mutating func appendCommonLine(_ event: Event, to out: inout [UInt8]) -> Bool {
        switch event.body {
        case .stepStarted:
            out.appendJSON(room: 32 + EventEncoder.headRoom) { raw in
                EventEncoder.head(&raw, "{\"type\":\"step\",\"step\":", event)
                raw.byte(UInt8(ascii: "}"))
            }
        case .delivered(let id, let to):
            guard let name = quotedName(to) else { return false }
            out.appendJSON(room: 64 + EventEncoder.headRoom + JSONRawWriter.maxIntegerBytes + name.count) { raw in
                EventEncoder.head(&raw, "{\"type\":\"delivered\",\"step\":", event)
                raw.ascii(",\"id\":")
                raw.integer(id)
                raw.ascii(",\"agent\":")
                raw.bytes(name)
                raw.byte(UInt8(ascii: "}"))
            }
        case .messageSent(let message):
            return appendMessageLine(message, "{\"type\":\"message\",\"step\":", event, to: &out)
        case .injected(let message):
            return appendMessageLine(message, "{\"type\":\"injected\",\"step\":", event, to: &out)
        case .tokenDelta(let agent, var text):
            guard let name = quotedName(agent) else { return false }
            text.withUTF8 { utf8 in
                out.appendJSON(room: 64 + EventEncoder.headRoom + name.count + JSONRawWriter.maxQuotedBytes(utf8.count)) { raw in
                    EventEncoder.head(&raw, "{\"type\":\"token\",\"step\":", event)
                    raw.ascii(",\"agent\":")
                    raw.bytes(name)
                    raw.ascii(",\"text\":")
                    raw.quoted(utf8)
                    raw.byte(UInt8(ascii: "}"))
                }
            }
        default:
            return false
        }
        return true
    }

    /// The step and time after the type (`opening` is everything up to the step's value).
    private static let headRoom = 64 + JSONRawWriter.maxIntegerBytes + JSONRawWriter.maxNumberBytes

    private static func head(_ raw: inout JSONRawWriter, _ opening: StaticString, _ event: Event) {
        raw.ascii(opening)
        raw.integer(event.step)
        raw.ascii(",\"t\":")
        raw.number(event.time)
    }

    /// A message with no model figures, no coordination fact and everyone or one recipient.
    private mutating func appendMessageLine(_ message: Message, _ opening: StaticString, _ event: Event, to out: inout [UInt8]) -> Bool {
        guard message.metadata == nil, message.coordination == nil else { return false }
        let from: [UInt8]?
        switch message.sender {
        case .agent(let id): from = quotedName(id)
        case .user: from = EventEncoder.quotedUser
        case .system: from = EventEncoder.quotedSystem
        case .environment: from = EventEncoder.quotedEnvironment
        }
        guard let from else { return false }
        var to: [UInt8]?
        switch message.recipients {
        case .all: to = nil
        case .one(let id):
            guard let name = quotedName(id) else { return false }
            to = name
        case .some: return false
        }
        var text = message.text
        text.withUTF8 { utf8 in
            let room = 160 + EventEncoder.headRoom + JSONRawWriter.maxIntegerBytes + from.count + (to?.count ?? 0)
                + JSONRawWriter.maxQuotedBytes(utf8.count)
            out.appendJSON(room: room) { raw in
                EventEncoder.head(&raw, opening, event)
                raw.ascii(",\"id\":")
                raw.integer(message.id)
                raw.ascii(",\"from\":")
                raw.bytes(from)
                if let to {
                    raw.ascii(",\"to\":[")
                    raw.bytes(to)
                    raw.byte(UInt8(ascii: "]"))
                } else {
                    raw.ascii(",\"to\":\"all\"")
                }
                raw.ascii(",\"kind\":\"")
                raw.ascii(EventEncoder.word(message.kind))
                raw.ascii("\",\"text\":")
                raw.quoted(utf8)
                switch message.author {
                case .model?: raw.ascii(",\"by\":\"model\"")
                case .person?: raw.ascii(",\"by\":\"person\"")
                case .algorithm?: raw.ascii(",\"by\":\"algorithm\"")
                case nil: break
                }
                raw.byte(UInt8(ascii: "}"))
            }
        }
        return true
    }

    private static let quotedUser = JSONWriter.quoted("user")
    private static let quotedSystem = JSONWriter.quoted("system")
    private static let quotedEnvironment = JSONWriter.quoted("environment")

    /// A kind's name as written (its raw value), with no String made for it.
    private static func word(_ kind: MessageKind) -> StaticString {
        switch kind {
        case .chat: "chat"
        case .injected: "injected"
        case .system: "system"
        case .action: "action"
        case .observation: "observation"
        case .coordination: "coordination"
        case .error: "error"
        }
    }
}
