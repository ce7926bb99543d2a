import Foundation

/// The model replies a recorded session holds, per agent id, in order: read
/// once per file however many agents replay it.
public final class RecordedReplies: Sendable {
    public let path: String
    let byAgent: [String: [ModelScript]]

    public init(path: String) throws {
        var reader = try SessionReader(path: path)
        var byAgent: [String: [ModelScript]] = [:]
        var tokens: [Int: [String]] = [:]
        var pending: [Int: Usage] = [:]
        let agents = reader.info.agents
        try reader.forEachEvent { event in
            switch event.body {
            case .callStarted(let agent, let model, _) where model != Engine.humanModel:
                tokens[agent.index] = []
            case .tokenDelta(let agent, let text):
                tokens[agent.index, default: []].append(text)
            case .callFinished(let agent, let usage):
                pending[agent.index] = usage
            case .messageSent(let m):
                if let agent = m.sender.agent, let usage = pending.removeValue(forKey: agent.index) {
                    var parts = tokens.removeValue(forKey: agent.index) ?? []
                    if parts.joined() != m.text { parts = [m.text] }
                    let count = max(1, parts.count)
                    let seconds = usage.latencyMs / 1000
                    byAgent[agents[agent.index].id, default: []].append(ModelScript(
                        tokens: parts, firstTokenDelay: seconds / 2, tokenInterval: seconds / 2 / Double(count), usage: usage))
                }
            default: break
            }
            return true
        }
        self.path = path
        self.byAgent = byAgent
    }
}

/// Serves a recorded session's model replies back to the same agents, in
/// order, token for token, so a run recorded with a real model re-runs
/// without the network. Past the recording (after a fork, or a longer run)
/// it hands over to a fallback provider, or says there is nothing more.
public final class RecordedModel: ScriptedModelProvider, @unchecked Sendable {
    public var path: String { recording.path }
    private let recording: RecordedReplies
    private var replies: [String: [ModelScript]] { recording.byAgent }
    private let fallback: (any ModelProvider)?
    private let lock = NSLock()
    private var served: [String: Int] = [:]

    public var label: String { "replay" }

    public struct Failure: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    public init(replies: RecordedReplies, fallback: (any ModelProvider)? = nil) {
        recording = replies
        self.fallback = fallback
    }

    public convenience init(path: String, fallback: (any ModelProvider)? = nil) throws {
        self.init(replies: try RecordedReplies(path: path), fallback: fallback)
    }


    public func script(for request: ModelRequest) -> ModelScript? {
        lock.withLock {
            let n = served[request.spec.id, default: 0]
            guard let list = replies[request.spec.id], n < list.count else { return nil }
            served[request.spec.id] = n + 1
            return list[n]
        }
    }

    /// Past the recording: the fallback streams, or the call fails with the reason.
    public func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelChunk, any Error> {
        if let script = script(for: request) { return scriptedStream(script) }
        if let fallback { return fallback.stream(request) }
        let reason = "the recording \(path) has no more replies for \(request.spec.id); give --fallback SPEC to go on"
        return AsyncThrowingStream { $0.finish(throwing: Failure(reason: reason)) }
    }
}
