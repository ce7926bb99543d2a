import Foundation
import PalaverEngine

/// The workbench: one loop over any `EventSource`, driven through its
/// `Controls` — a live run, a recording, or (next) a run on another machine.
///
/// In the Elm style: everything the loop hears becomes an `AppMessage`,
/// `AppState.update` folds it and returns `AppEffect`s, the loop carries
/// those out (commands to the controls, files read) and feeds back what came
/// of them; `AppView` draws the state into a buffer and only the cells that
/// changed reach the terminal. The loop blocks in `poll()` on the terminal and
/// a wake pipe the source signals. Events are painted at most 60 times a
/// second, only after a change; a key or a click is read before the events
/// that came with it and painted at once, so typing never waits for the next
/// frame of a busy run. Nothing happening uses no CPU.
public final class Workbench {
    /// How the workbench ended: the user quit, or asked to fork a live run from a recording's step.
    public enum Outcome: Equatable, Sendable { case quit, fork(step: Int) }

    public struct Options {
        public var theme: Theme
        public var themeLoader: ThemeLoader
        public var noColor: Bool
        /// Where the session is recorded (shown in the status bar; nil when not recorded).
        public var sessionPath: String?
        /// Shown when the screen opens: a problem (a theme that could not be loaded)…
        public var startupNotice: String?
        /// …or news (where a fork came from).
        public var welcome: String?
        public init(theme: Theme, themeLoader: ThemeLoader = ThemeLoader(), noColor: Bool, sessionPath: String?,
                    startupNotice: String? = nil, welcome: String? = nil) {
            self.welcome = welcome
            self.theme = theme
            self.themeLoader = themeLoader
            self.noColor = noColor
            self.sessionPath = sessionPath
            self.startupNotice = startupNotice
        }
    }

    /// The longest a frame waits after a change: 60 frames a second at most.
    public static let frameInterval = 1.0 / 60
    /// How often something that moves by itself (a spinner) is redrawn.
    static let animationInterval = 0.1

    private let source: any EventSource
    private let controls: any Controls
    private let options: Options
    public private(set) var state: AppState
    /// Told when each frame reaches the terminal, with how many inputs had been read by then and how
    /// long the frame took to draw, compare and write (benchmarks).
    public var onPaint: ((_ time: Double, _ inputsRead: Int, _ frameSeconds: Double) -> Void)?

    /// - Parameter state: what to start from (benchmarks start from a huge log); a fresh state by default.
    public init(source: any EventSource, controls: any Controls, options: Options, state: AppState? = nil) {
        self.source = source
        self.controls = controls
        self.options = options
        self.state = state ?? AppState(theme: options.noColor ? .monochrome : options.theme,
                                       themeNames: options.themeLoader.available())
        self.state.sessionPath = options.sessionPath
    }

    /// A live run: its engine is the source and takes the commands.
    public convenience init(run: SessionRun, options: Options) {
        let live = LiveRunSource(run: run)
        self.init(source: live, controls: live, options: options)
        state.modelLabel = Set(run.info.agents.map(\.model)).sorted().joined(separator: ", ")
    }

    /// A recording played back.
    public convenience init(recording: RecordingSource, options: Options) {
        self.init(source: recording, controls: recording, options: options)
        state.replay = ReplayStatus(path: recording.player.path)
        state.sessionPath = recording.player.path
        state.modelLabel = Set(recording.player.info.agents.map(\.model)).sorted().joined(separator: ", ")
    }

    /// Runs in the real terminal until the user quits; the terminal is restored before it returns.
    @discardableResult
    public func start() -> Outcome {
        let terminal = NCursesBackend(noColor: options.noColor)
        defer { terminal.shutdown() }
        return run(on: terminal)
    }

