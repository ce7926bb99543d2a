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

    func send(_ text: String, to agents: [Int], outgoing: inout [Outgoing]) {
        guard !agents.isEmpty else { return }
        let to: Recipients = agents.count == 1 ? .one(AgentID(agents[0])) : .some(agents.map(AgentID.init))
        outgoing.append(Outgoing(to: to, kind: .action, text: text))
    }

    func announce(_ v: Int, outgoing: inout [Outgoing]) {
        let value = problem.variables[v].domain[values[v]]
        send(ValueMessage.text(problem.variables[v].name, value, label: spec?.labels[value.description]),
             to: neighbourOwners(of: v), outgoing: &outgoing)
        announced[v] = values[v]
    }

    /// What each own variable was last announced as: unchanged values need not be said again.
    var announced: [Int: Int] = [:]

    func uniform() -> Double { Double(random.next() >> 11) / 9_007_199_254_740_992 }

    /// The best values for v against what it knows, and their local cost; ties keep the current value.
    func bestResponse(_ v: Int) -> (value: Int, cost: Double, current: Double) {
        let costs = problem.localCosts(of: v, values, constraintsOf: constraintsOf)
        var best = values[v]
        for (i, c) in costs.enumerated() where c < costs[best] - 1e-9 { best = i }
        return (best, costs[best], costs[values[v]])
    }
}

/// The Distributed Stochastic Algorithm (variant B): each round every variable
/// moves to its best response with probability `p` when that improves, or
/// when it is in conflict and an equally good other value exists.
public final class DSAAgent: DCOPAgent {
    public var probability = 0.7

    override func round(step: Int, outgoing: inout [Outgoing]) {
        for v in owned {
            if step > 1 {
                let costs = problem.localCosts(of: v, values, constraintsOf: constraintsOf)
                let current = costs[values[v]]
                let best = costs.min()!
                let candidates = costs.indices.filter { costs[$0] <= best + 1e-9 && $0 != values[v] }
                let improves = best < current - 1e-9
                let inConflict = constraintsOf[v].contains { problem.constraints[$0].cost(values) > 0 }
                guard !candidates.isEmpty, improves || inConflict, uniform() < probability else { continue }
                values[v] = candidates[Int(random.next() % UInt64(candidates.count))]
            }
            announce(v, outgoing: &outgoing)
        }
    }
}

/// Maximum Gain Message: rounds of two steps. First every variable announces
/// its value; then each computes its best gain and tells its neighbours; a
/// variable moves only if its gain beats every neighbour's (ties by name), so
/// the total cost never rises.
///
/// A variable whose neighbourhood has settled (no gain anywhere around it for
/// `patience` rounds) takes a random value with probability `restart`, so the
/// search leaves a local optimum; the run keeps the best assignment it saw.
/// With `restart` 0 this is plain MGM.
public final class MGMAgent: DCOPAgent {
    public var restart = 0.1
    public var patience = 2
    private var gains: [Int: Double] = [:]
    private var proposals: [Int: Int] = [:]
    private var settled: [Int: Int] = [:]

    override func read(_ text: String) {
        if text.hasPrefix("gain ") {
            let parts = text.split(separator: " ")
            if parts.count == 3, let v = variableIndex[String(parts[1])], let g = Double(parts[2]) { gains[v] = g }
            return
        }
        super.read(text)
    }

    override func round(step: Int, outgoing: inout [Outgoing]) {
        if step % 2 == 1 {
            // Value step: move if last round's gain won, then announce.
            if step > 1 {
                for v in owned {
                    guard let target = proposals[v], let mine = gains[v], mine > 1e-9 else { continue }
                    let wins = neighbours[v].allSatisfy { w in
                        let theirs = gains[w] ?? 0
                        return mine > theirs + 1e-9 || (abs(mine - theirs) <= 1e-9 && problem.variables[v].name < problem.variables[w].name)
                    }
                    if wins { values[v] = target }
                }
                for v in owned {
                    let quiet = (gains[v] ?? 0) <= 1e-9 && neighbours[v].allSatisfy { (gains[$0] ?? 0) <= 1e-9 }
                    settled[v] = quiet ? (settled[v] ?? 0) + 1 : 0
                    let size = problem.variables[v].domain.count
                    if quiet, settled[v]! >= patience, size > 1, uniform() < restart {
                        values[v] = (values[v] + 1 + Int(random.next() % UInt64(size - 1))) % size
                        settled[v] = 0
                    }
                }
            }
            gains.removeAll(keepingCapacity: true)
            proposals.removeAll(keepingCapacity: true)
            // Neighbours already know unchanged values.
            for v in owned where announced[v] != values[v] { announce(v, outgoing: &outgoing) }
        } else {
            // Gain step.
            for v in owned {
                let r = bestResponse(v)
                // Rounded as sent, so both sides of a comparison see the same numbers.
                let gain = Double(Self.format(r.current - r.cost)) ?? 0
                gains[v] = gain
                proposals[v] = r.value
                // A gain of nothing never wins, and an unsaid gain counts as nothing.
                if gain > 1e-9 {
                    send("gain \(problem.variables[v].name) \(Self.format(gain))", to: neighbourOwners(of: v), outgoing: &outgoing)
                }
            }
        }
    }

    static func format(_ x: Double) -> String {
        let r = (x * 1000).rounded() / 1000
        return r == r.rounded() ? String(Int(r)) : String(r)
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
