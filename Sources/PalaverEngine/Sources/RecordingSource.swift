import Foundation

/// A session file as an event source and its controls: plays the recording
/// at its recorded pace × speed (skipping the time the run stood paused),
/// steps and seeks through it, and asks for a fork where the user wants one.
/// The file is indexed on a thread of its own, so the first frame shows at once.
public final class RecordingSource: EventSource, Controls {
    public let player: SessionPlayer
    private var status: ReplayStatus
    private var sent: ReplayStatus?
    /// Play time (recorded seconds less paused stretches) the playhead has reached.
    private var playhead = 0.0
    private var lastNow: Double?
    private var shownPosition = -1
    private var failureSaid = false
    private let progress = ScanProgress()
    private var notices: [SourceNotice] = []
    /// Where playing last stopped before an event: that event is let through once when it plays on.
    private var stoppedBefore: Int?

    public init(player: SessionPlayer, speed: Speed = .factor(1), playing: Bool = true) {
        self.player = player
        status = ReplayStatus(path: player.path)
        status.speed = speed
        status.playing = playing
    }

    public func start(wake: @escaping @Sendable () -> Void) {
        nonisolated(unsafe) let player = self.player
        let progress = self.progress
        let indexer = Thread {
            player.scan { fraction in
                progress.set(fraction)
                wake()
            }
            wake()
        }
        indexer.name = "palaver-index"
        indexer.start()
    }

    public func take(now: Double) -> SourceUpdate {
        // The first frame: the session as it began.
        if player.position == 0 && player.eventCount > 0 { try? player.seek(to: 1) }
        let dt = now - (lastNow ?? now)
        lastNow = now
        if status.playing { advance(by: dt) }
        var update = SourceUpdate()
        if player.position != shownPosition {
            shownPosition = player.position
            update.projection = player.projection
        }
        status.position = player.position
        status.total = player.eventCount
        status.indexed = player.isIndexed ? 1 : progress.current
        status.currentTime = player.currentTime
        status.totalTime = player.time(ofEvent: player.eventCount - 1)
        status.markers = player.markers
        status.pausedSpans = player.pausedSpans
        status.forkStep = player.lastCompletedStep
        if status != sent {
            sent = status
            update.playback = status
        }
        if let failure = player.failure, !failureSaid {
            failureSaid = true
            notices.append(SourceNotice(failure, isError: true))
        }
        update.notices = notices
        notices = []
        return update
    }

    public func nextDue(now: Double) -> Double? {
        guard status.playing else { return nil }
        guard player.position < player.eventCount else { return player.isIndexed ? now : nil }
        if status.speed == .fastest { return now }
        let next = player.playTime(ofEvent: player.position)
        return now + max(0, next - playhead) / status.speed.factor
    }

    public func stop() { status.playing = false }
    public var isFinished: Bool { true }

    /// Plays forward: every event due by the playhead is applied.
    private func advance(by seconds: Double) {
        let total = player.eventCount
        if status.speed == .fastest {
            playOrStop(to: total)
            if !status.playing { return }
        } else {
            playhead += seconds * status.speed.factor
            var target = player.position
            while target < total && player.playTime(ofEvent: target) <= playhead && target - player.position < 200_000 { target += 1 }
            if target > player.position { playOrStop(to: target) }
        }
        if player.position >= total && player.isIndexed {
            status.playing = false
            notices.append(SourceNotice("end of the recording: , and ← go back, f forks a live run from any point"))
        }
    }