    /// Runs on any terminal (tests and benchmarks use a `PipeTerminal`).
    public func run(on terminal: any TerminalDevice) -> Outcome {
        let wake = WakePipe()
        SignalWake.install(waking: wake)
        defer { SignalWake.uninstall() }
        let opened = MonotonicClock.seconds()
        var previous: Buffer?
        var lastPaint = -Double.infinity
        var dirty = true
        /// A key or a click came since the last frame: the next one is painted at once.
        var inputWaiting = false
        var quitting = false
        var inputsRead = 0
        var outcome = Outcome.quit

        state.width = terminal.width
        state.height = terminal.height
        if let welcome = options.welcome { state.say(welcome) }
        if let notice = options.startupNotice { state.say(notice, error: true) }
        source.start(wake: { wake.wake() })

        while true {
            let now = MonotonicClock.seconds()
            wake.drain()
            var effects = state.update(.tick(now - opened))
            if let sig = SignalWake.take() { effects += state.update(.signal(sig)) }
            // Keys act on the screen the user saw, before the events that arrived with them.
            while let input = terminal.readInput() {
                inputsRead += 1
                dirty = true
                inputWaiting = true
                switch input {
                case .key(let key): effects += state.update(.key(key))
                case .mouse(let mouse): effects += state.update(.mouse(mouse))
                case .resize:
                    terminal.invalidate()
                    previous = nil
                    effects += state.update(.resize(width: terminal.width, height: terminal.height))
                }
            }
            let update = source.take(now: now)
            if !update.isEmpty {
                effects += state.update(.source(update))
                dirty = true
            }
            // Effects may answer with messages, which may ask for more.
            while !effects.isEmpty {
                let effect = effects.removeFirst()
                dirty = true
                switch perform(effect) {
                case .message(let message): effects += state.update(message)
                case .quit:
                    if !quitting { source.stop() }
                    quitting = true
                case .fork(let step):
                    outcome = .fork(step: step)
                    quitting = true
                case .nothing: break
                }
            }
            if quitting && (source.isFinished || outcome != .quit) { break }

            let animating = state.isAnimating
            if animating && now - lastPaint >= Self.animationInterval { dirty = true }
            if dirty && (inputWaiting || now >= lastPaint + Self.frameInterval) {
                let frameStart = MonotonicClock.seconds()
                let frame = AppView.render(state)
                let diff = BufferDiff(from: previous, to: frame)
                if !diff.isEmpty {
                    terminal.apply(diff)
                    terminal.present()
                }
                previous = frame
                lastPaint = MonotonicClock.seconds()
                dirty = false
                inputWaiting = false
                onPaint?(lastPaint, inputsRead, lastPaint - frameStart)
            }

            // Sleep until a key, an event, the next frame after a change, or the source's next moment.
            var wakeAt: Double? = nil
            if dirty {
                wakeAt = lastPaint + Self.frameInterval
            } else {
                if animating { wakeAt = lastPaint + Self.animationInterval }
                if let due = source.nextDue(now: now) { wakeAt = min(wakeAt ?? due, due) }
            }
            let timeout = wakeAt.map { max(0, Int((($0 - MonotonicClock.seconds()) * 1000).rounded(.up))) } ?? -1
            var fds = [pollfd(fd: terminal.inputDescriptor, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wake.readDescriptor, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, nfds_t(fds.count), Int32(clamping: timeout))
        }
        return outcome
    }

    private enum Performed { case nothing, message(AppMessage), quit, fork(step: Int) }

    private func perform(_ effect: AppEffect) -> Performed {
        switch effect {
        case .engine(let command): return answer(controls.perform(.command(command)))
        case .replay(let action): return answer(controls.perform(.playback(action)))
        case .loadTheme(let name):
            guard !options.noColor else { return .message(.notice("NO_COLOR is set: themes are off", isError: false)) }
            do {
                return .message(.themeLoaded(try options.themeLoader.load(name)))
            } catch {
                return .message(.notice("\(error) (keeping \(state.theme.name))", isError: true))
            }
        case .loadSessionFiles(let info):
            return .message(.sessionFilesLoaded(SessionFiles.load(for: info)))
        case .save(let destination):
            guard let path = state.sessionPath else {
                return .message(.notice("nothing to save: this run is not recorded (--no-record)", isError: true))
            }
            guard let destination else {
                if state.replay != nil { return .message(.notice("a recording is already saved: \(path) (:save PATH copies it)", isError: false)) }
                return .message(.notice("the session is saved as it runs (every step, and every 100 ms): \(path) (:save PATH copies it)", isError: false))
            }
            do {
                try SessionCopy.copy(path, to: destination)
                return .message(.notice("saved a copy of the session so far to \(destination)", isError: false))
            } catch {
                return .message(.notice(error.description, isError: true))
            }
        case .quit:
            return .quit
        }
    }

    private func answer(_ outcome: ControlOutcome) -> Performed {
        switch outcome {
        case .done: return .nothing
        case .refused(let reason): return .message(.notice(reason, isError: true))
        case .fork(let step): return .fork(step: step)
        }
    }
}
