/// Turns events into session lines. Agents are written by their scenario ids,
/// so a session reads well in `jq` and stays meaningful without its scenario.
public struct EventEncoder {
    private var agentIDs: [String] = []
    /// Each agent's id as a JSON string, escaped once per session rather than once per event.
    private var quotedAgentIDs: [[UInt8]] = []
    private var writer = JSONWriter(capacity: 0)

    public init() {}

    /// The JSON line for an event, without the newline, appended to `out`.
    public mutating func encode(_ event: Event, into out: inout [UInt8]) {
        if appendCommonLine(event, to: &out) { return }
        encodeThroughWriter(event, into: &out)
    }

    /// Any event through the general writer, which the common events' lines must agree with byte for byte.
    mutating func encodeThroughWriter(_ event: Event, into out: inout [UInt8]) {
        if case .sessionStarted(let info) = event.body {
            agentIDs = info.agents.map(\.id)
            quotedAgentIDs = agentIDs.map(JSONWriter.quoted)
        }
        // The writer appends to `out` itself (the buffers change hands, no copy) and hands it back.
        swap(&out, &writer.bytes)
        writer.startDocument()
        write(event)
        swap(&out, &writer.bytes)
    }

    public mutating func line(_ event: Event) -> String {
        var out: [UInt8] = []
        encode(event, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// An agent's id as a JSON string; nil for an agent the session does not list.
    func quotedName(_ agent: AgentID) -> [UInt8]? {
        agent.index >= 0 && agent.index < quotedAgentIDs.count ? quotedAgentIDs[agent.index] : nil
    }

    private func name(_ agent: AgentID) -> String {
        agent.index >= 0 && agent.index < agentIDs.count ? agentIDs[agent.index] : "#\(agent.index)"
    }

    /// An agent's id as a string value.
    private mutating func writeName(_ agent: AgentID) {
        if let quoted = quotedName(agent) {
            writer.string(encoded: quoted)
        } else {
            writer.string(name(agent))
        }
    }

    private mutating func writeName(_ party: Party) {
        switch party {
        case .agent(let id): writeName(id)
        case .user: writer.string(static: "user")
        case .system: writer.string(static: "system")
        case .environment: writer.string(static: "environment")
        }
    }

    private mutating func head(_ type: StaticString, _ event: Event) {
        writer.beginObject()
        writer.key("type"); writer.string(static: type)
        writer.key("step"); writer.int(event.step)
        writer.key("t"); writer.number(event.time)
    }

    private mutating func agent(_ id: AgentID) {
        writer.key("agent"); writeName(id)
    }

    private mutating func write(_ event: Event) {
        switch event.body {
        case .sessionStarted(let info):
            head("session_started", event)
            writer.key("scenario"); writer.string(info.scenario)
            writer.key("title"); writer.string(info.title)
            writer.key("seed"); writer.int(Int64(bitPattern: info.seed))
            writer.key("turns"); writer.string(info.turnRule.rawValue)
            writer.key("max_steps"); writer.int(info.maxSteps)
            writer.key("speed"); writer.string(info.speed == .fastest ? "max" : "\(info.speed.factor)")
            writer.key("mailbox_capacity"); writer.int(info.configuration.mailboxCapacity)
            writer.key("memory"); writer.int(info.configuration.memorySize)
            writer.key("reply_to"); writer.string(info.configuration.replyTo.rawValue)
            writer.key("offline_tokens_per_second"); writer.exactNumber(info.offline.tokensPerSecond)
            writer.key("offline_first_token_ms"); writer.number(info.offline.firstTokenDelay * 1000)
            if !info.prices.isEmpty {
                writer.key("prices"); writer.beginObject()
                for (model, price) in info.prices.sorted(by: { $0.key < $1.key }) {
                    writer.key(model); writer.beginObject()
                    writer.key("prompt"); writer.exactNumber(price.prompt)
                    writer.key("completion"); writer.exactNumber(price.completion)
                    writer.endObject()
                }
                writer.endObject()
            }
            if let env = info.environment {
                writer.key("environment"); writer.beginObject()
                writer.key("name"); writer.string(env.name)
                writer.key("setting"); writer.string(env.setting)
                writer.key("policies"); writer.beginArray(); for p in env.policies { writer.string(p) }; writer.endArray()
                writer.endObject()
            }
            if let c = info.coordination {
                writer.key("coordination"); writer.beginObject()
                writer.key("problem"); writer.string(c.problem)
                writer.key("algorithm"); writer.string(c.algorithm)
                writer.key("talk_every"); writer.int(c.talkEvery)
                if c.noiseSeed != 0 { writer.key("noise_seed"); writer.int(Int64(bitPattern: c.noiseSeed)) }
                if !c.labels.isEmpty {
                    writer.key("labels"); writer.beginObject()
                    for (k, v) in c.labels.sorted(by: { $0.key < $1.key }) { writer.key(k); writer.string(v) }
                    writer.endObject()
                }
                writer.endObject()
            }
            if !info.inputs.files.isEmpty {
                writer.key("inputs"); writer.beginObject()
                for (path, text) in info.inputs.files.sorted(by: { $0.key < $1.key }) { writer.key(path); writer.string(text) }
                writer.endObject()
            }
            writer.key("agents"); writer.beginArray()
            for spec in info.agents {
                writer.beginObject()
                writer.key("id"); writer.string(spec.id)
                writer.key("name"); writer.string(spec.name)
                writer.key("role"); writer.string(spec.role)
                writer.key("persona"); writer.string(spec.persona)
                writer.key("model"); writer.string(spec.model)
                writer.key("language"); writer.string(spec.language)
                if let color = spec.color { writer.key("color"); writer.int(color) }
                if let tokens = spec.contextTokens { writer.key("context_tokens"); writer.int(tokens) }
                if spec.namePrefix { writer.key("name_prefix"); writer.bool(true) }
                // What the request is sent with (never the server or its headers: those may hold credentials).
                if let t = spec.endpoint.temperature { writer.key("temperature"); writer.exactNumber(t) }
                if let m = spec.endpoint.maxTokens { writer.key("max_tokens"); writer.int(m) }
                writer.endObject()
            }
            writer.endArray()
        case .stepStarted:
            head("step", event)
        case .messageSent(let message):
            head("message", event)
            write(message)
        case .injected(let message):
            head("injected", event)
            write(message)
        case .delivered(let id, let to):
            head("delivered", event)
            writer.key("id"); writer.int(id)
            agent(to)
        case .edited(let id, let text, let original):
            head("edited", event)
            writer.key("id"); writer.int(id)
            writer.key("text"); writer.string(text)
            if let original { writer.key("original"); writer.string(original) }
        case .dropped(let id, let from):
            head("dropped", event)
            writer.key("id"); writer.int(id)
            if let from { writer.key("from"); writer.beginArray(); for a in from { writeName(a) }; writer.endArray() }
        case .restored(let id):
            head("restored", event)
            writer.key("id"); writer.int(id)
        case .mailboxFull(let to, let id):
            head("mailbox_full", event)
            agent(to)
            writer.key("id"); writer.int(id)
        case .callStarted(let who, let model, let context):
            head("call_started", event)
            agent(who)
            writer.key("model"); writer.string(model)
            if let context {
                writer.key("window"); writer.beginArray(); for id in context.window { writer.int(id) }; writer.endArray()
                if context.trimmed > 0 { writer.key("trimmed"); writer.int(context.trimmed) }
                if let prompt = context.prompt {
                    writer.key("prompt"); writer.beginObject()
                    if let name = prompt.name { writer.key("name"); writer.string(name) }
                    writer.key("content"); writer.string(prompt.content)
                    writer.endObject()
                }
            }
        case .tokenDelta(let who, let text):
            head("token", event)
            agent(who)
            writer.key("text"); writer.string(text)
        case .callFinished(let who, let usage):
            head("call_finished", event)
            agent(who)
            writer.key("model"); writer.string(usage.model)
            writer.key("prompt_tokens"); writer.int(usage.promptTokens)
            writer.key("completion_tokens"); writer.int(usage.completionTokens)
            writer.key("latency_ms"); writer.number(usage.latencyMs)
            if usage.estimated { writer.key("estimated"); writer.bool(true) }
            if let ms = usage.firstTokenMs { writer.key("first_token_ms"); writer.number(ms) }
            if let ms = usage.streamMs { writer.key("stream_ms"); writer.number(ms) }
            if let ms = usage.queuedMs, ms > 0 { writer.key("queued_ms"); writer.number(ms) }
        case .observed(let who, let readings):
            head("observation", event)
            agent(who)
            writer.key("readings"); writer.beginArray()
            for r in readings { writer.beginArray(); writer.string(r.name); writer.exactNumber(r.value); writer.endArray() }
            writer.endArray()
        case .action(let who, let action):
            head("action", event)
            agent(who)
            writer.key("action"); writer.string(action.text)
            writer.key("value"); writer.int(action.value)
            writer.key("valid"); writer.bool(action.valid)
        case .reward(let who, let value):
            head("reward", event)
            agent(who)
            writer.key("value"); writer.exactNumber(value)
        case .control(let control):
            head("control", event)
            writer.key("control")
            switch control {
            case .pause: writer.string("pause")
            case .resume: writer.string("resume")
            case .stepOnce: writer.string("step")
            case .stop: writer.string("stop")
            case .speed(let speed):
                writer.string("speed")
                writer.key("speed"); writer.string(speed == .fastest ? "max" : "\(speed.factor)")
            case .mute(let who):
                writer.string("mute")
                agent(who)
            case .unmute(let who):
                writer.string("unmute")
                agent(who)
            }
        case .takeover(let who, let active):
            // A hand-back is its own event type: never an error, never a takeover to read a flag of.
            head(active ? "takeover" : "hand_back", event)
            agent(who)
        case .agentError(let who, let message):
            head("error", event)
            agent(who)
            writer.key("message"); writer.string(message)
        case .retrying(let who, let attempt, let reason):
            head("retrying", event)
            agent(who)
            writer.key("attempt"); writer.int(attempt)
            writer.key("reason"); writer.string(reason)
        case .callCancelled(let who, let reason):
            head("call_cancelled", event)
            agent(who)
            writer.key("reason"); writer.string(reason)
        case .rejected(let command, let reason):
            head("rejected", event)
            writer.key("command"); writer.string(command)
            writer.key("reason"); writer.string(reason)
        case .commanded(let sender, let command):
            head("command", event)
            writer.key("by"); writer.string(sender)
            writer.key("command"); writer.string(command)
        case .breakpointSet(let bp):
            head("breakpoint_set", event)
            writer.key("id"); writer.int(bp.id)
            writer.key("kind"); writer.string(bp.condition.kind)
            switch bp.condition {
            case .agent(let who): agent(who)
            case .text(let words): writer.key("text"); writer.string(words)
            case .pattern(let p): writer.key("pattern"); writer.string(p)
            case .step(let n): writer.key("at_step"); writer.int(n)
            case .error, .fallback: break
            }
        case .breakpointCleared(let id):
            head("breakpoint_cleared", event)
            writer.key("id"); writer.int(id)
        case .breakpointHit(let hit):
            head("breakpoint_hit", event)
            writer.key("id"); writer.int(hit.id)
            if let who = hit.agent { agent(who) }
            if let m = hit.messageID { writer.key("message"); writer.int(m) }
        case .sessionEnded(let summary):
            head("session_ended", event)
            writer.key("reason"); writer.string(summary.reason.rawValue)
            writer.key("steps"); writer.int(summary.steps)
            writer.key("messages"); writer.int(summary.messages)
            writer.key("tokens"); writer.int(summary.tokens)
            writer.key("duration"); writer.number(summary.durationSeconds)
        }
        writer.endObject()
    }

    private mutating func write(_ message: Message) {
        writer.key("id"); writer.int(message.id)
        writer.key("from"); writeName(message.sender)
        writer.key("to")
        switch message.recipients {
        case .all: writer.string("all")
        case .one(let id): writer.beginArray(); writeName(id); writer.endArray()
        case .some(let ids):
            writer.beginArray()
            for id in ids { writeName(id) }
            writer.endArray()
        }
        writer.key("kind"); writer.string(message.kind.rawValue)
        writer.key("text"); writer.string(message.text)
        if let author = message.author { writer.key("by"); writer.string(author.rawValue) }
        switch message.coordination {
        case .assignment(let variable, let value, let label)?:
            writer.key("assignment"); writer.beginObject()
            writer.key("variable"); writer.string(variable)
            writer.key("value"); write(value)
            if let label { writer.key("label"); writer.string(label) }
            writer.endObject()
        case .gain(let variable, let amount)?:
            writer.key("gain"); writer.beginObject()
            writer.key("variable"); writer.string(variable)
            writer.key("amount"); writer.exactNumber(amount)
            writer.endObject()
        case nil:
            break
        }
        if let meta = message.metadata {
            writer.key("model"); writer.string(meta.model)
            writer.key("prompt_tokens"); writer.int(meta.promptTokens)
            writer.key("completion_tokens"); writer.int(meta.completionTokens)
            writer.key("latency_ms"); writer.number(meta.latencyMs)
        }
    }
}

extension EventEncoder {
    /// A DCOP value as JSON: whole numbers as integers, so `109` reads as written.
    private mutating func write(_ value: DCOPValue) {
        switch value {
        case .number(let x) where x == x.rounded() && abs(x) < 9e15: writer.int(Int64(x))
        case .number(let x): writer.exactNumber(x)
        case .text(let s): writer.string(s)
        case .bool(let b): writer.bool(b)
        }
    }
}

extension Speed {
    /// The factor, with `fastest` as +∞.
    public var factor: Double {
        if case .factor(let f) = self { return f }
        return .infinity
    }
}
