import PalaverEngine

/// One model turn sent to the work queue: everything a stateless worker needs
/// to answer it. Endpoint settings (which may hold credentials) never travel.
public struct TurnRequest: Sendable {
    /// Unique within the run; replies carry it back.
    public var turnID: String
    public var run: String
    public var request: ModelRequest
    /// The run's offline model settings, so an offline worker answers exactly as the engine would.
    public var offline: OfflineSettings

    public init(turnID: String, run: String, request: ModelRequest, offline: OfflineSettings) {
        self.turnID = turnID
        self.run = run
        self.request = request
        self.offline = offline
    }

    public static let messageType = "palaver.turn.v1"

    public func encoded() -> [UInt8] {
        var w = JSONWriter(capacity: 1024)
        w.beginObject()
        w.key("turn"); w.string(turnID)
        w.key("run"); w.string(run)
        w.key("agent"); w.int(request.agent.index)
        w.key("spec"); TurnRequest.write(request.spec, into: &w)
        w.key("roster"); w.beginArray(); for spec in request.roster { TurnRequest.write(spec, into: &w) }; w.endArray()
        w.key("title"); w.string(request.scenarioTitle)
        w.key("seed"); w.string(String(request.seed))
        w.key("step"); w.int(request.step)
        w.key("turn_index"); w.int(request.turn)
        w.key("unread"); w.int(request.unread)
        w.key("messages"); w.beginArray()
        for m in request.messages {
            w.beginObject()
            w.key("role"); w.string(m.role.rawValue)
            if let name = m.name { w.key("name"); w.string(name) }
            w.key("content"); w.string(m.content)
            w.endObject()
        }
        w.endArray()
        w.key("observation"); w.beginArray()
        for r in request.observation { w.beginArray(); w.string(r.name); w.exactNumber(r.value); w.endArray() }
        w.endArray()
        w.key("facts"); w.beginObject(); for key in request.facts.keys.sorted() { w.key(key); w.string(request.facts[key]!) }; w.endObject()
        w.key("offline"); w.beginArray(); w.exactNumber(offline.tokensPerSecond); w.exactNumber(offline.firstTokenDelay); w.endArray()
        w.endObject()
        return w.bytes
    }

    private static func write(_ spec: AgentSpec, into w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.string(spec.id)
        w.key("name"); w.string(spec.name)
        w.key("role"); w.string(spec.role)
        w.key("persona"); w.string(spec.persona)
        w.key("model"); w.string(spec.model)
        w.key("language"); w.string(spec.language)
        if let color = spec.color { w.key("color"); w.int(color) }
        if let policy = spec.policy { w.key("policy"); w.string(policy) }
        w.endObject()
    }

    /// Reads a request; the error says which field is missing or wrong.
    public init(decoding bytes: [UInt8]) throws(BrokerMessageError) {
        let value: JSONValue
        do { value = try bytes.withUnsafeBufferPointer { buffer throws(JSONParser.Failure) in try JSONParser.parse(buffer) } } catch {
            throw BrokerMessageError(reason: "not JSON: \(error)")
        }
        guard let o = value.object else { throw BrokerMessageError(reason: "not a JSON object") }
        func field<T>(_ key: String, _ get: (JSONValue) -> T?) throws(BrokerMessageError) -> T {
            guard let v = o[key], let t = get(v) else { throw BrokerMessageError(reason: "missing or bad field '\(key)'") }
            return t
        }
        turnID = try field("turn") { $0.string }
        run = try field("run") { $0.string }
        let agent = try field("agent") { $0.int }
        let spec = try TurnRequest.spec(try field("spec") { $0.object })
        var roster: [AgentSpec] = []
        for item in try field("roster", { $0.array }) {
            guard let object = item.object else { throw BrokerMessageError(reason: "bad roster entry") }
            roster.append(try TurnRequest.spec(object))
        }
        guard agent >= 0, agent < max(1, roster.count) else { throw BrokerMessageError(reason: "agent \(agent) is not in the roster") }
        guard let seed = UInt64(try field("seed") { $0.string }) else { throw BrokerMessageError(reason: "bad field 'seed'") }
        var messages: [ChatMessage] = []
        for item in try field("messages", { $0.array }) {
            guard let m = item.object, let roleText = m["role"]?.string, let role = ChatMessage.Role(rawValue: roleText),
                  let content = m["content"]?.string else { throw BrokerMessageError(reason: "bad message in 'messages'") }
            messages.append(ChatMessage(role: role, name: m["name"]?.string, content: content))
        }
        var model = ModelRequest(agent: AgentID(agent), spec: spec, roster: roster, scenarioTitle: try field("title") { $0.string },
                                 seed: seed, step: try field("step") { $0.int }, turn: try field("turn_index") { $0.int },
                                 messages: messages, unread: try field("unread") { $0.int })
        for item in o["observation"]?.array ?? [] {
            guard let pair = item.array, pair.count == 2, let name = pair[0].string, let v = pair[1].double else {
                throw BrokerMessageError(reason: "bad reading in 'observation'")
            }
            model.observation.append(Reading(name, v))
        }
        for (key, v) in o["facts"]?.object?.fields ?? [] {
            guard let text = v.string else { throw BrokerMessageError(reason: "bad fact '\(key)'") }
            model.facts[key] = text
        }
        request = model
        let settings = try field("offline") { $0.array }
        guard settings.count == 2, let tps = settings[0].double, let delay = settings[1].double else {
            throw BrokerMessageError(reason: "bad field 'offline'")
        }
        offline = OfflineSettings(tokensPerSecond: tps, firstTokenDelay: delay)
    }

    private static func spec(_ o: JSONObject) throws(BrokerMessageError) -> AgentSpec {
        guard let id = o["id"]?.string, let name = o["name"]?.string, let role = o["role"]?.string else {
            throw BrokerMessageError(reason: "an agent lacks id, name or role")
        }
        var spec = AgentSpec(id: id, name: name, role: role, persona: o["persona"]?.string ?? "",
                             model: o["model"]?.string ?? "offline", language: o["language"]?.string ?? "en", color: o["color"]?.int)
        spec.policy = o["policy"]?.string
        return spec
    }
}

/// A message from the broker that Palaver cannot use, and why.
public struct BrokerMessageError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