    /// Moves the playhead to `target`, stopping at the first breakpoint on the way:
    /// where the recorded run stopped (unless cleared here) and where this replay's own are met.
    private func playOrStop(to target: Int) {
        let player = self.player
        let own = status.breakpoints
        let cleared = status.clearedRecorded
        let hitsAhead = player.markers.contains { $0.kind == .breakpoint && $0.event >= player.position && $0.event < target }
        guard !own.isEmpty || hitsAhead else { try? player.seek(to: target); return }
        let start = player.position
        let letThrough = stoppedBefore
        stoppedBefore = nil
        var stop: BreakpointBoard.Stop?
        var before = false
        var index = start
        let stopped = (try? player.play(to: target) { event, applied in
            if !applied {
                if index == letThrough { return false }
                for bp in own {
                    switch (bp.condition, event.body) {
                    case (.step(let n), .stepStarted) where event.step == n:
                        stop = BreakpointBoard.Stop(hit: BreakpointHit(id: bp.id), condition: bp.condition, step: n)
                    case (.agent(let a), .callStarted(let who, let model, _)) where who == a && model != Engine.humanModel:
                        // Said as "before A speaks (step N)": the stop's step is the one before.
                        stop = BreakpointBoard.Stop(hit: BreakpointHit(id: bp.id, agent: a), condition: bp.condition, step: event.step - 1)
                    default: continue
                    }
                    before = true
                    return true
                }
                return false
            }
            index += 1
            switch event.body {
            case .breakpointHit(let hit) where !cleared.contains(hit.id):
                stop = player.projection.breakpoints.stop
            case .messageSent(let m):
                if let bp = own.first(where: { $0.condition.matches(text: m.text) }) {
                    stop = BreakpointBoard.Stop(hit: BreakpointHit(id: bp.id, agent: m.sender.agent, messageID: m.id), condition: bp.condition, step: event.step)
                }
            case .agentError(let agent, _):
                if let bp = own.first(where: { $0.condition == .error }) {
                    stop = BreakpointBoard.Stop(hit: BreakpointHit(id: bp.id, agent: agent), condition: bp.condition, step: event.step)
                }
            case .action(let agent, let action) where !action.valid:
                if let bp = own.first(where: { $0.condition == .fallback }) {
                    stop = BreakpointBoard.Stop(hit: BreakpointHit(id: bp.id, agent: agent), condition: bp.condition, step: event.step)
                }
            default: break
            }
            return stop != nil
        }) ?? false
        if stopped, let stop {
            status.playing = false
            status.stop = stop
            if before { stoppedBefore = player.position }
            playhead = player.currentPlayTime
        }
    }

    public func perform(_ request: ControlRequest) -> ControlOutcome {
        guard case .playback(let action) = request else {
            return .refused("this is a recording: press f to fork a live run from here")
        }
        // Any move leaves the stop behind (setting or clearing a breakpoint is no move).
        switch action {
        case .fork, .setBreakpoint, .clearBreakpoint: break
        default: status.stop = nil
        }
        do {
            switch action {
            case .setBreakpoint(let condition):
                let ids = status.breakpoints.map(\.id) + [player.maxBreakpointID, player.projection.breakpoints.active.map(\.id).max() ?? 0]
                status.breakpoints.append(Breakpoint(id: (ids.max() ?? 0) + 1, condition: condition))
                return .done
            case .clearBreakpoint(let id):
                if let i = status.breakpoints.firstIndex(where: { $0.id == id }) {
                    status.breakpoints.remove(at: i)
                } else if player.projection.breakpoints.active.contains(where: { $0.id == id }) {
                    status.clearedRecorded.append(id)
                } else {
                    return .refused("there is no breakpoint \(id)")
                }
                return .done
            case .togglePlay:
                status.playing.toggle()
                if status.playing && player.position >= player.eventCount { try player.seek(to: 1) }
            case .events(let n): status.playing = false; try player.step(events: n)
            case .steps(let n): status.playing = false; try player.step(steps: n)
            case .messages(let agent, let n):
                status.playing = false
                if try !player.step(messagesOf: agent, by: n) {
                    return .refused("no \(n > 0 ? "later" : "earlier") message from \(player.info.name(of: .agent(agent)))")
                }
            case .percent(let p): try player.seek(to: player.position + player.eventCount * p / 100)
            case .goToStep(let step): try player.seek(toStep: step)
            case .goToTime(let t): try player.seek(toTime: t)
            case .setSpeed(let speed): status.speed = speed
            case .fork: return .fork(step: player.lastCompletedStep)
            }
            playhead = player.currentPlayTime
        } catch {
            return .refused("\(error)")
        }
        return .done
    }

    /// How much of the file the index has read, written by the indexing thread.
    final class ScanProgress: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0.0
        func set(_ v: Double) { lock.withLock { value = v } }
        var current: Double { lock.withLock { value } }
    }
}
