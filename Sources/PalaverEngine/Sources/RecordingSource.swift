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
            try? player.seek(to: total)
        } else {
            playhead += seconds * status.speed.factor
            var target = player.position
            while target < total && player.playTime(ofEvent: target) <= playhead && target - player.position < 200_000 { target += 1 }
            if target > player.position { try? player.seek(to: target) }
        }
        if player.position >= total && player.isIndexed {
            status.playing = false
            notices.append(SourceNotice("end of the recording: , and ← go back, f forks a live run from any point"))
        }
    }

    public func perform(_ request: ControlRequest) -> ControlOutcome {
        guard case .playback(let action) = request else {
            return .refused("this is a recording: press f to fork a live run from here")
        }
        do {
            switch action {
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
