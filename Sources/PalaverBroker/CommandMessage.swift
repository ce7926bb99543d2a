import PalaverEngine

/// A command for a run's engine, sent by an attached workbench to the run's
/// command queue: what to do, who asks (a name for the recording, never a
/// credential), and an id so a command published twice (a confirm lost to a
/// reconnect) takes effect once. Agents are named by their scenario ids, as in
/// session files.
public struct CommandMessage: Sendable, Equatable {
    public var id: String
    public var sender: String
    public var command: Command

    public static let messageType = "palaver.command.v1"
    /// Longest sender name kept; longer ones are cut.
    public static let senderLimit = 64
    /// Bodies past this are refused unread.
    public static let sizeLimit = 1 << 20

    public init(id: String, sender: String, command: Command) {
        self.id = id
        self.sender = sender
        self.command = command
    }

    /// A sender name as it may be recorded: one line, no control characters, at most `senderLimit` characters.
    public static func cleanSender(_ name: String) -> String {
        String(name.sanitizedForTerminal(singleLine: true).trimmingWhitespace.prefix(senderLimit))
    }

    public func encoded(agents: [String]) -> [UInt8] {
        func name(_ agent: AgentID) -> String { agent.index >= 0 && agent.index < agents.count ? agents[agent.index] : "#\(agent.index)" }
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.key("id"); w.string(id)
        w.key("by"); w.string(sender)
        w.key("command"); w.string(command.name)
        switch command {
        case .pause, .resume, .stepOnce, .stop: break
        case .setSpeed(let speed): w.key("speed"); w.string(speed == .fastest ? "max" : "\(speed.factor)")
        case .inject(let text, let from, let to):
            w.key("text"); w.string(text)
            w.key("from")
            switch from {
            case .agent(let agent): w.string(name(agent))
            case .user, .system, .environment: w.string("user")
            }
            w.key("to")
            switch to {
            case .all: w.string("all")
            case .one(let agent): w.beginArray(); w.string(name(agent)); w.endArray()
            case .some(let list): w.beginArray(); for agent in list { w.string(name(agent)) }; w.endArray()
            }
        case .edit(let message, let text): w.key("message"); w.int(message); w.key("text"); w.string(text)
        case .drop(let message), .restore(let message): w.key("message"); w.int(message)
        case .mute(let agent), .unmute(let agent), .takeOver(let agent), .handBack(let agent):
            w.key("agent"); w.string(name(agent))
        case .reply(let agent, let text): w.key("agent"); w.string(name(agent)); w.key("text"); w.string(text)
        case .setBreakpoint(let condition):
            w.key("kind"); w.string(condition.kind)
            switch condition {
            case .agent(let agent): w.key("agent"); w.string(name(agent))
            case .text(let words): w.key("text"); w.string(words)
            case .pattern(let p): w.key("pattern"); w.string(p)
            case .step(let n): w.key("at_step"); w.int(n)
            case .error, .fallback: break
            }
        case .clearBreakpoint(let id): w.key("breakpoint"); w.int(id)
        }
        w.endObject()
        return w.bytes
    }

    /// Reads a command, checking every field against the run's agents; a bad one is refused with why.
    public init(decoding bytes: [UInt8], agents: [String]) throws(BrokerMessageError) {
        guard bytes.count <= CommandMessage.sizeLimit else { throw BrokerMessageError(reason: "a command of \(bytes.count) bytes (at most \(CommandMessage.sizeLimit))") }
        guard let value = try? bytes.withUnsafeBufferPointer({ try JSONParser.parse($0) }), let o = value.object else {
            throw BrokerMessageError(reason: "a command must be a JSON object")
        }
        func string(_ key: String) throws(BrokerMessageError) -> String {
            guard let s = o[key]?.string else { throw BrokerMessageError(reason: "field '\(key)' must be a string") }
            return s
        }
        func agent(_ id: String) throws(BrokerMessageError) -> AgentID {
            guard let index = agents.firstIndex(of: id) else { throw BrokerMessageError(reason: "there is no agent '\(id.excerpt(40))'") }
            return AgentID(index)
        }
        func message() throws(BrokerMessageError) -> Int {
            guard let n = CheckedNumber.int(o["message"], in: 1...Int(Int32.max)) else { throw BrokerMessageError(reason: "field 'message' must be a message id") }
            return n
        }
        let id = try string("id")
        guard !id.isEmpty, id.utf8.count <= 100 else { throw BrokerMessageError(reason: "field 'id' must be 1 to 100 bytes") }
        let sender = CommandMessage.cleanSender(try string("by"))
        guard !sender.isEmpty else { throw BrokerMessageError(reason: "field 'by' must name the sender") }
        let name = try string("command")
        let command: Command
        switch name {
        case "pause": command = .pause
        case "resume": command = .resume
        case "step": command = .stepOnce
        case "stop": command = .stop
        case "speed":
            guard let speed = Speed(parsing: try string("speed")) else { throw BrokerMessageError(reason: "field 'speed' must be 0.25 to 64 or max") }
            command = .setSpeed(speed)
        case "inject":
            let fromName = try string("from")
            let from: Party = fromName == "user" ? .user : .agent(try agent(fromName))
            let to: Recipients
            switch o["to"] {
            case .string("all")?: to = .all
            case .array(let items)?:
                var list: [AgentID] = []
                for item in items {
                    guard let s = item.string else { throw BrokerMessageError(reason: "field 'to' must list agent ids") }
                    list.append(try agent(s))
                }
                guard !list.isEmpty else { throw BrokerMessageError(reason: "field 'to' is an empty list") }
                to = list.count == 1 ? .one(list[0]) : .some(list)
            default: throw BrokerMessageError(reason: "field 'to' must be \"all\" or a list of agent ids")
            }
            command = .inject(text: try string("text"), from: from, to: to)
        case "edit": command = .edit(messageID: try message(), text: try string("text"))
        case "drop": command = .drop(messageID: try message())
        case "restore": command = .restore(messageID: try message())
        case "mute": command = .mute(try agent(try string("agent")))
        case "unmute": command = .unmute(try agent(try string("agent")))
        case "takeover": command = .takeOver(try agent(try string("agent")))
        case "handback": command = .handBack(try agent(try string("agent")))
        case "reply": command = .reply(try agent(try string("agent")), text: try string("text"))
        case "break":
            switch try string("kind") {
            case "agent": command = .setBreakpoint(.agent(try agent(try string("agent"))))
            case "text": command = .setBreakpoint(.text(try string("text")))
            case "regex": command = .setBreakpoint(.pattern(try string("pattern")))
            case "error": command = .setBreakpoint(.error)
            case "fallback": command = .setBreakpoint(.fallback)
            case "step":
                guard let n = CheckedNumber.int(o["at_step"], in: 1...1_000_000_000) else { throw BrokerMessageError(reason: "field 'at_step' must be a step from 1") }
                command = .setBreakpoint(.step(n))
            case let kind: throw BrokerMessageError(reason: "unknown breakpoint kind '\(kind.excerpt(40))'")
            }
        case "unbreak":
            guard let n = CheckedNumber.int(o["breakpoint"], in: 1...Int(Int32.max)) else { throw BrokerMessageError(reason: "field 'breakpoint' must be a breakpoint number") }
            command = .clearBreakpoint(id: n)
        default: throw BrokerMessageError(reason: "unknown command '\(name.excerpt(40))'")
        }
        self.init(id: id, sender: sender, command: command)
    }
}
