/// Drives an engine in real time on the calling thread: paces steps by the
/// clock and speed, plays scripted (offline) replies token by token on its own
/// virtual clock so that they are deterministic at any speed, runs other model
/// calls as concurrent tasks whose chunks come back through the inbox, and
/// applies the user's commands the moment they arrive — also mid-turn: a
/// pause freezes the virtual clock, so a scripted reply stops mid-stream and
/// goes on from the same token on resume (live calls are cancelled and asked
/// again). The recording holds each command where it took effect, so a fork
/// rebuilds the same state.
public final class Runner {
    public let engine: Engine
    /// Where commands for this run are posted, from any thread.
    public let inbox = Inbox()
    public var writer: SessionWriter?
    /// Virtual seconds between steps at 1× speed, so a live screen can be followed.
    public var stepGap: Double = 0.3

    /// The model for each agent, in roster order.
    public let providers: [any ModelProvider]
    private let opening: [(from: Party, message: Outgoing)]
    private var startWall = 0.0
    private var lastWall = 0.0
    private var virtualNow = 0.0
    /// A step was asked for while one was under way and paused: it runs to its end, then the run stands still.
    private var finishingStep = false
    private var scripted: [ScriptedTurn] = []
    private var liveCalls: [AgentID: LiveCall] = [:]
    /// Calls cancelled by a pause, asked again on resume (roster order).
    private var suspended: [(agent: AgentID, request: ModelRequest)] = []
    private var nextCallID = 1

    private struct ScriptedTurn {
        let agent: AgentID
        let script: ModelScript
        var next = 0
        var due: Double
    }

    private struct LiveCall {
        let id: Int
        let task: Task<Void, Never>
        let request: ModelRequest
        var text = ""
    }

    /// - Parameter providers: the model for each agent, in roster order.
    public init(engine: Engine, providers: [any ModelProvider], opening: [(from: Party, message: Outgoing)] = []) {
        precondition(providers.count == engine.agentCount, "one model provider per agent")
        self.engine = engine
        self.providers = providers
        self.opening = opening
    }

    /// Runs until the step limit, a stop command, or (reactive) quiet; returns why it ended.
    @discardableResult
    public func run() -> Summary.Reason {
        startWall = MonotonicClock.seconds()
        lastWall = startWall
        engine.time = 0
        engine.start(opening: opening)
        return finish(loop())
    }

    /// Runs on from an engine rebuilt from a recording (a fork), whose
    /// recording ended `time` seconds in; the clock continues from there.
    @discardableResult
    public func resume(at time: Double) -> Summary.Reason {
        startWall = MonotonicClock.seconds() - time
        lastWall = MonotonicClock.seconds()
        tick()
        return finish(loop())
    }

    private func finish(_ reason: Summary.Reason) -> Summary.Reason {
        cancelLiveCalls()
        tick()
        engine.finish(reason)
        writer?.close()
        return reason
    }

    private func loop() -> Summary.Reason {
        while true {
            tick()
            stopIfRecordingFailed()
            if engine.stopped { return .stopped }
            if engine.step >= engine.info.maxSteps || engine.environment?.isOver == true { return .steps }
            if !engine.mayStep {
                receive(waitForInput(until: nil))
                continue
            }
            if engine.info.turnRule == .reactive && engine.isQuiet { return .quiet }
            // A breakpoint on the coming step or on an agent acting in it pauses here, before any call.
            if engine.breakBeforeStep() { continue }
            runStep()
            if engine.stopped { return .stopped }
            engine.endStep()
            if engine.mayStep { pause(forVirtual: stepGap) }
        }
    }

    /// Scripted replies stand still: the run is paused and no step was asked for.
    private var frozen: Bool { engine.paused && !finishingStep && engine.stepAllowance == 0 }

    /// Sets the engine's clock from the wall clock and advances virtual time by the speed (not while frozen).
    private func tick() {
        let now = MonotonicClock.seconds()
        let factor = engine.speed.factor
        if factor.isFinite && !frozen { virtualNow += (now - lastWall) * factor }
        lastWall = now
        stampTime(now)
    }

