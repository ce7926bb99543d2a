/// The state a screen shows, folded from events: per-agent status and text,
/// the message log, who talks to whom, and totals. Pure: the same events
/// always give the same projection, so live runs, replay and tests agree.
public struct Projection: Sendable {
    public private(set) var info: SessionInfo?
    public private(set) var step = 0
    public private(set) var time: Double = 0
    public private(set) var agents: [AgentView] = []
    /// Every message, in the order it was sent.
    public private(set) var log = ChunkedLog()
    /// Messages sent from one party to an agent, counted per pair.
    public private(set) var edges: [Edge: Int] = [:]
    /// The user typed a message into the run (a scenario's opening lines "from: user" are not the user speaking).
    public private(set) var userSpoke = false
    /// The last message's edges, for lighting them up.
    public private(set) var lastEdges: (from: Party, to: Recipients, step: Int)?
    public private(set) var paused = false
    public private(set) var speed: Speed = .factor(1)
    public private(set) var ended: Summary?
    public private(set) var eventCount = 0
    /// How many times a message's text was edited: what a filter matched may have changed.
    public private(set) var editCount = 0
    public private(set) var totalTokens = 0
    /// Dollars spent so far, for models with a price in the scenario.
    public private(set) var totalCost: Double = 0
    /// For a coordination run: the variables' values as the bus said them, step by step.
    public private(set) var plan: [PlanStep] = []
    /// The environment's clock (the beer game's week), once it has reported one.
    public private(set) var environmentWeek: Int?
    /// For a beer-game run: orders and net stock per stage by week, with customer demand.
    public private(set) var bullwhip: BullwhipChart?
    /// What the agents' environment has cost them so far (minus the sum of their rewards).
    public var environmentCost: Double { -agents.reduce(0) { $0 + $1.totalReward } }
    /// Log positions of the messages still waiting in some mailbox, in order (for the mailbox view).
    public private(set) var waiting = SortedPositions()
    /// How many seen messages an agent's memory keeps (the session's setting).
    private var memorySize: Int { info?.configuration.memorySize ?? EngineConfiguration().memorySize }
    /// Rejected commands and agent errors, newest last.
    public private(set) var notices: [Notice] = []
    /// Every model call, for the call inspector.
    public private(set) var calls = CallLedger()
    /// The breakpoints set, and the one the run stands stopped at.
    public private(set) var breakpoints = BreakpointBoard()
    /// Log positions of messages injected from an attached workbench, with the sender it named
    /// (`palaver attach --as`). Rare, so kept aside rather than in every log entry.
    public private(set) var injectedBy: [Int: String] = [:]
    /// The sender of the command just announced by `commanded`; the events it caused follow at once.
    private var commander: String?
    public static let noticeLimit = 50
    public static let recentLimit = 6

    public init() {}

    public struct Edge: Hashable, Sendable {
        public var from: Party
        public var to: AgentID
    }

    public struct Notice: Hashable, Sendable {
        public var step: Int
        public var text: String
        public var isError: Bool
    }

