import Foundation
import PalaverEngine

/// The engine's ledger of turns sent to workers. It keeps exactly one answer per
/// turn: the first attempt that replies is followed; when another attempt
/// replies before that one finished (its worker died and the broker redelivered
/// the request), the new one is followed from its start and the dead one's
/// late chunks are ignored; anything after a turn is done is ignored.
final class TurnBoard: @unchecked Sendable {
    struct Key: Hashable {
        let agent: Int
        let step: Int
        let turn: Int
        init(_ request: ModelRequest) { agent = request.agent.index; step = request.step; turn = request.turn }
    }

    final class Turn {
        let id: String
        let key: Key
        let sentAt: Double
        var attempt: String?
        var retired: Set<String> = []
        var attempts = 0
        var script: ModelScript?
        var buffered: [ModelChunk] = []
        var failure: String?
        var done = false
        var heard = false
        var continuation: AsyncThrowingStream<ModelChunk, any Error>.Continuation?

        init(id: String, key: Key, sentAt: Double) {
            self.id = id
            self.key = key
            self.sentAt = sentAt
        }
    }

    private let lock = NSCondition()
    private var turns: [String: Turn] = [:]
    /// Sent ahead (prefetched) and not yet taken up by the runner.
    private var waiting: [Key: Turn] = [:]
    private var counter = 0
    /// False while the broker is unreachable: then nobody waits for a script.
    var reachable = true {
        didSet { lock.lock(); lock.broadcast(); lock.unlock() }
    }

    /// Records a new turn and returns its id.
    func open(_ request: ModelRequest, prefetched: Bool) -> String {
        lock.lock()
        defer { lock.unlock() }
        counter += 1
        let key = Key(request)
        let id = "\(request.step).\(request.agent.index).\(request.turn).\(counter)"
        let turn = Turn(id: id, key: key, sentAt: MonotonicSeconds.now())
        turns[id] = turn
        if prefetched { waiting[key] = turn }
        return id
    }

    /// The whole reply of a prefetched turn when a worker sent one as a script within `patience`
    /// seconds; nil when it streams instead, failed, or is slow (the runner then streams it).
    func script(for request: ModelRequest, patience: Double) -> ModelScript? {
        lock.lock()
        defer { lock.unlock() }
        guard let turn = waiting[Key(request)] else { return nil }
        let deadline = Date(timeIntervalSinceNow: max(0, turn.sentAt + patience - MonotonicSeconds.now()))
        while !turn.heard && reachable {
            if !lock.wait(until: deadline) { break }
        }
        guard let script = turn.script else { return nil }
        waiting[turn.key] = nil
        turns[turn.id] = nil
        return script
    }

    /// Takes up the prefetched turn for `request`, if there is one.
    func claim(_ request: ModelRequest) -> Turn? {
        lock.lock()
        defer { lock.unlock() }
        return waiting.removeValue(forKey: Key(request))
    }

    /// Streams a turn's reply: what arrived already, then the rest as it comes.
    func attach(_ turnID: String, _ continuation: AsyncThrowingStream<ModelChunk, any Error>.Continuation) {
        lock.lock()
        defer { lock.unlock() }
        guard let turn = turns[turnID] else { continuation.finish(throwing: CancellationError()); return }
        turn.continuation = continuation
        for chunk in turn.buffered { continuation.yield(chunk) }
        turn.buffered.removeAll()
        if let script = turn.script { play(script, to: continuation) }
        if turn.done { finish(turn) }
    }

    /// The runner stopped listening (pause, stop): later replies are ignored.
    func forget(_ turnID: String) {
        lock.lock()
        defer { lock.unlock() }
        if let turn = turns.removeValue(forKey: turnID), waiting[turn.key] === turn { waiting[turn.key] = nil }
    }

    /// Applies a worker's reply; returns false when it belongs to no live turn (late or foreign).
    @discardableResult
    func receive(_ reply: TurnReply, turn turnID: String, attempt: String) -> Bool {
        lock.lock()
        defer { lock.broadcast(); lock.unlock() }
        guard let turn = turns[turnID], !turn.done, !turn.retired.contains(attempt) else { return false }
        if let current = turn.attempt, current != attempt {
            // The current attempt's worker is gone (the broker redelivered its request): follow the new one.
            turn.retired.insert(current)
            turn.attempts += 1
            deliver(.retrying(attempt: turn.attempts + 1, reason: "a worker was lost; another took the turn", delay: 0), to: turn)
        }
        turn.attempt = attempt
        turn.heard = true
        switch reply {
        case .script(let script):
            turn.script = script
            turn.done = true
            if let continuation = turn.continuation { play(script, to: continuation) }
        case .chunk(let chunk):
            deliver(chunk, to: turn)
            if case .finished = chunk { turn.done = true }
        case .failed(let reason):
            turn.failure = reason
            turn.done = true
        }
        if turn.done, turn.continuation != nil { finish(turn) }
        return true
    }

    private func deliver(_ chunk: ModelChunk, to turn: Turn) {
        if let continuation = turn.continuation { continuation.yield(chunk) } else { turn.buffered.append(chunk) }
    }

    /// A script that reaches the streaming path (it came late) is played at once: its timing was virtual.
    private func play(_ script: ModelScript, to continuation: AsyncThrowingStream<ModelChunk, any Error>.Continuation) {
        for token in script.tokens { continuation.yield(.token(token)) }
        continuation.yield(.finished(script.usage))
    }

    private func finish(_ turn: Turn) {
        if let failure = turn.failure {
            turn.continuation?.finish(throwing: BrokerMessageError(reason: failure))
        } else {
            turn.continuation?.finish()
        }
        turn.continuation = nil
        turns[turn.id] = nil
        if waiting[turn.key] === turn { waiting[turn.key] = nil }
    }
}
