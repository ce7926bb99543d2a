import Yams

/// Walks a scenario's YAML tree, turning each field into its value or into an
/// error that names the file, the line and the field's path (`agents[2].role`).
struct ScenarioReader {
    let path: String

    static let topFields: Set<String> = [
        "name", "title", "description", "turns", "max_steps", "seed", "speed", "reply_to",
        "mailbox_capacity", "memory", "offline", "agents", "opening", "prices", "environment", "coordination",
        "context_tokens", "name_prefix",
    ]
    static let coordinationFields: Set<String> = ["problem", "algorithm", "talk_every", "labels"]
    static let environmentFields: Set<String> = ["name", "setting"]
    static let agentFields: Set<String> = ["id", "name", "role", "persona", "model", "language", "color",
                                           "temperature", "max_tokens", "base_url", "api_key_env", "headers", "policy",
                                           "context_tokens", "name_prefix"]
    static let openingFields: Set<String> = ["from", "to", "text"]
    static let offlineFields: Set<String> = ["tokens_per_second", "first_token_ms"]
    static let reservedIDs: Set<String> = ["all", "user", "system", "environment", "you"]

    func fail(_ node: Node?, _ field: String?, _ reason: String) -> ScenarioError {
        ScenarioError(path: path, line: node?.mark?.line, field: field, reason: reason)
    }

    func mapping(_ node: Node, _ field: String?, allowed: Set<String>) throws(ScenarioError) -> [(String, Node, Node)] {
        guard case .mapping(let map) = node else { throw fail(node, field, "expected a mapping of fields") }
        var out: [(String, Node, Node)] = []
        for (key, value) in map {
            guard let name = key.string else { throw fail(key, field, "field names must be text") }
            let full = field.map { "\($0).\(name)" } ?? name
            guard allowed.contains(name) else {
                let hint = ScenarioReader.closest(to: name, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                throw fail(key, full, "unknown field\(hint)")
            }
            out.append((name, key, value))
        }
        return out
    }

    func text(_ node: Node, _ field: String) throws(ScenarioError) -> String {
        guard case .scalar(let scalar) = node else { throw fail(node, field, "expected text") }
        return scalar.string
    }

    func flag(_ node: Node, _ field: String) throws(ScenarioError) -> Bool {
        switch try text(node, field).lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw fail(node, field, "expected true or false")
        }
    }

