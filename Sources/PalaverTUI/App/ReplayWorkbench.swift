import Foundation
import PalaverEngine

/// The workbench on a recording: the same panes as a live run, played back
/// from the file at the recorded pace × speed, with stepping and seeking.
public final class ReplayWorkbench {
    /// How a replay ended: the user quit, or asked to fork a live run at a step.
    public enum Outcome: Equatable { case quit, fork(step: Int) }

    private let player: SessionPlayer
    private var state: AppState
    private let themeLoader: ThemeLoader
    private let noColor: Bool
    private let progress = Progress()
    /// Recorded seconds the playhead has reached.
    private var playhead = 0.0
    /// The files the session names are read once, for the graph pane.
    private var sessionFilesLoaded = false

    final class Progress: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0.0
        func set(_ v: Double) { lock.withLock { value = v } }
        var current: Double { lock.withLock { value } }
    }

    public init(player: SessionPlayer, theme: Theme, themeLoader: ThemeLoader = ThemeLoader(), noColor: Bool, speed: Speed = .factor(1)) {
        self.player = player
        self.themeLoader = themeLoader
        self.noColor = noColor
        state = AppState(theme: noColor ? .monochrome : theme, themeNames: themeLoader.available())
        var replay = ReplayStatus(path: player.path)
        replay.speed = speed
        state.replay = replay
        state.sessionPath = player.path
        state.modelLabel = Set(player.info.agents.map(\.model)).sorted().joined(separator: ", ")
    }

    public func start() -> Outcome {
        let screen = ScreenDriver(noColor: noColor)
        defer { screen.shutdown() }
        let signals = SignalFlag(signals: [SIGINT, SIGTERM, SIGHUP])
        defer { signals.cancel() }
        nonisolated(unsafe) let player = self.player
        let progress = self.progress
        let indexer = Thread { player.scan { progress.set($0) } }
        indexer.name = "palaver-index"
        indexer.start()
        // The first frame: the session as it began.
        while player.eventCount < 1 && !player.isIndexed { usleep(1000) }
        try? player.seek(to: 1)
        state.width = screen.backend.width
        state.height = screen.backend.height
        var lastTick = screen.now
        while true {
            state.now = screen.now
            if signals.raised { return .quit }
            let dt = state.now - lastTick
            lastTick = state.now
            if state.replay?.playing == true { advance(by: dt) }
            sync()
            screen.paintIfDue(state, animating: state.isAnimating || state.replay?.playing == true || !player.isIndexed)
            let busy = state.replay?.playing == true || !player.isIndexed
            guard let input = screen.nextInput(animating: state.isAnimating, busy: busy) else { continue }
            switch input {
            case .resize:
                state.width = screen.backend.width
                state.height = screen.backend.height
            case .mouse(let mouse):
                state.handle(mouse)
            case .key(let key):
                for effect in state.handle(key) {
                    if let outcome = perform(effect) { return outcome }
                }
            }
        }
    }

    /// Plays forward: every event recorded before the playhead is applied.
    private func advance(by seconds: Double) {
        guard var replay = state.replay else { return }
        let total = player.eventCount
        if replay.speed == .fastest {
            try? player.seek(to: total)
        } else {
            playhead += seconds * replay.speed.factor
            var target = player.position
            while target < total && player.time(ofEvent: target) <= playhead && target - player.position < 200_000 { target += 1 }
            if target > player.position { try? player.seek(to: target) }
        }
        if player.position >= total && player.isIndexed {
            replay.playing = false
            state.replay = replay
            state.say("end of the recording: , and ← go back, f forks a live run from any point")
        }
    }

    /// Copies the player's position into what the screen shows.
    private func sync() {
        guard var replay = state.replay else { return }
        let before = state.projection.eventCount
        state.projection = player.projection
        if !sessionFilesLoaded, let info = state.projection.info, info.environment != nil || info.coordination != nil {
            sessionFilesLoaded = true
            state.loadSessionFiles(for: info)
        }
        if player.projection.eventCount != before { state.lastMessageTime = state.projection.log.last.map { _ in state.now } ?? state.lastMessageTime }
        replay.position = player.position
        replay.total = player.eventCount
        replay.indexed = player.isIndexed ? 1 : progress.current
        replay.currentTime = player.currentTime
        replay.totalTime = player.time(ofEvent: player.eventCount - 1)
        replay.markers = player.markers
        state.replay = replay
        if let failure = player.failure { state.say(failure, error: true) }
    }

    private func perform(_ effect: AppEffect) -> Outcome? {
        do {
            switch effect {
            case .replay(let action):
                switch action {
                case .togglePlay:
                    state.replay?.playing.toggle()
                    if state.replay?.playing == true && player.position >= player.eventCount { try player.seek(to: 1) }
                case .events(let n): state.replay?.playing = false; try player.step(events: n)
                case .steps(let n): state.replay?.playing = false; try player.step(steps: n)
                case .messages(let agent, let n):
                    state.replay?.playing = false
                    if try !player.step(messagesOf: agent, by: n) { state.say("no \(n > 0 ? "later" : "earlier") message from \(player.info.name(of: .agent(agent)))") }
                case .percent(let p): try player.seek(to: player.position + player.eventCount * p / 100)
                case .goToStep(let step): try player.seek(toStep: step)
                case .goToTime(let t): try player.seek(toTime: t)
                case .setSpeed(let speed): state.replay?.speed = speed
                case .fork:
                    return .fork(step: player.lastCompletedStep)
                }
                playhead = player.currentTime
            case .loadTheme(let name):
                do { state.theme = try themeLoader.load(name); state.say("theme: \(state.theme.name)") } catch { state.say("\(error)", error: true) }
            case .save:
                state.say("a recording is already saved: \(player.path)")
            case .quit:
                return .quit
            case .engine:
                state.say("this is a recording: press f to fork a live run from here", error: true)
            }
        } catch {
            state.say("\(error)", error: true)
        }
        return nil
    }
}