    /// Sets the engine's clock: seconds since the start, to the millisecond.
    private func stampTime(_ now: Double = MonotonicClock.seconds()) {
        engine.time = Runner.milliseconds(now - startWall)
    }

    /// Times are kept to the millisecond, as the session file keeps them, so
    /// what a live run shows and what its recording replays are the same.
    static func milliseconds(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }

    private func runStep() {
        // A step begun while paused is one asked for (`.`): it runs to its end.
        if engine.paused { finishingStep = true }
        let turns = engine.beginStep()
        for turn in turns {
            if case .model(let request) = turn.kind, let remote = providers[turn.agent.index] as? any PrefetchingModelProvider {
                remote.prefetch(request)
            }
        }
        for turn in turns { start(turn) }
        while engine.isStepOpen {
            let nextDue = frozen ? nil : scripted.map(\.due).min()
            if engine.speed == .fastest, let due = nextDue, liveCalls.isEmpty || due <= virtualNow {
                virtualNow = max(virtualNow, due)
                receive(inbox.take(waitingUntil: 0))
            } else {
                var deadline: Double? = nil
                if let due = nextDue {
                    let factor = engine.speed.factor
                    deadline = factor.isFinite ? lastWall + max(0, due - virtualNow) / factor : lastWall
                }
                receive(waitForInput(until: deadline))
            }
            stopIfRecordingFailed()
            if engine.stopped { break }
            if !frozen { playDueTokens() }
            // A breakpoint met mid-step paused the engine: calls in flight stop as for a pause.
            if frozen && !liveCalls.isEmpty { suspendLiveCalls() }
        }
        finishingStep = false
        if engine.stopped {
            scripted.removeAll()
            cancelLiveCalls()
        }
    }

    /// Starts a turn that waits for a model: a scripted one on the virtual clock, any other as a task.
    private func start(_ turn: Turn) {
        guard case .model(let request) = turn.kind else { return }
        let provider = providers[turn.agent.index]
        if let scriptedProvider = provider as? any ScriptedModelProvider, let script = scriptedProvider.script(for: request) {
            scripted.append(ScriptedTurn(agent: turn.agent, script: script, due: virtualNow + script.firstTokenDelay))
        } else if frozen {
            suspended.append((turn.agent, request))
        } else {
            startLiveCall(for: turn.agent, request: request, provider: provider)
        }
    }

    private func cancelLiveCalls() {
        for call in liveCalls.values { call.task.cancel() }
        liveCalls.removeAll()
        suspended.removeAll()
    }

    /// Pausing stops spending: requests in flight are cancelled at once (their
    /// partial replies discarded) and asked again when the run resumes.
    private func suspendLiveCalls() {
        for agent in liveCalls.keys.sorted() {
            guard let call = liveCalls.removeValue(forKey: agent) else { continue }
            call.task.cancel()
            engine.cancelCall(of: agent, reason: "paused")
            suspended.append((agent, call.request))
        }
    }

    private func resumeSuspendedCalls() {
        let calls = suspended
        suspended.removeAll()
        for (agent, request) in calls {
            startLiveCall(for: agent, request: request, provider: providers[agent.index])
        }
    }

    /// Emits every scripted token due by now, earliest first, ties in roster order.
    private func playDueTokens() {
        while let i = scripted.indices.min(by: { (scripted[$0].due, scripted[$0].agent) < (scripted[$1].due, scripted[$1].agent) }),
              scripted[i].due <= virtualNow + 1e-9 {
            stampTime()
            var turn = scripted[i]
            if turn.next < turn.script.tokens.count {
                engine.streamToken(turn.script.tokens[turn.next], for: turn.agent)
                turn.next += 1
                turn.due += turn.script.tokenInterval
                scripted[i] = turn
            } else {
                scripted.remove(at: i)
                engine.finishTurn(of: turn.agent, text: turn.script.text, usage: turn.script.usage)
            }
        }
    }