    public mutating func apply(_ event: Event) {
        eventCount += 1
        step = event.step
        time = event.time
        // The ledger reads the projection as it was, a copy of it: the token stream is spared that copy.
        if CallLedger.follows(event.body) { calls.apply(event, before: self) }
        breakpoints.apply(event)
        let announcedBy = commander
        commander = nil
        switch event.body {
        case .sessionStarted(let info):
            self.info = info
            speed = info.speed
            agents = info.agents.map { AgentView(spec: $0) }
        case .stepStarted:
            break
        case .messageSent(let message):
            record(message)
        case .injected(let message):
            // Before the first step only the scenario's opening is sent.
            if message.sender == .user && event.step > 0 { userSpoke = true }
            record(message)
            if let announcedBy { injectedBy[log.count - 1] = announcedBy }
        case .delivered(let id, let agent):
            if let i = logPosition(of: id) {
                log[i].deliveries += 1
                log[i].pending.remove(agent)
                log[i].readBy.insert(agent)
                if log[i].pending.isEmpty { waiting.remove(i) }
            }
            let limit = memorySize
            withAgent(agent) { $0.remember(id, limit: limit) }
        case .edited(let id, let text, let original):
            if let i = logPosition(of: id) {
                // Who read it before the edit saw the original.
                if log[i].originalText == nil { log[i].originalText = original ?? log[i].message.text }
                log[i].readBeforeEdit = log[i].readBy
                log[i].message = log[i].message.withText(text)
                log[i].edited = true
                editCount += 1
            }
        case .dropped(let id, let from):
            if let i = logPosition(of: id) {
                log[i].dropped = true
                if let from {
                    log[i].droppedFor = AgentMask()
                    for agent in from { log[i].droppedFor.insert(agent) }
                } else {
                    log[i].droppedFor = log[i].pending
                }
                log[i].pending = AgentMask()
                waiting.remove(i)
            }
        case .restored(let id):
            if let i = logPosition(of: id) {
                log[i].dropped = false
                log[i].pending = log[i].droppedFor
                log[i].restoredFor = log[i].droppedFor
                log[i].droppedFor = AgentMask()
                if !log[i].pending.isEmpty { waiting.insert(i) }
            }
        case .mailboxFull(let agent, let id):
            var what = "a message"
            if let i = logPosition(of: id) {
                log[i].pending.remove(agent)
                if log[i].pending.isEmpty { waiting.remove(i) }
                what = "the message \(info?.name(of: log[i].message.sender) ?? "?") sent at step \(log[i].message.step)"
            }
            notice("\(name(agent))'s mailbox is full: \(what) was not delivered to it", error: true)
        case .callStarted(let agent, let model, _):
            withAgent(agent) { $0.status = model == Engine.humanModel ? .awaitingUser : .thinking; $0.streaming = ""; $0.streamedChunks = 0 }
        case .tokenDelta(let agent, let text):
            withAgent(agent) { $0.status = .streaming; $0.streaming += text; $0.streamedChunks += 1 }
        case .callFinished(let agent, let usage):
            totalTokens = CheckedNumber.sum(totalTokens, CheckedNumber.sum(usage.promptTokens, usage.completionTokens))
            if let price = info?.prices[usage.model] { totalCost += price.cost(of: usage) }
            withAgent(agent) {
                $0.status = .idle
                $0.streaming = ""
                $0.streamedChunks = 0
                $0.promptTokens = CheckedNumber.sum($0.promptTokens, usage.promptTokens)
                $0.completionTokens = CheckedNumber.sum($0.completionTokens, usage.completionTokens)
                $0.calls += 1
                $0.lastLatencyMs = usage.latencyMs
                $0.totalLatencyMs += usage.latencyMs
                $0.tokensEstimated = $0.tokensEstimated || usage.estimated
                $0.timing.add(usage)
            }
        case .observed(let agent, let readings):
            withAgent(agent) { $0.readings = readings }
            if let week = readings.first(where: { $0.name == "week" }) { environmentWeek = CheckedNumber.clamped(week.value, to: 0...Int(Int32.max)) }
            if bullwhip == nil, readings.contains(where: { $0.name == "backlog" }) { bullwhip = BullwhipChart() }
            bullwhip?.observe(stage: agent.index, readings: readings)
        case .action(let agent, let action):
            withAgent(agent) {
                $0.lastAction = action
                if !action.valid { $0.invalidActions += 1 }
            }
            if let week = agents.indices.contains(agent.index) ? agents[agent.index].reading("week") : nil {
                bullwhip?.ordered(stage: agent.index, week: CheckedNumber.clamped(week, to: 0...BullwhipChart.weekLimit), value: action.value)
            }
        case .reward(let agent, let value):
            withAgent(agent) { $0.totalReward += value }
        case .control(let control):
            switch control {
            case .pause, .stepOnce: paused = true
            case .resume:
                paused = false
                for i in agents.indices where agents[i].status == .suspended { agents[i].status = .thinking }
            case .speed(let s): speed = s
            case .mute(let agent): withAgent(agent) { $0.muted = true }
            case .unmute(let agent): withAgent(agent) { $0.muted = false }
            case .stop: break
            }
        case .takeover(let agent, let active):
            withAgent(agent) {
                $0.takenOver = active
                if !active && $0.status == .awaitingUser { $0.status = .idle }
            }
        case .agentError(let agent, let message):
            withAgent(agent) { $0.status = .error; $0.lastError = message; $0.streaming = "" }
            notice("\(name(agent)): \(message)", error: true)
            // The log keeps failures where they happened. The entry shares the id of the message
            // before it (ids must not fall), and lookups by id find that message first.
            let id = log.count > 0 ? log[log.count - 1].message.id : -1
            log.append(LogEntry(message: Message(id: id, step: event.step, time: event.time, sender: .agent(agent),
                                                 recipients: .some([]), kind: .error, text: message)))
        case .retrying(let agent, let attempt, let reason):
            withAgent(agent) { $0.status = .retrying; $0.lastError = "retry \(attempt): \(reason)"; $0.streaming = "" }
        case .callCancelled(let agent, _):
            withAgent(agent) { $0.status = .suspended; $0.streaming = "" }
        case .rejected(let command, let reason):
            notice("can't \(command): \(reason)", error: false)
        case .commanded(let sender, let command):
            commander = sender
            notice("\(sender): \(command)", error: false)
        case .breakpointSet, .breakpointCleared, .breakpointHit:
            break
        case .sessionEnded(let summary):
            ended = summary
        }
    }

