/// Solves a DCOP by running its algorithm as Palaver agents on an engine: every
/// message they exchange is a real message on the bus (recorded when a sink
/// records). Reports the assignment, its cost, hard violations, the messages
/// sent and the cost after each round.
public struct DCOPRun {
    public enum Algorithm: String, Sendable, CaseIterable {
        case dsa, mgm, maxsum, dpop, exact

        /// Engine steps per algorithm round.
        var stepsPerRound: Int { self == .mgm ? 2 : 1 }
    }

    public struct Result: Sendable {
        public var algorithm: Algorithm
        public var assignment: [Int]
        /// In the problem's own terms (utility for `max` problems).
        public var cost: Double
        public var violations: Int
        public var messages: Int
        public var rounds: Int
        /// Cost (own terms) after each round.
        public var curve: [Double]
        /// Exact only: false when the time limit stopped the search (the assignment is then the best found).
        public var optimal = false
        /// Exact only: the proven bound in the problem's own terms (no assignment is better).
        public var bound: Double?
    }

    public let problem: DCOPProblem
    public var algorithm: Algorithm
    public var rounds = 100
    public var seed: UInt64 = 1
    /// Return the best assignment seen in any round rather than the last one.
    public var keepBest = true
    /// MGM's restart probability for settled variables (0: plain MGM).
    public var mgmRestart = 0.1
    /// DSA's variant and the chance a variable acts on a move it may make.
    public var dsaVariant = DSAAgent.Variant.b
    /// nil: `DSAAgent.defaultProbability` (0.9 on soft problems, pyDCOP's 0.7 with hard limits).
    public var dsaProbability: Double?
    /// The exact solver's time limit in seconds (nil: none), and where it reports progress.
    public var exactTimeout: Double?
    public var exactProgress: ((ExactSolver.Progress) -> Void)?
    /// DPOP refuses a problem whose largest UTIL table would have more cells than this.
    public var dpopMaxCells = 10_000_000.0

    public init(problem: DCOPProblem, algorithm: Algorithm) {
        self.problem = problem
        self.algorithm = algorithm
    }

    /// The agents, ready to put in an engine: one per problem agent.
    public func makeAgents(start: [Int]) -> [DCOPAgent] {
        let tree = algorithm == .dpop ? self.tree : nil
        return problem.agents.indices.map { i -> DCOPAgent in
            switch algorithm {
            case .mgm:
                let agent = MGMAgent(problem: problem, index: i, seed: seed, start: start)
                agent.restart = mgmRestart
                return agent
            case .maxsum: return MaxSumAgent(problem: problem, index: i, seed: seed, start: start)
            case .dsa:
                let agent = DSAAgent(problem: problem, index: i, seed: seed, start: start)
                agent.variant = dsaVariant
                agent.probability = dsaProbability ?? DSAAgent.defaultProbability(for: problem)
                return agent
            case .dpop: return DPOPAgent(problem: problem, index: i, seed: seed, start: start, tree: tree!)
            case .exact: preconditionFailure("the exact solver runs no agents")
            }
        }
    }

    /// DPOP's pseudo-tree (every agent derives the same one).
    public var tree: PseudoTree { PseudoTree(problem: problem) }

    /// Why DPOP will not run this problem (its tables would not fit), in one line; nil when it fits or for other algorithms.
    public func refusal() -> String? {
        guard algorithm == .dpop else { return nil }
        let tree = self.tree
        let (v, cells) = tree.largestTable(problem)
        guard cells > dpopMaxCells else { return nil }
        return "DPOP would need a UTIL table of \(Self.count(cells)) cells (\(problem.variables[v].name)'s, over \(tree.separator[v].count) variables: "
            + "the pseudo-tree's induced width is \(tree.inducedWidth)), above the limit of \(Self.count(dpopMaxCells)) (--dpop-max-cells); use --algo exact"
    }

    /// A count with thousands separators, or in scientific notation when too large for that.
    static func count(_ x: Double) -> String {
        guard x < 1e15 else { return String(format: "%.2e", x) }
        let digits = String(Int(x))
        var out = ""
        for (k, c) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }

    /// Rounds the run lasts: DPOP's two sweeps, or `rounds`.
    var effectiveRounds: Int { algorithm == .dpop ? tree.steps : rounds }

    /// A random starting assignment from the seed.
    public func start() -> [Int] {
        var g = SeededGenerator(seed: DeterministicRandom.value(seed, 0x5747))
        return problem.variables.map { Int(g.next() % UInt64($0.domain.count)) }
    }

    /// The session description for a run of it (agents named after the problem's agents).
    public func sessionInfo(title: String? = nil) -> SessionInfo {
        let agents = problem.agents.map { AgentSpec(id: Self.slug($0), name: $0, role: "\(algorithm.rawValue) agent") }
        var info = SessionInfo(scenario: "solve", title: title ?? problem.name, seed: seed, turnRule: .everyone, agents: agents,
                               maxSteps: effectiveRounds * algorithm.stepsPerRound, speed: .fastest)
        // Recorded so that a replay can show the plan (the file is read again then).
        if let problemPath { info.coordination = CoordinationSpec(problem: problemPath, algorithm: algorithm.rawValue, talkEvery: 0, noiseSeed: noiseSeed) }
        info.inputs = inputs
        return info
    }

    /// Where the problem was read from, if from a file.
    public var problemPath: String?
    /// The seed its noise was drawn with, if it has any (recorded, so that a replay reads the same problem).
    public var noiseSeed: UInt64 = 0
    /// The problem file's text, recorded with the run so that its replay needs no file.
    public var inputs = SessionInputs()

    static func slug(_ name: String) -> String {
        let s = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        return ScenarioReader.reservedIDs.contains(s) ? "agent_" + s : s
    }

    public func run(sink: any EventSink = DiscardingSink()) -> Result {
        if algorithm == .exact {
            let r = ExactSolver(problem: problem).solve(timeout: exactTimeout, progress: exactProgress)
            return Result(algorithm: .exact, assignment: r.assignment, cost: r.internalCost * problem.sign + 0,
                          violations: problem.violations(r.assignment).count, messages: 0, rounds: 0, curve: [r.internalCost * problem.sign],
                          optimal: r.optimal, bound: r.lowerBound * problem.sign + 0)
        }
        precondition(refusal() == nil, "check refusal() before running DPOP")
        let initial = start()
        let agents = makeAgents(start: initial)
        var behaviors: [AgentID: any AgentBehavior] = [:]
        for (i, a) in agents.enumerated() { behaviors[AgentID(i)] = a }
        let engine = Engine(info: sessionInfo(), behaviors: behaviors, sink: sink)
        engine.start()
        var assignment = initial
        var best = (cost: problem.internalCost(initial), assignment: initial)
        var curve: [Double] = []
        let rounds = effectiveRounds
        for _ in 0..<rounds {
            for _ in 0..<algorithm.stepsPerRound {
                engine.beginStep()
                engine.endStep()
            }
            for a in agents { for v in a.owned { assignment[v] = a.values[v] } }
            let cost = problem.internalCost(assignment)
            if cost < best.cost - 1e-9 { best = (cost, assignment) }
            curve.append(cost * problem.sign)
        }
        engine.finish(.steps)
        let chosen = keepBest ? best.assignment : assignment
        return Result(algorithm: algorithm, assignment: chosen, cost: problem.internalCost(chosen) * problem.sign,
                      violations: problem.violations(chosen).count, messages: engine.messageCount, rounds: rounds, curve: curve)
    }
}