    func int(_ node: Node, _ field: String, in range: ClosedRange<Int>) throws(ScenarioError) -> Int {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string) else { throw fail(node, field, "expected a whole number") }
        guard range.contains(value) else { throw fail(node, field, "must be between \(range.lowerBound) and \(range.upperBound)") }
        return value
    }

    func double(_ node: Node, _ field: String, in range: ClosedRange<Double>) throws(ScenarioError) -> Double {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string) else { throw fail(node, field, "expected a number") }
        guard range.contains(value) else { throw fail(node, field, "must be between \(range.lowerBound) and \(range.upperBound)") }
        return value
    }

    func scenario(from root: Node, fallbackName: String) throws(ScenarioError) -> Scenario {
        var scenario = Scenario(name: fallbackName, title: fallbackName, agents: [])
        var agentsNode: Node?
        // Defaults for every agent that does not set its own.
        var contextTokens: Int?
        var namePrefix = false
        var environmentNode: (Node, EnvironmentSpec)?
        var coordinationNode: (Node, CoordinationSpec)?
        var openingNode: Node?
        for (name, _, value) in try mapping(root, nil, allowed: ScenarioReader.topFields) {
            switch name {
            case "name": scenario.name = try text(value, name)
            case "title": scenario.title = try text(value, name)
            case "description": scenario.description = try text(value, name)
            case "turns":
                let raw = try text(value, name)
                guard let rule = TurnRule(rawValue: raw) else {
                    throw fail(value, name, "unknown turn rule '\(raw.excerpt())' (use \(TurnRule.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                scenario.turnRule = rule
            case "max_steps": scenario.maxSteps = try int(value, name, in: 1...Scenario.stepLimit)
            case "seed": scenario.seed = UInt64(try int(value, name, in: 0...Int.max))
            case "speed":
                let raw = try text(value, name)
                guard let speed = Speed(parsing: raw) else { throw fail(value, name, "expected 0.25 to 64, or max") }
                scenario.speed = speed
            case "reply_to":
                let raw = try text(value, name)
                guard let rule = EngineConfiguration.ReplyTo(rawValue: raw) else { throw fail(value, name, "expected all or sender") }
                scenario.engine.replyTo = rule
            case "mailbox_capacity": scenario.engine.mailboxCapacity = try int(value, name, in: 1...1_000_000)
            case "memory": scenario.engine.memorySize = try int(value, name, in: 0...10_000)
            case "context_tokens": contextTokens = try int(value, name, in: 64...10_000_000)
            case "name_prefix": namePrefix = try flag(value, name)
            case "offline":
                for (field, _, v) in try mapping(value, name, allowed: ScenarioReader.offlineFields) {
                    let full = "offline.\(field)"
                    if field == "tokens_per_second" { scenario.offline.tokensPerSecond = try double(v, full, in: 1...10_000) }
                    if field == "first_token_ms" { scenario.offline.firstTokenDelay = try double(v, full, in: 0...60_000) / 1000 }
                }
            case "prices":
                guard case .mapping(let models) = value else { throw fail(value, name, "expected model names, each with prompt and completion prices") }
                for (modelNode, priceNode) in models {
                    guard let model = modelNode.string else { throw fail(modelNode, name, "model names must be text") }
                    var price = Price(prompt: 0, completion: 0)
                    for (field, _, v) in try mapping(priceNode, "prices.\(model)", allowed: ["prompt", "completion"]) {
                        let amount = try double(v, "prices.\(model).\(field)", in: 0...1_000_000)
                        if field == "prompt" { price.prompt = amount } else { price.completion = amount }
                    }
                    scenario.prices[model] = price
                }
            case "agents": agentsNode = value
            case "opening": openingNode = value
            case "coordination":
                var spec = CoordinationSpec(problem: "", algorithm: "mgm")
                for (field, _, v) in try mapping(value, name, allowed: ScenarioReader.coordinationFields) {
                    let at = "coordination.\(field)"
                    switch field {
                    case "problem":
                        let file = try text(v, at)
                        // Relative to the scenario file.
                        let base = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
                        spec.problem = file.hasPrefix("/") || base.isEmpty ? file : base + "/" + file
                    case "algorithm":
                        spec.algorithm = try text(v, at)
                        guard ["dsa", "mgm", "maxsum", "dpop"].contains(spec.algorithm) else { throw fail(v, at, "expected dsa, mgm, maxsum or dpop") }
                    case "talk_every": spec.talkEvery = try int(v, at, in: 0...1000)
                    case "labels":
                        guard case .mapping(let map) = v else { throw fail(v, at, "expected a mapping of values to labels") }
                        for (k, l) in map {
                            guard let key = k.string, let label = l.string else { throw fail(k, at, "values and labels must be text") }
                            spec.labels[key] = label
                        }
                    default: break
                    }
                }
                if spec.problem.isEmpty { throw fail(value, "coordination.problem", "missing: the pyDCOP file to solve") }
                coordinationNode = (value, spec)
            case "environment":
                var env = EnvironmentSpec(name: "", setting: "classic", policies: [])
                for (field, _, v) in try mapping(value, name, allowed: ScenarioReader.environmentFields) {
                    switch field {
                    case "name":
                        env.name = try text(v, "environment.name")
                        guard EnvironmentSpec.known.contains(env.name) else {
                            throw fail(v, "environment.name", "unknown environment '\(env.name.excerpt())' (known: \(EnvironmentSpec.known.joined(separator: ", ")))")
                        }
                    case "setting": env.setting = try text(v, "environment.setting")
                    default: break
                    }
                }
                if env.name.isEmpty { throw fail(value, "environment.name", "missing: name the environment (beer-game)") }
                environmentNode = (value, env)
            default: break
            }
        }
        guard let agentsNode else { throw fail(root, "agents", "missing: a scenario needs at least one agent") }
        scenario.agents = try agents(agentsNode, contextTokens: contextTokens, namePrefix: namePrefix)
        if let (node, spec) = coordinationNode {
            scenario.coordination = spec
            do { _ = try spec.makeAgents(for: scenario.sessionInfo()) } catch {
                throw fail(node, "coordination", "\(error)")
            }
        }
        if let (node, spec) = environmentNode {
            var env = spec
            env.policies = scenario.agents.map { $0.policy ?? "llm" }
            do { _ = try env.makeDriver(agents: scenario.agents, seed: scenario.seed) } catch {
                throw fail(node, "environment", "\(error)")
            }
            scenario.environment = env
        }
        if let openingNode { scenario.opening = try opening(openingNode, agents: scenario.agents) }
        return scenario
    }

    func agents(_ node: Node, contextTokens: Int? = nil, namePrefix: Bool = false) throws(ScenarioError) -> [AgentSpec] {
        guard case .sequence(let list) = node, !list.isEmpty else { throw fail(node, "agents", "expected a list of one or more agents") }
        guard list.count <= Scenario.agentLimit else {
            throw fail(node, "agents", "\(list.count) agents; a scenario has at most \(Scenario.agentLimit)")
        }
        var specs: [AgentSpec] = []
        var ids: Set<String> = []
        for (i, item) in list.enumerated() {
            let at = "agents[\(i)]"
            var spec = AgentSpec(id: "", name: "", role: "")
            spec.contextTokens = contextTokens
            spec.namePrefix = namePrefix
            for (name, _, value) in try mapping(item, at, allowed: ScenarioReader.agentFields) {
                let field = "\(at).\(name)"
                switch name {
                case "id": spec.id = try text(value, field)
                case "name": spec.name = try text(value, field)
                case "role": spec.role = try text(value, field)
                case "persona": spec.persona = try text(value, field).trimmingWhitespace
                case "model":
                    spec.model = try text(value, field)
                    if spec.model.isEmpty { throw fail(value, field, "must not be empty") }
                case "language": spec.language = try text(value, field)
                case "color": spec.color = try int(value, field, in: 0...255)
                case "temperature": spec.endpoint.temperature = try double(value, field, in: 0...2)
                case "max_tokens": spec.endpoint.maxTokens = try int(value, field, in: 1...1_000_000)
                case "context_tokens": spec.contextTokens = try int(value, field, in: 64...10_000_000)
                case "name_prefix": spec.namePrefix = try flag(value, field)
                case "base_url":
                    let url = try text(value, field)
                    guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw fail(value, field, "expected an http:// or https:// address") }
                    spec.endpoint.baseURL = url
                case "api_key_env":
                    let name = try text(value, field)
                    guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") }) else {
                        throw fail(value, field, "expected the name of an environment variable (like OPENAI_API_KEY), not a key")
                    }
                    spec.endpoint.apiKeyVariable = name
                case "policy":
                    let policy = try text(value, field)
                    do { _ = try BeerPolicySpec(parsing: policy) } catch { throw fail(value, field, error.description) }
                    spec.policy = policy
                case "headers":
                    guard case .mapping(let map) = value else { throw fail(value, field, "expected a mapping of header names to values") }
                    for (k, v) in map {
                        guard let name = k.string, let text = v.string else { throw fail(k, field, "header names and values must be text") }
                        spec.endpoint.headers[name] = text
                    }
                default: break
                }
            }
            if spec.id.isEmpty {
                guard !spec.name.isEmpty else { throw fail(item, at, "an agent needs an id or a name") }
                spec.id = ScenarioReader.slug(spec.name)
            }
            guard spec.id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw fail(item, "\(at).id", "'\(spec.id.excerpt())' may use only letters, digits, - and _")
            }
            guard !ScenarioReader.reservedIDs.contains(spec.id) else { throw fail(item, "\(at).id", "'\(spec.id.excerpt())' is reserved") }
            guard ids.insert(spec.id).inserted else { throw fail(item, "\(at).id", "'\(spec.id.excerpt())' is used by another agent") }
            if spec.name.isEmpty { spec.name = spec.id }
            guard !spec.role.isEmpty else { throw fail(item, "\(at).role", "missing: every agent needs a role") }
            specs.append(spec)
        }
        return specs
    }

    func opening(_ node: Node, agents: [AgentSpec]) throws(ScenarioError) -> [Scenario.Opening] {
        guard case .sequence(let list) = node else { throw fail(node, "opening", "expected a list of messages") }
        var out: [Scenario.Opening] = []
        for (i, item) in list.enumerated() {
            let at = "opening[\(i)]"
            var from: Party = .system
            var to: Recipients = .all
            var body: String?
            for (name, _, value) in try mapping(item, at, allowed: ScenarioReader.openingFields) {
                let field = "\(at).\(name)"
                switch name {
                case "from":
                    let raw = try text(value, field)
                    switch raw {
                    case "system": from = .system
                    case "user": from = .user
                    default:
                        guard let index = agents.firstIndex(where: { $0.id == raw }) else {
                            throw fail(value, field, "no agent '\(raw.excerpt())' (use system, user or an agent id)")
                        }
                        from = .agent(AgentID(index))
                    }
                case "to":
                    var ids: [String] = []
                    if case .sequence(let seq) = value {
                        for v in seq { ids.append(try text(v, field)) }
                    } else {
                        ids = [try text(value, field)]
                    }
                    if ids == ["all"] { to = .all; continue }
                    var resolved: [AgentID] = []
                    for id in ids {
                        guard let index = agents.firstIndex(where: { $0.id == id }) else {
                            throw fail(value, field, "no agent '\(id.excerpt())'")
                        }
                        resolved.append(AgentID(index))
                    }
                    to = resolved.count == 1 ? .one(resolved[0]) : .some(resolved)
                case "text": body = try text(value, field)
                default: break
                }
            }
            guard let body, !body.trimmingWhitespace.isEmpty else { throw fail(item, "\(at).text", "missing: an opening message needs text") }
            out.append(Scenario.Opening(from: from, to: to, text: body.trimmingWhitespace))
        }
        return out
    }

    static func slug(_ name: String) -> String {
        let s = name.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" }
        return String(s).split(separator: "-").joined(separator: "-")
    }

    /// The allowed name nearest to a misspelt one, if it is close.
    static func closest(to name: String, in allowed: Set<String>) -> String? {
        func distance(_ a: String, _ b: String) -> Int {
            let a = Array(a), b = Array(b)
            var row = Array(0...b.count)
            for i in 1...max(a.count, 1) where i <= a.count {
                var previous = row[0]
                row[0] = i
                for j in 1...max(b.count, 1) where j <= b.count {
                    let old = row[j]
                    row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                    previous = old
                }
            }
            return row[b.count]
        }
        let best = allowed.map { ($0, distance(name, $0)) }.min { $0.1 == $1.1 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return best.flatMap { $0.1 <= 2 ? $0.0 : nil }
    }
}