    private func startLiveCall(for agent: AgentID, request: ModelRequest, provider: any ModelProvider) {
        let id = nextCallID
        nextCallID += 1
        let inbox = self.inbox
        let task = Task {
            do {
                for try await chunk in provider.stream(request) {
                    inbox.post(.chunk(agent, call: id, chunk))
                }
            } catch is CancellationError {
            } catch {
                inbox.post(.callFailed(agent, call: id, reason: "\(error)"))
            }
        }
        liveCalls[agent] = LiveCall(id: id, task: task, request: request)
    }

    /// A command takes effect at once. Mid-step, pausing also cancels live
    /// calls (scripted ones freeze with the clock); resuming asks them again; a
    /// step asked for while paused mid-step is this step, run to its end.
    private func apply(_ command: Command) {
        let stepOpen = engine.isStepOpen
        engine.apply(command)
        if stepOpen {
            switch command {
            case .pause:
                if engine.paused { suspendLiveCalls() }
            case .resume:
                resumeSuspendedCalls()
            case .stepOnce:
                if engine.stepAllowance > 0 && !finishingStep {
                    engine.stepAllowance -= 1
                    finishingStep = true
                }
                resumeSuspendedCalls()
            default:
                break
            }
        }
        for turn in engine.takeHandedBackTurns() { start(turn) }
    }

    /// Handles what arrived: commands and chunks from live calls, in order.
    private func receive(_ inputs: [RunnerInput]) {
        tick()
        for input in inputs {
            switch input {
            case .command(let command):
                apply(command)
            case .sent(let command, let sender):
                engine.emit(.commanded(by: sender, command: command.name))
                apply(command)
            case .chunk(let agent, let id, let chunk):
                guard var call = liveCalls[agent], call.id == id else { continue }
                switch chunk {
                case .token(let text):
                    call.text += text
                    liveCalls[agent] = call
                    engine.streamToken(text, for: agent)
                case .finished(let usage):
                    liveCalls[agent] = nil
                    engine.finishTurn(of: agent, text: call.text, usage: usage)
                case .retrying(let attempt, let reason, _):
                    // A new attempt answers from the start; what the failed one streamed is discarded.
                    call.text = ""
                    liveCalls[agent] = call
                    engine.noteRetry(of: agent, attempt: attempt, reason: reason)
                }
            case .callFailed(let agent, let id, let reason):
                guard liveCalls[agent]?.id == id else { continue }
                liveCalls[agent] = nil
                engine.failTurn(of: agent, reason: reason)
            }
        }
    }

    /// A recording that cannot be written (a full disk) stops the run at once,
    /// saying so where the run is watched, rather than going on unrecorded
    /// and telling only at exit. The file keeps every line written before.
    private func stopIfRecordingFailed() {
        guard let failure = writer?.failure, !engine.stopped else { return }
        engine.emit(.rejected(command: "record", reason: "\(failure); the run stops here (the file holds everything before)"))
        engine.apply(.stop)
    }

    /// Waits `seconds` of virtual time, still taking commands and chunks.
    private func pause(forVirtual seconds: Double) {
        let factor = engine.speed.factor
        guard factor.isFinite, seconds > 0 else { return }
        let until = MonotonicClock.seconds() + seconds / factor
        while MonotonicClock.seconds() < until {
            receive(waitForInput(until: until))
            stopIfRecordingFailed()
            if engine.stopped || !engine.mayStep { return }
        }
    }

    /// Waits for input, but wakes in time to flush what the session writer holds.
    private func waitForInput(until deadline: Double?) -> [RunnerInput] {
        var limit = deadline
        if let writer, writer.hasPendingData {
            let flushBy = MonotonicClock.seconds() + SessionWriter.flushInterval
            limit = min(limit ?? flushBy, flushBy)
        }
        engine.sink.idle()
        let inputs = inbox.take(waitingUntil: limit)
        writer?.flushIfDue()
        return inputs
    }
}
