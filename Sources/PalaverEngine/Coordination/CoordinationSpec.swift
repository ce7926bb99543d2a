import Foundation

/// A scenario's coordination problem, as the session records it: the pyDCOP
/// file, the algorithm its agents run, how often they talk about it, and how
/// to show domain values to people.
public struct CoordinationSpec: Hashable, Sendable {
    public var problem: String
    public var algorithm: String
    /// Agents say something every this many steps (and when their value changes or clashes); 0: never.
    public var talkEvery: Int
    /// Domain value → what people see ("107" → "dock 1, 07:00").
    public var labels: [String: String]
    /// The seed of the noise a `noise_level` adds to costs at load (`solve --noise-seed`): the same seed, the same problem.
    public var noiseSeed: UInt64 = 0

    public init(problem: String, algorithm: String, talkEvery: Int = 4, labels: [String: String] = [:], noiseSeed: UInt64 = 0) {
        self.noiseSeed = noiseSeed
        self.problem = problem
        self.algorithm = algorithm
        self.talkEvery = talkEvery
        self.labels = labels
    }

    public struct Failure: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    public func label(_ value: DCOPValue) -> String { labels[value.description] ?? value.description }

    /// The problem's agents as the session's agents (by id), each running the algorithm.
    public func makeAgents(for info: SessionInfo) throws -> [AgentID: DCOPAgent] {
        let dcop: DCOPProblem
        do { dcop = try DCOPReader.parse(try info.inputs.text(of: problem, orRead: DCOPReader.text), path: problem, noiseSeed: noiseSeed) } catch { throw Failure(reason: "\(error)") }
        guard let algorithm = DCOPRun.Algorithm(rawValue: algorithm), algorithm != .exact else {
            throw Failure(reason: "coordination algorithm '\(self.algorithm)' must be dsa, mgm, maxsum or dpop")
        }
        var run = DCOPRun(problem: dcop, algorithm: algorithm)
        run.seed = info.seed
        // People watch the plan settle: MGM runs plain here, without restarts.
        run.mgmRestart = 0
        if let refusal = run.refusal() { throw Failure(reason: "\(problem): \(refusal)") }
        let agents = run.makeAgents(start: run.start())
        var out: [AgentID: DCOPAgent] = [:]
        var names: [Int: String] = [:]
        for (v, variable) in dcop.variables.enumerated() {
            if let id = info.agentID(named: dcop.agents[variable.owner]) { names[v] = info.agents[id.index].name }
        }
        for (i, name) in dcop.agents.enumerated() {
            guard let id = info.agentID(named: name) else {
                throw Failure(reason: "\(problem): agent '\(name)' is not in the scenario (agents: \(info.agents.map(\.id).joined(separator: ", ")))")
            }
            agents[i].talkEvery = talkEvery
            agents[i].spec = self
            agents[i].displayNames = names
            out[id] = agents[i]
        }
        return out
    }
}
