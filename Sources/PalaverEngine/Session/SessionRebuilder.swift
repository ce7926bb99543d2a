/// Rebuilds a live engine from a recording: a fresh engine is driven with the
/// same inputs the recording shows — the opening, each step, the user's
/// commands, the models' replies — so its state (mailboxes, memories, turn
/// order) is exactly what the original run had, and every event it emits on
/// the way is checked against the recording. This is what a fork starts from.
public struct SessionRebuilder {
    public struct Failure: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// The engine as it was at the end of `step`, and the recorded events up to there.
    public struct Rebuilt {
        public let engine: Engine
        public let events: [Event]
        /// Seconds into the original run when that step ended.
        public let time: Double
    }

    /// Compares what the rebuilding engine emits with what was recorded.
    final class Check: EventSink {
        var expected: [Event] = []
        var position = 0
        var mismatch: String?

        func receive(_ event: Event) {
            guard mismatch == nil else { return }
            guard position < expected.count else {
                mismatch = "the rebuilt run produced more events than the recording holds"
                return
            }
            let recorded = expected[position]
            if !Self.same(event, recorded) {
                mismatch = "event \(position + 1) differs: recorded \(String(describing: recorded.body).excerpt(160)), rebuilt \(String(describing: event.body).excerpt(160))"
            }
            position += 1
        }

        /// Equal apart from wall-clock times and the model names a fork may change.
        static func same(_ a: Event, _ b: Event) -> Bool {
            guard a.step == b.step else { return false }
            switch (a.body, b.body) {
            case (.sessionStarted, .sessionStarted): return true
            // The request's window must be the same where both sides have one (older files have none).
            case (.callStarted(let x, _, let c), .callStarted(let y, _, let d)): return x == y && (c == nil || d == nil || c == d)
            case (.messageSent(let x), .messageSent(let y)), (.injected(let x), .injected(let y)):
                return x.id == y.id && x.sender == y.sender && x.recipients == y.recipients && x.kind == y.kind && x.text == y.text
            case (.sessionEnded, .sessionEnded): return true
            default: return a.body == b.body
            }
        }
    }

    /// Drives a new engine through `events` (a whole recording, in order) up to the end of `step`.
    /// - Parameter info: the session's description for the new run (a fork may change models).
    public static func rebuild(from events: [Event], through step: Int, info: SessionInfo) throws(Failure) -> Rebuilt {
        let prefix = events.prefix { $0.step <= step && !isEnd($0) }
        guard let last = prefix.last, last.step == step || step == 0 else {
            let recorded = events.last(where: { if case .stepStarted = $0.body { return true } else { return false } })?.step ?? 0
            throw Failure(reason: "step \(step) is not in the recording (it has steps 0 to \(recorded))")
        }
        // Controls of the old screen (pause, speed…) are not part of the world: a fork starts running.
        let inputs = prefix.filter { !isScreenControl($0) }
        let check = Check()
        check.expected = inputs
        let attachments: EngineAttachments
        do { attachments = try EngineAttachments(for: info) } catch { throw Failure(reason: error.reason) }
        let engine = Engine(info: info, behaviors: attachments.behaviors, environment: attachments.environment, sink: check)
        var i = 0
        func fail(_ why: String) -> Failure { Failure(reason: "cannot rebuild the run at event \(i + 1): \(why)") }
        while i < inputs.count {
            let event = inputs[i]
            engine.time = event.time
            switch event.body {
            case .sessionStarted:
                engine.emit(.sessionStarted(info))
            case .stepStarted:
                _ = engine.beginStep()
                // The engine replays its own deliveries and call starts; skip to the next input.
                i = check.position - 1
            case .messageSent(let m):
                if let agent = m.sender.agent, m.author == .person {
                    engine.apply(.reply(agent, text: m.text))
                } else if let agent = m.sender.agent, engine.openTurns.contains(agent) {
                    throw fail("a message from \(agent) with no model reply before it")
                } else {
                    // Openings, and anything said outside a turn.
                    engine.send(Outgoing(to: m.recipients, kind: m.kind, text: m.text, metadata: m.metadata,
                                         author: m.author, coordination: m.coordination), from: m.sender)
                }
                i = check.position - 1
            case .injected(let m):
                engine.apply(.inject(text: m.text, from: m.sender, to: m.recipients))
                i = check.position - 1
            case .edited(let id, let text, _):
                engine.apply(.edit(messageID: id, text: text))
            case .dropped(let id, _):
                engine.apply(.drop(messageID: id))
            case .restored(let id):
                // A restore into a mailbox that filled up meanwhile is refused there, as recorded.
                engine.apply(.restore(messageID: id))
                i = check.position - 1
            case .control(.mute(let agent)):
                engine.apply(.mute(agent))
            case .control(.unmute(let agent)):
                engine.apply(.unmute(agent))
            case .takeover(let agent, let active):
                engine.apply(active ? .takeOver(agent) : .handBack(agent))
                // A handed-back turn's model reply is in the recording that follows.
                _ = engine.takeHandedBackTurns()
                i = check.position - 1
            case .tokenDelta(let agent, let text):
                engine.streamToken(text, for: agent)
            case .callFinished(let agent, let usage):
                // The reply's text is in the message that follows.
                var text = ""
                if i + 1 < inputs.count, case .messageSent(let m) = inputs[i + 1].body, m.sender == .agent(agent) { text = m.text }
                engine.finishTurn(of: agent, text: text, usage: usage)
                i = check.position - 1
            case .agentError(let agent, let message):
                engine.failTurn(of: agent, reason: message)
                i = check.position - 1
            case .retrying(let agent, let attempt, let reason):
                engine.noteRetry(of: agent, attempt: attempt, reason: reason)
            case .callCancelled(let agent, let reason):
                engine.cancelCall(of: agent, reason: reason)
            case .commanded(let sender, let command):
                // Who sent the command that follows: kept as it was, for the fork's history.
                engine.emit(.commanded(by: sender, command: command))
            case .rejected(let command, _):
                throw fail("a rejected \(command.excerpt()) cannot be replayed")
            case .delivered, .callStarted, .mailboxFull, .observed, .action, .reward, .control, .sessionEnded,
                 .breakpointSet, .breakpointCleared, .breakpointHit:
                throw fail("\(String(describing: event.body).excerpt(160)) was not expected here")
            }
            if let mismatch = check.mismatch { throw fail(mismatch) }
            i += 1
            if check.position != i { throw fail("the rebuilt run emitted \(check.position - i + 1) events where the recording has one") }
        }
        if !engine.openTurns.isEmpty {
            throw Failure(reason: "step \(step) did not finish in the recording; fork at step \(max(0, step - 1)) instead")
        }
        return Rebuilt(engine: engine, events: Array(prefix), time: prefix.last?.time ?? 0)
    }

    static func isEnd(_ event: Event) -> Bool {
        if case .sessionEnded = event.body { return true }
        return false
    }

    static func isScreenControl(_ event: Event) -> Bool {
        switch event.body {
        case .control(.pause), .control(.resume), .control(.stepOnce), .control(.speed), .control(.stop): return true
        case .rejected: return true
        // Breakpoints stop the screen's run; a fork starts without them.
        case .breakpointSet, .breakpointCleared, .breakpointHit: return true
        default: return false
        }
    }
}
