/// Turns session lines back into events. It learns the roster from the
/// `session_started` line and resolves agent ids against it.
public struct EventDecoder {
    public struct Failure: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    private var agentIndex: [String: Int] = [:]
    private var hasRoster = false
    /// The session format the lines are in (the header's `version`): v1 lines are mapped to the typed events.
    public let version: Int

    public init(version: Int = SessionHeader.formatVersion) {
        self.version = version
    }

    /// A decoder that already knows the roster, for reading from the middle of a session.
    public init(roster info: SessionInfo, version: Int = SessionHeader.formatVersion) {
        agentIndex = Dictionary(info.agents.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        hasRoster = true
        self.version = version
    }

    public mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> Event {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw Failure(reason: "invalid JSON: \(error)") }
        guard case .object(let object) = value else { throw Failure(reason: "an event must be a JSON object") }
        return try decode(object)
    }

    public mutating func decode(line: String) throws(Failure) -> Event {
        var copy = line
        let result: Result<Event, Failure> = copy.withUTF8 { buffer in
            do throws(Failure) { return .success(try decode(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    func field(_ o: JSONObject, _ key: String) throws(Failure) -> JSONValue {
        guard let v = o[key] else { throw Failure(reason: "missing field '\(key.excerpt())'") }
        return v
    }

    func string(_ o: JSONObject, _ key: String) throws(Failure) -> String {
        guard let s = try field(o, key).string else { throw Failure(reason: "field '\(key.excerpt())' must be a string") }
        return s
    }

    func int(_ o: JSONObject, _ key: String, in range: ClosedRange<Int> = CheckedNumber.count) throws(Failure) -> Int {
        guard let n = CheckedNumber.int(try field(o, key), in: range) else {
            throw Failure(reason: "field '\(key.excerpt())' must be \(CheckedNumber.describe(range))")
        }
        return n
    }

    func double(_ o: JSONObject, _ key: String, in range: ClosedRange<Double> = CheckedNumber.seconds) throws(Failure) -> Double {
        guard let n = CheckedNumber.double(try field(o, key), in: range) else {
            throw Failure(reason: "field '\(key.excerpt())' must be \(CheckedNumber.describe(range))")
        }
        return n
    }

    func agent(_ o: JSONObject, _ key: String = "agent") throws(Failure) -> AgentID {
        let id = try string(o, key)
        guard let index = agentIndex[id] else { throw Failure(reason: "unknown agent '\(id.excerpt())' in field '\(key.excerpt())'") }
        return AgentID(index)
    }

    private func party(_ id: String) throws(Failure) -> Party {
        switch id {
        case "user": return .user
        case "system": return .system
        case "environment": return .environment
        default:
            guard let index = agentIndex[id] else { throw Failure(reason: "unknown sender '\(id.excerpt())'") }
            return .agent(AgentID(index))
        }
    }

    private func speed(_ text: String) throws(Failure) -> Speed {
        guard let speed = Speed(parsing: text) else { throw Failure(reason: "bad speed '\(text.excerpt())' (0.25 to 64, or max)") }
        return speed
    }

    private mutating func decode(_ o: JSONObject) throws(Failure) -> Event {
        let type = try string(o, "type")
        let step = try int(o, "step")
        let time = try double(o, "t")
        let body: Event.Body
        switch type {
        case "session_started":
            // A second roster would leave earlier events pointing at agents that no longer exist.
            guard !hasRoster else { throw Failure(reason: "a session has only one session_started") }
            guard let list = try field(o, "agents").array else { throw Failure(reason: "field 'agents' must be a list") }
            guard list.count <= Scenario.agentLimit else { throw Failure(reason: "\(list.count) agents; a session has at most \(Scenario.agentLimit)") }
            var agents: [AgentSpec] = []
            for item in list {
                guard let a = item.object else { throw Failure(reason: "each agent must be an object") }
                var spec = AgentSpec(id: try string(a, "id"), name: try string(a, "name"), role: try string(a, "role"),
                                     persona: a["persona"]?.string ?? "", model: a["model"]?.string ?? "offline",
                                     language: a["language"]?.string ?? "en", color: CheckedNumber.int(a["color"], in: 0...255))
                spec.contextTokens = CheckedNumber.int(a["context_tokens"], in: 64...10_000_000)
                spec.namePrefix = a["name_prefix"]?.bool ?? false
                spec.endpoint.temperature = CheckedNumber.double(a["temperature"], in: 0...2)
                spec.endpoint.maxTokens = CheckedNumber.int(a["max_tokens"], in: 1...1_000_000)
                agents.append(spec)
            }
            let ruleName = try string(o, "turns")
            guard let rule = TurnRule(rawValue: ruleName) else { throw Failure(reason: "unknown turn rule '\(ruleName.excerpt())'") }
            guard case .integer(let seed)? = o["seed"] else { throw Failure(reason: "field 'seed' must be a whole number") }
            agentIndex = Dictionary(agents.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
            hasRoster = true
            var configuration = EngineConfiguration()
            if let n = CheckedNumber.int(o["mailbox_capacity"], in: 1...1_000_000) { configuration.mailboxCapacity = n }
            if let n = CheckedNumber.int(o["memory"], in: 0...10_000) { configuration.memorySize = n }
            if let r = o["reply_to"]?.string.flatMap(EngineConfiguration.ReplyTo.init(rawValue:)) { configuration.replyTo = r }
            var offline = OfflineSettings()
            if let r = CheckedNumber.double(o["offline_tokens_per_second"], in: 1...10_000) { offline.tokensPerSecond = r }
            if let ms = CheckedNumber.double(o["offline_first_token_ms"], in: 0...60_000) { offline.firstTokenDelay = ms / 1000 }
            var info = SessionInfo(
                scenario: try string(o, "scenario"), title: o["title"]?.string ?? "", seed: UInt64(bitPattern: seed),
                turnRule: rule, agents: agents, maxSteps: try int(o, "max_steps"), speed: try speed(try string(o, "speed")),
                configuration: configuration, offline: offline)
            for (model, value) in o["prices"]?.object?.fields ?? [] {
                if let p = value.object, let prompt = CheckedNumber.double(p["prompt"], in: 0...1_000_000),
                   let completion = CheckedNumber.double(p["completion"], in: 0...1_000_000) {
                    info.prices[model] = Price(prompt: prompt, completion: completion)
                }
            }
            if let env = o["environment"]?.object {
                guard let name = env["name"]?.string, let setting = env["setting"]?.string else {
                    throw Failure(reason: "field 'environment' needs a name and a setting")
                }
                info.environment = EnvironmentSpec(name: name, setting: setting, policies: env["policies"]?.array?.compactMap(\.string) ?? [])
            }
            if let c = o["coordination"]?.object {
                guard let problem = c["problem"]?.string, let algorithm = c["algorithm"]?.string else {
                    throw Failure(reason: "field 'coordination' needs a problem and an algorithm")
                }
                var labels: [String: String] = [:]
                for (k, v) in c["labels"]?.object?.fields ?? [] { if let s = v.string { labels[k] = s } }
                var noiseSeed: UInt64 = 0
                if let value = c["noise_seed"] {
                    guard case .integer(let seed) = value else { throw Failure(reason: "field 'coordination.noise_seed' must be a whole number") }
                    noiseSeed = UInt64(bitPattern: seed)
                }
                info.coordination = CoordinationSpec(problem: problem, algorithm: algorithm, talkEvery: CheckedNumber.int(c["talk_every"], in: 0...1000) ?? 0, labels: labels, noiseSeed: noiseSeed)
            }
            if let files = o["inputs"] {
                guard let fields = files.object?.fields else { throw Failure(reason: "field 'inputs' must map paths to the files' text") }
                var texts: [String: String] = [:]
                for (path, value) in fields {
                    guard let text = value.string else { throw Failure(reason: "field 'inputs': '\(path)' must be the file's text") }
                    texts[path] = text
                }
                info.inputs = SessionInputs(files: texts)
            }
            body = .sessionStarted(info)
        case "step":
            body = .stepStarted
        case "message":
            body = .messageSent(try message(o, step: step, time: time))
        case "injected":
            body = .injected(try message(o, step: step, time: time))
        case "delivered":
            body = .delivered(messageID: try int(o, "id"), to: try agent(o))
        case "edited":
            body = .edited(messageID: try int(o, "id"), text: try string(o, "text"),
                           original: o["original"] == nil ? nil : try string(o, "original"))
        case "dropped":
            body = .dropped(messageID: try int(o, "id"), from: o["from"] == nil ? nil : try agents(o, "from"))
        case "restored":
            body = .restored(messageID: try int(o, "id"))
        case "mailbox_full":
            body = .mailboxFull(agent: try agent(o), messageID: try int(o, "id"))
        case "call_started":
            var context: CallContext?
            if let window = o["window"] {
                guard let ids = window.array else { throw Failure(reason: "field 'window' must be a list of message ids") }
                var list: [Int] = []
                list.reserveCapacity(ids.count)
                for id in ids {
                    guard let n = CheckedNumber.int(id) else { throw Failure(reason: "field 'window' must be a list of message ids") }
                    list.append(n)
                }
                var prompt: ChatMessage?
                if let p = o["prompt"] {
                    guard let p = p.object, let content = p["content"]?.string else { throw Failure(reason: "field 'prompt' needs a content string") }
                    prompt = ChatMessage(role: .user, name: p["name"]?.string, content: content)
                }
                context = CallContext(window: list, trimmed: o["trimmed"] == nil ? 0 : try int(o, "trimmed"), prompt: prompt)
            }
            body = .callStarted(agent: try agent(o), model: try string(o, "model"), context: context)
        case "token":
            body = .tokenDelta(agent: try agent(o), text: try string(o, "text"))
        case "call_finished":
            var usage = Usage(
                model: try string(o, "model"), promptTokens: try int(o, "prompt_tokens"),
                completionTokens: try int(o, "completion_tokens"), latencyMs: try double(o, "latency_ms"),
                estimated: o["estimated"]?.bool ?? false)
            usage.firstTokenMs = o["first_token_ms"]?.double
            usage.streamMs = o["stream_ms"]?.double
            usage.queuedMs = o["queued_ms"]?.double
            body = .callFinished(agent: try agent(o), usage: usage)
        case "observation":
            var readings: [Reading] = []
            for item in try field(o, "readings").array ?? [] {
                guard let pair = item.array, pair.count == 2, let name = pair[0].string,
                      let value = CheckedNumber.double(pair[1], in: CheckedNumber.quantity) else {
                    throw Failure(reason: "each reading must be [name, \(CheckedNumber.describe(CheckedNumber.quantity))]")
                }
                readings.append(Reading(name, value))
            }
            body = .observed(agent: try agent(o), readings: readings)
        case "action" where version == 1:
            body = .action(agent: try agent(o), action: try V1Lines.action(try string(o, "action")))
        case "action":
            guard let valid = try field(o, "valid").bool else { throw Failure(reason: "field 'valid' must be true or false") }
            body = .action(agent: try agent(o), action: EnvironmentAction(
                value: try int(o, "value", in: CheckedNumber.wholeQuantity), text: try string(o, "action"), valid: valid))
        case "reward":
            body = .reward(agent: try agent(o), value: try double(o, "value", in: CheckedNumber.quantity))
        case "control":
            let name = try string(o, "control")
            let control: Control
            switch name {
            case "pause": control = .pause
            case "resume": control = .resume
            case "step": control = .stepOnce
            case "stop": control = .stop
            case "speed": control = .speed(try speed(try string(o, "speed")))
            case "mute": control = .mute(try agent(o))
            case "unmute": control = .unmute(try agent(o))
            default: throw Failure(reason: "unknown control '\(name.excerpt())'")
            }
            body = .control(control)
        case "takeover" where version == 1:
            guard let active = try field(o, "active").bool else { throw Failure(reason: "field 'active' must be true or false") }
            body = .takeover(agent: try agent(o), active: active)
        case "takeover":
            body = .takeover(agent: try agent(o), active: true)
        case "hand_back":
            body = .takeover(agent: try agent(o), active: false)
        case "error":
            body = .agentError(agent: try agent(o), message: try string(o, "message"))
        case "retrying":
            body = .retrying(agent: try agent(o), attempt: try int(o, "attempt"), reason: try string(o, "reason"))
        case "call_cancelled":
            body = .callCancelled(agent: try agent(o), reason: try string(o, "reason"))
        case "rejected":
            body = .rejected(command: try string(o, "command"), reason: try string(o, "reason"))
        case "command":
            body = .commanded(by: try string(o, "by"), command: try string(o, "command"))
        case "breakpoint_set":
            let kind = try string(o, "kind")
            let condition: BreakCondition
            switch kind {
            case "agent": condition = .agent(try agent(o))
            case "text": condition = .text(try string(o, "text"))
            case "regex": condition = .pattern(try string(o, "pattern"))
            case "error": condition = .error
            case "fallback": condition = .fallback
            case "step": condition = .step(try int(o, "at_step"))
            default: throw Failure(reason: "unknown breakpoint kind '\(kind.excerpt())'")
            }
            body = .breakpointSet(Breakpoint(id: try int(o, "id"), condition: condition))
        case "breakpoint_cleared":
            body = .breakpointCleared(id: try int(o, "id"))
        case "breakpoint_hit":
            body = .breakpointHit(BreakpointHit(id: try int(o, "id"), agent: o["agent"] == nil ? nil : try agent(o),
                                                messageID: o["message"] == nil ? nil : try int(o, "message")))
        case "session_ended":
            let reasonName = try string(o, "reason")
            guard let reason = Summary.Reason(rawValue: reasonName) else { throw Failure(reason: "unknown end reason '\(reasonName.excerpt())'") }
            body = .sessionEnded(Summary(reason: reason, steps: try int(o, "steps"), messages: try int(o, "messages"),
                                         tokens: try int(o, "tokens"), durationSeconds: try double(o, "duration")))
        default:
            throw Failure(reason: "unknown event type '\(type.excerpt())'")
        }
        return Event(step: step, time: time, body)
    }

    private func message(_ o: JSONObject, step: Int, time: Double) throws(Failure) -> Message {
        let recipients: Recipients
        switch try field(o, "to") {
        case .string("all"):
            recipients = .all
        case .array(let items):
            var ids: [AgentID] = []
            for item in items {
                guard let name = item.string, let index = agentIndex[name] else {
                    throw Failure(reason: "unknown recipient in field 'to'")
                }
                ids.append(AgentID(index))
            }
            recipients = ids.count == 1 ? .one(ids[0]) : .some(ids)
        default:
            throw Failure(reason: "field 'to' must be \"all\" or a list of agent ids")
        }
        let kindName = try string(o, "kind")
        guard let kind = MessageKind(rawValue: kindName) else { throw Failure(reason: "unknown message kind '\(kindName.excerpt())'") }
        let sender = try party(try string(o, "from"))
        let text = try string(o, "text")
        var metadata: MessageMetadata?
        if let model = o["model"]?.string {
            let promptTokens = o["prompt_tokens"] == nil ? 0 : try int(o, "prompt_tokens")
            let completionTokens = o["completion_tokens"] == nil ? 0 : try int(o, "completion_tokens")
            let latencyMs = o["latency_ms"] == nil ? 0 : try double(o, "latency_ms")
            metadata = MessageMetadata(promptTokens: promptTokens, completionTokens: completionTokens, latencyMs: latencyMs, model: model)
        }
        if version == 1 {
            let (author, model, fact) = V1Lines.message(step: step, sender: sender, kind: kind, text: text, metadata: metadata)
            return Message(id: try int(o, "id"), step: step, time: time, sender: sender, recipients: recipients,
                           kind: kind, text: text, metadata: model, author: author, coordination: fact)
        }
        var author: Author?
        if let by = o["by"] {
            guard let name = by.string, let a = Author(rawValue: name) else {
                throw Failure(reason: "field 'by' must be \"model\", \"person\" or \"algorithm\"")
            }
            author = a
        }
        return Message(id: try int(o, "id"), step: step, time: time, sender: sender, recipients: recipients,
                       kind: kind, text: text, metadata: metadata, author: author, coordination: try coordination(o))
    }

    private func agents(_ o: JSONObject, _ key: String) throws(Failure) -> [AgentID] {
        guard let items = try field(o, key).array else { throw Failure(reason: "field '\(key.excerpt())' must be a list of agent ids") }
        var ids: [AgentID] = []
        for item in items {
            guard let name = item.string, let index = agentIndex[name] else { throw Failure(reason: "unknown agent in field '\(key.excerpt())'") }
            ids.append(AgentID(index))
        }
        return ids
    }

    /// A coordination message's typed content: `assignment` or `gain`.
    private func coordination(_ o: JSONObject) throws(Failure) -> CoordinationFact? {
        if let a = o["assignment"] {
            guard let f = a.object else { throw Failure(reason: "field 'assignment' must be an object") }
            let value: DCOPValue
            switch try field(f, "value") {
            case .integer(let i): value = .number(Double(i))
            case .number(let x): value = .number(x)
            case .string(let s): value = .text(s)
            case .bool(let b): value = .bool(b)
            default: throw Failure(reason: "field 'value' of an assignment must be a number, text or true/false")
            }
            return .assignment(variable: try string(f, "variable"), value: value,
                               label: f["label"] == nil ? nil : try string(f, "label"))
        }
        if let g = o["gain"] {
            guard let f = g.object else { throw Failure(reason: "field 'gain' must be an object") }
            return .gain(variable: try string(f, "variable"), amount: try double(f, "amount", in: CheckedNumber.quantity))
        }
        return nil
    }
}