    private mutating func record(_ message: Message) {
        var entry = LogEntry(message: message)
        entry.call = calls.claimReply(message)
        switch message.recipients {
        case .one(let id): entry.pending.insert(id)
        case .some(let ids): for id in ids { entry.pending.insert(id) }
        case .all: for i in agents.indices where AgentID(i) != message.sender.agent { entry.pending.insert(AgentID(i)) }
        }
        log.append(entry)
        if !entry.pending.isEmpty { waiting.insert(log.count - 1) }
        if info?.coordination != nil {
            if plan.last?.step != message.step { plan.append(PlanStep(step: message.step)) }
            if case .assignment(let variable, let value, _)? = message.coordination {
                plan[plan.count - 1].values.append((variable, value.description))
            }
        }
        if let agent = message.sender.agent {
            let limit = memorySize
            withAgent(agent) {
                // An agent's own words are part of what it remembers, as the engine keeps them.
                if message.kind.isSpeech { $0.remember(message.id, limit: limit) }
                $0.recent.append(message.id)
                if $0.recent.count > Projection.recentLimit { $0.recent.removeFirst() }
                $0.messagesSent += 1
                if $0.status != .error { $0.status = .idle }
            }
        }
        switch message.recipients {
        case .one(let id): edges[Edge(from: message.sender, to: id), default: 0] += 1
        case .some(let ids): for id in ids { edges[Edge(from: message.sender, to: id), default: 0] += 1 }
        case .all:
            for i in agents.indices where AgentID(i) != message.sender.agent {
                edges[Edge(from: message.sender, to: AgentID(i)), default: 0] += 1
            }
        }
        lastEdges = (message.sender, message.recipients, message.step)
    }

    /// Message ids never fall along the log, so a binary search finds one: the first entry
    /// with the id, which is the message (error entries after it repeat its id).
    public func logPosition(of id: Int) -> Int? {
        var low = 0, high = log.count
        while low < high {
            let mid = (low + high) / 2
            if log[mid].message.id < id { low = mid + 1 } else { high = mid }
        }
        guard low < log.count, log[low].message.id == id, log[low].message.kind != .error else { return nil }
        return low
    }

    public func message(id: Int) -> Message? { logPosition(of: id).map { log[$0].message } }

    private mutating func withAgent(_ agent: AgentID, _ change: (inout AgentView) -> Void) {
        guard agent.index >= 0, agent.index < agents.count else { return }
        change(&agents[agent.index])
    }

    private func name(_ agent: AgentID) -> String { info?.name(of: .agent(agent)) ?? "\(agent)" }

    private mutating func notice(_ text: String, error: Bool) {
        notices.append(Notice(step: step, text: text, isError: error))
        if notices.count > Projection.noticeLimit { notices.removeFirst(notices.count - Projection.noticeLimit) }
    }
}

