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
        /// Shown when the screen opens (a theme that could not be loaded, say).
        public var startupNotice: String?
        public init(theme: Theme, themeLoader: ThemeLoader = ThemeLoader(), noColor: Bool, sessionPath: String?,
                    startupNotice: String? = nil) {
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
        state.modelLabel = Set(run.info.agents.map(\.model)).sorted().joined(separator: ", ")
    }

    /// Runs until the user quits. The terminal is restored before it returns.
    public func start() {
        let backend = NCursesBackend(noColor: options.noColor)
        defer { backend.shutdown() }
        let signals = SignalFlag(signals: [SIGINT, SIGTERM, SIGHUP])
        nonisolated(unsafe) let runner = run
        let engineThread = Thread { runner.run() }
        engineThread.name = "palaver-engine"
        engineThread.start()

        state.width = backend.width
        state.height = backend.height
        if let notice = options.startupNotice { state.say(notice, error: true) }
        var previous: Buffer?
        var lastPaint = 0.0
        var dirty = true
        let start = MonotonicClock.seconds()
        while true {
            state.now = MonotonicClock.seconds() - start
            if signals.raised { request(.quit) }
            if stopRequested && runnerFinished { break }

            let events = queue.drain()
            if !events.isEmpty {
                state.receive(events)
                noteEventRate(events.count)
                dirty = true
            }
            let animating = isAnimating
            if dirty || animating {
                let frameDue = lastPaint + 1.0 / 30
                if state.now >= frameDue - 0.001 {
                    state.eventsPerSecond = eventRate
                    let frame = AppView.render(state)
                    let diff = BufferDiff(from: previous, to: frame)
                    if !diff.isEmpty {
                        backend.apply(diff)
                        backend.present()
                    }
                    previous = frame
                    lastPaint = state.now
                    dirty = false
                }
            }
            // Sleep in the terminal's input wait: briefly while things move, long when all is still.
            let timeout = dirty ? max(1, Int(((lastPaint + 1.0 / 30) - state.now) * 1000)) : (animating ? 100 : (stopRequested ? 20 : 250))
            guard let input = backend.readInput(timeoutMilliseconds: timeout) else { continue }
            dirty = true
            switch input {
            case .resize:
                state.width = backend.width
                state.height = backend.height
                backend.invalidate()
                previous = nil
            case .key(let key):
                for effect in state.handle(key) { perform(effect) }
            case .mouse(let mouse):
                state.handle(mouse)
            }
        }
        signals.cancel()
    }

    private var runnerFinished: Bool { state.projection.ended != nil }

    /// Something on screen moves by itself: a spinner, a lit edge, a notice that will fade.
    private var isAnimating: Bool {
        if state.projection.ended == nil && state.projection.agents.contains(where: { $0.status == .thinking }) { return true }
        if state.now - state.lastMessageTime < 1.6 { return true }
        if let notice = state.notice, state.now - notice.time < 5.2 { return true }
        return false
    }

    private func noteEventRate(_ count: Int) {
        for _ in 0..<min(count, 5000) { eventTimes.append(state.now) }
        eventTimes.removeFirst(eventTimes.prefix { $0 < state.now - 1 }.count)
    }

    private var eventRate: Double {
        eventTimes.removeFirst(eventTimes.prefix { $0 < state.now - 1 }.count)
        return Double(eventTimes.count)
    }

    private func request(_ effect: AppEffect) { perform(effect) }

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
