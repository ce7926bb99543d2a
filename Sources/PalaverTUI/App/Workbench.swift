import Foundation
import PalaverEngine

/// The live workbench: runs a session on a background thread and the screen
/// on this one, in the Elm style — input and events update the state, the
/// state is drawn into a buffer, and only the cells that changed reach the
/// terminal, at most 30 times a second and not at all when nothing changed.
public final class Workbench {
    public struct Options {
        public var theme: Theme
        public var themeLoader: ThemeLoader
        public var noColor: Bool
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

    private let run: SessionRun
    private let queue = EventQueue()
    private var state: AppState
    private let options: Options
    private var stopRequested = false
    private var eventTimes: [Double] = []

    public init(run: SessionRun, options: Options) {
        self.run = run
        self.options = options
        run.fanout.add(queue)
        state = AppState(theme: options.noColor ? .monochrome : options.theme,
                         themeNames: options.themeLoader.available())
        state.sessionPath = options.sessionPath
        // A fork shows the history it grew from.
        state.receive(run.history)
        state.modelLabel = Set(run.info.agents.map(\.model)).sorted().joined(separator: ", ")
    }

    /// Runs until the user quits. The terminal is restored before it returns.
    public func start() {
        let screen = ScreenDriver(noColor: options.noColor)
        defer { screen.shutdown() }
        let signals = SignalFlag(signals: [SIGINT, SIGTERM, SIGHUP])
        defer { signals.cancel() }
        nonisolated(unsafe) let runner = run
        let engineThread = Thread { runner.run() }
        engineThread.name = "palaver-engine"
        engineThread.start()

        state.width = screen.backend.width
        state.height = screen.backend.height
        if let welcome = options.welcome { state.say(welcome) }
        if let notice = options.startupNotice { state.say(notice, error: true) }
        while true {
            state.now = screen.now
            if signals.raised { perform(.quit) }
            if stopRequested && runnerFinished { break }
            let events = queue.drain()
            if !events.isEmpty {
                state.receive(events)
                noteEventRate(events.count)
                screen.dirty = true
            }
            state.eventsPerSecond = eventRate
            screen.paintIfDue(state, animating: isAnimating)
            guard let input = screen.nextInput(animating: isAnimating, busy: stopRequested) else { continue }
            handle(input, size: (screen.backend.width, screen.backend.height))
        }
    }

    private func handle(_ input: TerminalInput, size: (Int, Int)) {
        switch input {
        case .resize:
            state.width = size.0
            state.height = size.1
        case .key(let key):
            for effect in state.handle(key) { perform(effect) }
        case .mouse(let mouse):
            state.handle(mouse)
        }
    }

    private var runnerFinished: Bool { state.projection.ended != nil }

    private var isAnimating: Bool { state.isAnimating }

    private func noteEventRate(_ count: Int) {
        for _ in 0..<min(count, 5000) { eventTimes.append(state.now) }
        eventTimes.removeFirst(eventTimes.prefix { $0 < state.now - 1 }.count)
    }

    private var eventRate: Double {
        eventTimes.removeFirst(eventTimes.prefix { $0 < state.now - 1 }.count)
        return Double(eventTimes.count)
    }

    private func perform(_ effect: AppEffect) {
        switch effect {
        case .engine(let command):
            run.inbox.post(command)
        case .loadTheme(let name):
            guard !options.noColor else { state.say("NO_COLOR is set: themes are off"); return }
            do {
                state.theme = try options.themeLoader.load(name)
                state.say("theme: \(state.theme.name)")
            } catch {
                state.say("\(error) (keeping \(state.theme.name))", error: true)
            }
        case .save:
            if let path = options.sessionPath {
                state.say("the session is saved as it runs (every step, and every 100 ms): \(path)")
            } else {
                state.say("this run is not being recorded (started with --no-record)", error: true)
            }
        case .quit:
            stopRequested = true
            run.inbox.post(.stop)
        case .replay:
            break
        }
    }
}

/// Notes that one of the given signals arrived, for a loop to check.
final class SignalFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    private var sources: [any DispatchSourceSignal] = []

    init(signals: [Int32]) {
        for sig in signals {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in self?.set() }
            source.resume()
            sources.append(source)
        }
    }

    private func set() { lock.withLock { flag = true } }
    var raised: Bool { lock.withLock { flag } }

    func cancel() { for source in sources { source.cancel() } }
}
