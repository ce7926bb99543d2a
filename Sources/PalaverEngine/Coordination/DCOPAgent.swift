/// One Palaver agent running a DCOP algorithm for the variables it owns (and,
/// for Max-Sum, the constraints assigned to it). It knows the problem's
/// structure — its constraints and who owns the variables in them — but learns
/// other variables' values only from messages on the bus, as text a person can
/// read (`v3 = G`, `gain v3 2.5`, `r c7→v3: 0 0 3`). Every agent acts every
/// step; a message sent this step is used from the next one, so rounds are
/// synchronous whatever the roster order.
public class DCOPAgent: AgentBehavior {
    public let problem: DCOPProblem
    public let index: Int
    /// Variables this agent owns.
    public let owned: [Int]
    /// Current value of every variable this agent knows (its own, and its neighbours' as last heard).
    public internal(set) var values: [Int]
    let constraintsOf: [[Int]]
    let neighbours: [[Int]]
    let variableIndex: [String: Int]
    private var held: [Message] = []
    var random: SeededGenerator
    /// In a scenario: how often the agent talks about where it stands (0: never), and how values are shown.
    public var talkEvery = 0
    public var spec: CoordinationSpec?
    /// What to call each variable's owner when talking (its agent's name).
    public var displayNames: [Int: String] = [:]
    private var lastSpoke = -1_000
    private var spokenValues: [Int] = []

    init(problem: DCOPProblem, index: Int, seed: UInt64, start: [Int]) {
        self.problem = problem
        self.index = index
        owned = problem.variables.indices.filter { problem.variables[$0].owner == index }
        values = start
        constraintsOf = problem.constraintsOf
        neighbours = problem.neighbours
        variableIndex = Dictionary(uniqueKeysWithValues: problem.variables.enumerated().map { ($1.name, $0) })
        random = SeededGenerator(seed: DeterministicRandom.value(seed, UInt64(index), 0xDC0F))
    }

    public func act(agent: AgentID, delivered: ArraySlice<Message>, step: Int, outgoing: inout [Outgoing]) {
        // Messages from this step wait for the next one; earlier ones are read now, oldest first.
        var ready: [Message] = []
        for m in held + delivered { if m.step < step { ready.append(m) } else { held.append(m) } }
        held.removeAll { $0.step < step }
        for m in ready { read(m.text) }
        round(step: step, outgoing: &outgoing)
    }

    /// Talks every `talkEvery` steps, or sooner (after two steps) when its value changed.
    public func speech(step: Int) -> BehaviorSpeech? {
        guard talkEvery > 0, let v = owned.first else { return nil }
        let now = owned.map { values[$0] }
        let changed = now != spokenValues
        var clashing = false
        for ci in constraintsOf[v] where problem.constraints[ci].cost(values) * problem.sign >= problem.hardThreshold { clashing = true }
        // Quiet once settled: news (a move, a clash) is said soon; agreement now and then.
        let due = changed || clashing ? talkEvery : talkEvery * 3
        guard step - lastSpoke >= due || (changed && step - lastSpoke >= 2) else { return nil }
        lastSpoke = step
        spokenValues = now
        let variable = problem.variables[v]
        func show(_ value: Int) -> String { spec?.label(variable.domain[value]) ?? variable.domain[value].description }
        var clashes: [String] = []
        for ci in constraintsOf[v] where problem.constraints[ci].cost(values) * problem.sign >= problem.hardThreshold {
            for u in problem.constraints[ci].scope where u != v { clashes.append(displayNames[u] ?? problem.variables[u].name) }
        }
        let preferred = variable.unary.indices.min { variable.unary[$0] < variable.unary[$1] } ?? values[v]
        let facts = ["variable": variable.name, "value": show(values[v]), "preferred": show(preferred),
                     "clashes": clashes.joined(separator: ","), "changed": changed && step > 1 ? "yes" : "no"]
        var prompt = "The coordination algorithm has \(variable.name) at \(show(values[v])) (preferred: \(show(preferred)))."
        prompt += clashes.isEmpty ? " No hard clashes for you right now." : " It clashes with \(clashes.joined(separator: ", "))."
        prompt += " In one or two sentences to the others, propose, object or agree."
        return BehaviorSpeech(prompt: prompt, facts: facts)
    }

    /// One step of the algorithm. Subclasses send with `send`.
    func round(step: Int, outgoing: inout [Outgoing]) {}

    /// Reads one message's text.
    func read(_ text: String) {
        if let said = ValueMessage.parse(text), let v = variableIndex[said.name],
           let value = problem.variables[v].domain.firstIndex(where: { $0.description == said.value }) {
            values[v] = value
        }
    }

    /// The agents owning a variable's neighbours, except this one.
    func neighbourOwners(of v: Int) -> [Int] {
        Array(Set(neighbours[v].map { problem.variables[$0].owner }).subtracting([index])).sorted()
    }

    func send(_ text: String, to agents: [Int], fact: CoordinationFact? = nil, outgoing: inout [Outgoing]) {
        guard !agents.isEmpty else { return }
        let to: Recipients = agents.count == 1 ? .one(AgentID(agents[0])) : .some(agents.map(AgentID.init))
        outgoing.append(Outgoing(to: to, kind: .action, text: text, author: .algorithm, coordination: fact))
    }

    func announce(_ v: Int, outgoing: inout [Outgoing]) {
        let value = problem.variables[v].domain[values[v]]
        let name = problem.variables[v].name, label = spec?.labels[value.description]
        send(ValueMessage.text(name, value, label: label), to: neighbourOwners(of: v),
             fact: .assignment(variable: name, value: value, label: label), outgoing: &outgoing)
        announced[v] = values[v]
    }

    /// What each own variable was last announced as: unchanged values need not be said again.
    var announced: [Int: Int] = [:]

    func uniform() -> Double { random.nextUnit() }

    /// The best values for v against what it knows, and their local cost; ties keep the current value.
    func bestResponse(_ v: Int) -> (value: Int, cost: Double, current: Double) {
        let costs = problem.localCosts(of: v, values, constraintsOf: constraintsOf)
        var best = values[v]
        for (i, c) in costs.enumerated() where c < costs[best] - 1e-9 { best = i }
        return (best, costs[best], costs[values[v]])
    }
}

/// The message that says a variable's value: `name = value`, optionally
/// followed by ` (label)` for people. Agents, the plan view and tests read it.
public enum ValueMessage {
    public static func text(_ name: String, _ value: DCOPValue, label: String? = nil) -> String {
        "\(name) = \(value)" + (label.map { " (\($0))" } ?? "")
    }

    /// The variable's name and the value as written, without the label.
    public static func parse(_ text: String) -> (name: String, value: String)? {
        guard let eq = text.range(of: " = ") else { return nil }
        var value = text[eq.upperBound...]
        if let paren = value.range(of: " (") { value = value[..<paren.lowerBound] }
        return (String(text[..<eq.lowerBound]), String(value))
    }
}