/// What an agent is doing, as its pane shows it.
public enum AgentStatus: String, Sendable {
    case idle = "waiting"
    case thinking
    case streaming
    case awaitingUser = "your turn"
    case retrying
    /// Its request was cancelled by a pause and is sent again on resume.
    case suspended = "paused"
    case error
}

/// One agent's pane.
public struct AgentView: Sendable {
    public var spec: AgentSpec
    public var status: AgentStatus = .idle
    /// Text streaming in right now.
    public var streaming = ""
    /// Pieces of it streamed so far (about a token each), counted until the call reports its usage.
    public var streamedChunks = 0
    /// Ids of its last messages, oldest first.
    public var recent: [Int] = []
    public var messagesSent = 0
    public var promptTokens = 0
    public var completionTokens = 0
    public var tokensEstimated = false
    public var calls = 0
    public var lastLatencyMs: Double = 0
    public var totalLatencyMs: Double = 0
    public var muted = false
    public var takenOver = false
    public var lastError: String?
    public var lastAction: EnvironmentAction?
    public var totalReward: Double = 0
    /// What it last saw of its environment (inventory, backlog…), in order.
    public var readings: [Reading] = []
    /// Replies that held no valid action (a fallback was taken).
    public var invalidActions = 0
    /// Ids of the messages in its memory, oldest first: what its next request is built from.
    public private(set) var memory: [Int] = []

    mutating func remember(_ id: Int, limit: Int) {
        guard limit > 0 else { return }
        memory.append(id)
        if memory.count > limit { memory.removeFirst(memory.count - limit) }
    }

    public func reading(_ name: String) -> Double? { readings.first { $0.name == name }?.value }

    public init(spec: AgentSpec) { self.spec = spec }

    public var averageLatencyMs: Double { calls == 0 ? 0 : totalLatencyMs / Double(calls) }
    /// Time to first token, streaming speed and queueing, over the calls that measured them.
    public var timing = CallTiming()
}

/// An agent's model calls in figures: how soon replies start, how fast they
/// stream, and how long they waited in Palaver's own queue before being sent.
public struct CallTiming: Sendable {
    public private(set) var firstTokenCalls = 0
    public private(set) var totalFirstTokenMs: Double = 0
    public private(set) var streamedTokens = 0
    public private(set) var totalStreamMs: Double = 0
    public private(set) var totalQueuedMs: Double = 0
    public private(set) var calls = 0

    public init() {}

    mutating func add(_ usage: Usage) {
        calls += 1
        totalQueuedMs += usage.queuedMs ?? 0
        if let ms = usage.firstTokenMs, ms.isFinite, ms >= 0 {
            firstTokenCalls += 1
            totalFirstTokenMs += ms
        }
        if let ms = usage.streamMs, ms.isFinite, ms > 0, usage.completionTokens > 1 {
            streamedTokens += usage.completionTokens - 1
            totalStreamMs += ms
        }
    }

    public var averageFirstTokenMs: Double? { firstTokenCalls == 0 ? nil : totalFirstTokenMs / Double(firstTokenCalls) }
    public var tokensPerSecond: Double? { totalStreamMs > 0 ? Double(streamedTokens) / (totalStreamMs / 1000) : nil }
    public var averageQueuedMs: Double { calls == 0 ? 0 : totalQueuedMs / Double(calls) }
}

/// The values a coordination run's messages set in one step, in order.
public struct PlanStep: Sendable {
    public var step: Int
    public var values: [(variable: String, value: String)] = []
}

/// A small sorted set of log positions: messages waiting in mailboxes are few
/// (bounded by the mailboxes), so a sorted array with binary search serves.
public struct SortedPositions: Sendable, RandomAccessCollection {
    private var items: [Int] = []

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { items.count }
    public subscript(i: Int) -> Int { items[i] }

    private func slot(of value: Int) -> Int {
        var low = 0, high = items.count
        while low < high {
            let mid = (low + high) / 2
            if items[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    mutating func insert(_ value: Int) {
        let i = slot(of: value)
        if i == items.count || items[i] != value { items.insert(value, at: i) }
    }

    mutating func remove(_ value: Int) {
        let i = slot(of: value)
        if i < items.count, items[i] == value { items.remove(at: i) }
    }
}
