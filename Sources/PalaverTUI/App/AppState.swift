import PalaverEngine

/// Everything the workbench shows and remembers between frames: the
/// projection folded from events, plus what only the screen knows (focus,
/// scroll positions, the mode and what is being typed).
public struct AppState: Sendable {
    public enum Mode: Sendable, Equatable {
        case normal
        case compose(String)
        /// Typing the reply of an agent the user took over.
        case reply(AgentID, String)
        case edit(messageID: Int, String)
        case filter(String)
        case command(String)
        /// The keys, scrolled down by `scroll` rows where they do not fit.
        case help(scroll: Int)
        /// A message shown in full.
        case detail(messageID: Int)
        /// The model call behind a message or a pane.
        case inspector(Inspection)
        /// The breakpoints overlay, with the selected row.
        case breakpoints(selection: Int)
        /// One agent's mailbox and memory (by roster index), scrolled down by `scroll` lines.
        case mailboxes(agent: Int, scroll: Int)
        /// Asking how to fork a recording: models and more steps.
        case fork(ForkForm)
        /// The beer game's orders and stock by week, over the screen; the run goes on under it.
        case chart
    }

    public enum Focus: Hashable, Sendable {
        case agent(Int)
        case log
        case graph
    }

    public var projection = Projection()
    public var mode: Mode = .normal
    public var focus: Focus = .log
    /// How far the log is scrolled up from the newest line; 0 follows new messages.
    public var logOffset = 0
    /// The selected log entry (index into the filtered log); nil selects the newest.
    public var logSelection: Int?
    public var logFilter = ""
    /// Algorithm traffic (MGM's `gain …`, DCOP value messages) left out of the log.
    public var hideChatter = false
    /// What the fork form asked for, read by whoever starts the fork when the workbench ends.
    public var forkRequest: ForkRequest?
    public var agentOffsets: [Int: Int] = [:]
    public var graphShowsPolicy = false
    /// Learned policies of the agents that play one, by roster index (from the session's environment).
    public var learnedPolicies: [Int: LearnedPolicy] = [:]
    /// The session's coordination problem, for the constraint view.
    public var coordinationProblem: DCOPProblem?
    public var theme: Theme
    public var themeNames: [String]
    public var width: Int
    public var height: Int
    /// What was wrong with the line just submitted in a prompt: shown in the prompt until the next key.
    public var promptError: String?
    /// A short message for the user, and when it was set (seconds).
    public var notice: (text: String, isError: Bool, time: Double)?
    public var now: Double = 0
    public var sessionPath: String?
    public var modelLabel = "offline"
    public var eventsPerSecond: Double { eventRate.perSecond(at: now) }
    var eventRate = EventRate()
    /// The session whose files (policies, problem) were asked for, so they are read once.
    var sessionFilesRequested: String?
    /// When the last message was sent, to light its edge for a moment.
    public var lastMessageTime: Double = -10
    public var quitRequested = false
    /// Set when the screen shows a recording rather than a live run.
    public var replay: ReplayStatus?
    /// The log as the filter last let it through, kept up to date as entries arrive.
    var filteredLog: FilteredLog?

    public init(theme: Theme = .defaultDark, themeNames: [String] = [], width: Int = 80, height: Int = 24) {
        self.theme = theme
        self.themeNames = themeNames
        self.width = width
        self.height = height
    }

    public var agentCount: Int { projection.agents.count }

    public var focusedAgent: Int? {
        if case .agent(let i) = focus { return i }
        return nil
    }

    /// The log entry the selection points at (the newest when none is chosen).
    public var selectedLogEntry: LogEntry? {
        selectedLogPosition.map { projection.log[$0] }
    }

    /// The selected entry's position in the whole log (the newest visible one when none is selected).
    public var selectedLogPosition: Int? {
        let visible = visibleLog
        guard !visible.isEmpty else { return nil }
        let i = min(logSelection ?? visible.count - 1, visible.count - 1)
        return visible[max(0, i)]
    }

    /// Taken-over agents whose turn is waiting for the user.
    public var agentsAwaitingUser: [AgentID] {
        projection.agents.indices.filter { projection.agents[$0].status == .awaitingUser }.map(AgentID.init)
    }

    /// Something on screen moves by itself: a spinner, a lit edge, a notice that will fade.
    public var isAnimating: Bool {
        if projection.ended == nil && !projection.paused && projection.agents.contains(where: { $0.status == .thinking }) { return true }
        if now - lastMessageTime < 1.6 { return true }
        if let notice, now - notice.time < 5.2 { return true }
        return false
    }

    public mutating func say(_ text: String, error: Bool = false) {
        notice = (text, error, now)
    }
}

/// The log entries on show: all of them (without building a list of a
/// million indices every frame) or those a filter picked.
public struct LogSlice: Sendable, RandomAccessCollection {
    private let indices_: [Int]?
    public let count: Int

    public init(all count: Int) { indices_ = nil; self.count = count }
    public init(filtered: [Int]) { indices_ = filtered; count = filtered.count }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(position: Int) -> Int { indices_?[position] ?? position }
}

/// Events a second over the last second, for the status bar.
struct EventRate: Sendable {
    private var buckets: [(time: Double, count: Int)] = []

    mutating func note(_ count: Int, at time: Double) {
        if let last = buckets.last, time - last.time < 0.05 {
            buckets[buckets.count - 1].count += count
        } else {
            buckets.append((time, count))
        }
        buckets.removeFirst(buckets.prefix { $0.time < time - 1 }.count)
    }

    func perSecond(at time: Double) -> Double {
        Double(buckets.reduce(0) { $0 + ($1.time >= time - 1 ? $1.count : 0) })
    }
}
