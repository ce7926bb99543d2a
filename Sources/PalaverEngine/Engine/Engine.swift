import DequeModule

/// Owns the world and advances it one step at a time. Synchronous and
/// deterministic: it never waits, reads no clock and starts no task. Whoever
/// drives it (the `Runner` in real time, tests and benchmarks directly) sets
/// `time`, applies commands at step boundaries, and completes model turns.
public final class Engine {
    public let info: SessionInfo
    public let configuration: EngineConfiguration
    public private(set) var step = 0
    /// Seconds since the session started; stamped on every event.
    public var time: Double = 0

    public internal(set) var paused = false
    public internal(set) var speed: Speed
    public internal(set) var stopped = false
    /// Steps allowed while paused (`Command.stepOnce`).
    public internal(set) var stepAllowance = 0

    var mailboxes: [Mailbox]
    var memories: [Deque<Message>]
    var muted: [Bool]
    var takenOver: [Bool]
    var turnsTaken: [Int]
    /// The step each agent last spoke in; 0 before it first does.
    var lastSpoke: [Int]
    var behaviors: [(any AgentBehavior)?]
    /// Agents whose turn in the current step has not finished yet.
    public internal(set) var openTurns: Set<AgentID> = []
    /// What a taken-over agent's model would have been asked, kept while its turn waits for the user, so a hand-back lets the model answer.
    var waitingForUser: [AgentID: ModelRequest] = [:]
    /// Turns handed back mid-step, now waiting for the model: the runner takes and starts them.
    var handedBack: [Turn] = []
    public internal(set) var nextMessageID = 1
    /// Messages dropped by the user, as they waited, and for whom: a restore puts them back.
    var droppedMessages: [Int: (message: Message, recipients: [AgentID])] = [:]
    var roundRobinCursor = 0
    var lastMessage: Message?
    public internal(set) var messageCount = 0
    var tokenCount = 0
    /// The user's breakpoints, in the order they were set (see `Engine+Breakpoints`).
    public internal(set) var breakpoints: [Breakpoint] = []
    var nextBreakpointID = 1
    /// The step whose before-step breakpoints have stopped the run once already: it now runs.
    var passedBreakStep: Int?
    /// Where events go; a rebuilt engine is handed a new one before it runs on.
    public var sink: any EventSink
    /// The environment the agents act in, when the scenario attaches one.
    public private(set) var environment: (any EnvironmentDriver)?
    /// Whether behaving agents may also talk through their models (coordination scenarios);
    /// other runs skip asking, which keeps the routing loop lean.
    private let behaviorsSpeak: Bool

    // Scratch space reused every turn so that sync agents allocate nothing per message.
    private var deliveredScratch: [Message] = []
    private var outgoingScratch: [Outgoing] = []

    /// - Parameters:
    ///   - behaviors: agents that act without a model call (for a scenario's coordination, see `EngineAttachments`).
    ///   - environment: the scenario's environment, if it has one (`EngineAttachments`).
    public init(info: SessionInfo, configuration: EngineConfiguration? = nil,
                behaviors: [AgentID: any AgentBehavior] = [:], environment: (any EnvironmentDriver)? = nil, sink: any EventSink) {
        self.info = info
        let configuration = configuration ?? info.configuration
        self.configuration = configuration
        self.speed = info.speed
        self.sink = sink
        let n = info.agents.count
        mailboxes = Array(repeating: Mailbox(capacity: configuration.mailboxCapacity), count: n)
        memories = Array(repeating: Deque(), count: n)
        muted = Array(repeating: false, count: n)
        takenOver = Array(repeating: false, count: n)
        turnsTaken = Array(repeating: 0, count: n)
        lastSpoke = Array(repeating: 0, count: n)
        self.behaviors = (0..<n).map { behaviors[AgentID($0)] }
        behaviorsSpeak = info.coordination != nil
        self.environment = environment
    }

    /// The model name recorded for turns the user types for a taken-over agent.
    public static let humanModel = "human"

    public var agentCount: Int { info.agents.count }
    public var isStepOpen: Bool { !openTurns.isEmpty }
    public func isMuted(_ agent: AgentID) -> Bool { muted[agent.index] }
    public func isTakenOver(_ agent: AgentID) -> Bool { takenOver[agent.index] }
    public func mailbox(of agent: AgentID) -> Mailbox { mailboxes[agent.index] }
    /// Nothing is waiting anywhere: no agent has mail to answer.
    public var isQuiet: Bool { mailboxes.allSatisfy(\.isEmpty) }
    /// The engine may run a step now (not paused, or paused with a step allowed).
    public var mayStep: Bool { !stopped && (!paused || stepAllowance > 0) }

    func emit(_ body: Event.Body) {
        sink.receive(Event(step: step, time: time, body))
        if !breakpoints.isEmpty { breakAfter(body) }
    }

    // MARK: Starting and ending

    /// Records the session's start and posts the scenario's opening messages.
    public func start(opening: [(from: Party, message: Outgoing)] = []) {
        emit(.sessionStarted(info))
        for (sender, message) in opening {
            send(message, from: sender)
        }
    }

    public func finish(_ reason: Summary.Reason) {
        emit(.sessionEnded(Summary(reason: reason, steps: step, messages: messageCount,
                                   tokens: tokenCount, durationSeconds: time)))
        sink.stepEnded()
    }

    // MARK: Routing

    /// Stamps and routes a message; injected messages are recorded as injections.
    @discardableResult
    func send(_ outgoing: Outgoing, from sender: Party) -> Message {
        let message = Message(id: nextMessageID, step: step, time: time, sender: sender,
                              recipients: outgoing.to, kind: outgoing.kind, text: outgoing.text,
                              metadata: outgoing.metadata, author: outgoing.author, coordination: outgoing.coordination)
        nextMessageID += 1
        messageCount += 1
        lastMessage = message
        emit(message.kind == .injected ? .injected(message) : .messageSent(message))
        if let agent = sender.agent {
            lastSpoke[agent.index] = step
            // An agent's own words are part of its conversation (sent back as `assistant`
            // messages), in the order it said them; a broadcast skips its own mailbox.
            if message.kind.isSpeech { remember(message, by: agent) }
        }
        switch message.recipients {
        case .one(let id):
            enqueue(message, for: id)
        case .some(let ids):
            for id in ids { enqueue(message, for: id) }
        case .all:
            let from = sender.agent
            for i in 0..<mailboxes.count where AgentID(i) != from {
                enqueue(message, for: AgentID(i))
            }
        }
        return message
    }

    private func enqueue(_ message: Message, for agent: AgentID) {
        guard agent.index >= 0, agent.index < mailboxes.count else { return }
        if !mailboxes[agent.index].push(message) {
            emit(.mailboxFull(agent: agent, messageID: message.id))
        }
    }

    /// Delivers everything waiting for `agent` into its memory and `deliveredScratch`.
    private func deliverMail(to agent: AgentID) {
        deliveredScratch.removeAll(keepingCapacity: true)
        while let message = mailboxes[agent.index].pop() {
            emit(.delivered(messageID: message.id, to: agent))
            deliveredScratch.append(message)
            remember(message, by: agent)
        }
    }

    func remember(_ message: Message, by agent: AgentID) {
        guard configuration.memorySize > 0 else { return }
        memories[agent.index].append(message)
        if memories[agent.index].count > configuration.memorySize {
            memories[agent.index].removeFirst()
        }
    }

    // MARK: Steps

    /// Starts the next step: picks who acts, delivers their mail, lets
    /// synchronous agents act at once, and returns the turns that wait for a
    /// model or for the user. The step is over when every returned turn is finished.
    @discardableResult
    public func beginStep() -> [Turn] {
        precondition(openTurns.isEmpty, "beginStep() while a step is still open")
        step += 1
        if paused && stepAllowance > 0 { stepAllowance -= 1 }
        emit(.stepStarted)
        if let environment { return beginEnvironmentStep(environment) }
        var turns: [Turn] = []
        for agent in actingAgents() {
            deliverMail(to: agent)
            if let behavior = behaviors[agent.index] {
                outgoingScratch.removeAll(keepingCapacity: true)
                behavior.act(agent: agent, delivered: deliveredScratch[...], step: step, outgoing: &outgoingScratch)
                for var outgoing in outgoingScratch {
                    outgoing.author = .algorithm
                    send(outgoing, from: .agent(agent))
                }
                turnsTaken[agent.index] += 1
                if behaviorsSpeak, let speech = behavior.speech(step: step), !takenOver[agent.index] {
                    openTurns.insert(agent)
                    var request = self.request(for: agent, unread: deliveredScratch.count,
                                               prompt: ChatMessage(role: .user, name: "coordinator", content: speech.prompt))
                    request.facts = speech.facts
                    emit(.callStarted(agent: agent, model: info.agents[agent.index].model, context: request.context))
                    turns.append(Turn(agent: agent, kind: .model(request)))
                }
            } else if takenOver[agent.index] {
                openTurns.insert(agent)
                waitingForUser[agent] = request(for: agent, unread: deliveredScratch.count)
                emit(.callStarted(agent: agent, model: Engine.humanModel))
                turns.append(Turn(agent: agent, kind: .human))
            } else {
                openTurns.insert(agent)
                let request = self.request(for: agent, unread: deliveredScratch.count)
                emit(.callStarted(agent: agent, model: info.agents[agent.index].model, context: request.context))
                turns.append(Turn(agent: agent, kind: .model(request)))
            }
        }
        return turns
    }

    /// With an environment every agent acts each step: it observes, reads its
    /// mail, and orders by its policy at once or through its model's reply.
    private func beginEnvironmentStep(_ environment: any EnvironmentDriver) -> [Turn] {
        var turns: [Turn] = []
        for i in 0..<agentCount {
            let agent = AgentID(i)
            let readings = environment.readings(for: i)
            emit(.observed(agent: agent, readings: readings))
            deliverMail(to: agent)
            if muted[i] {
                act(environment.fallbackAction(for: i), by: agent)
            } else if takenOver[i] {
                openTurns.insert(agent)
                var request = self.request(for: agent, unread: deliveredScratch.count,
                                           prompt: ChatMessage(role: .user, name: "environment", content: environment.prompt(for: i)))
                request.observation = readings
                waitingForUser[agent] = request
                emit(.callStarted(agent: agent, model: Engine.humanModel))
                turns.append(Turn(agent: agent, kind: .human))
            } else if let (action, message) = environment.automaticAction(for: i) {
                turnsTaken[i] += 1
                if let message { send(Outgoing(to: replyRecipients(for: agent), text: message, author: .algorithm), from: .agent(agent)) }
                act(action, by: agent)
            } else {
                openTurns.insert(agent)
                var request = self.request(for: agent, unread: deliveredScratch.count,
                                           prompt: ChatMessage(role: .user, name: "environment", content: environment.prompt(for: i)))
                request.observation = readings
                emit(.callStarted(agent: agent, model: info.agents[i].model, context: request.context))
                turns.append(Turn(agent: agent, kind: .model(request)))
            }
        }
        stepEnvironmentIfReady()
        return turns
    }

    /// Records an agent's action in its environment.
    func act(_ action: EnvironmentAction, by agent: AgentID) {
        guard let environment else { return }
        environment.record(action, for: agent.index)
        emit(.action(agent: agent, action: action))
    }

    /// Steps the environment once every agent has acted, and pays the rewards.
    func stepEnvironmentIfReady() {
        guard let rewards = environment?.stepIfReady() else { return }
        for (i, reward) in rewards.enumerated() { emit(.reward(agent: AgentID(i), value: reward)) }
    }

    /// Ends an agent's environment turn with what its reply (or the user's) says to do.
    func actOnReply(_ text: String, by agent: AgentID) {
        guard let environment else { return }
        act(environment.action(in: text, for: agent.index), by: agent)
        stepEnvironmentIfReady()
    }

    /// Who acts this step, by the scenario's turn rule.
    func actingAgents() -> [AgentID] {
        let actors = upcomingActors(at: step)
        if info.turnRule == .roundRobin, let first = actors.first { roundRobinCursor = (first.index + 1) % agentCount }
        return actors
    }

    /// Who will act in `step` (the one beginning now, or the next), without moving the turn order.
    func upcomingActors(at step: Int) -> [AgentID] {
        let n = agentCount
        guard n > 0 else { return [] }
        if environment != nil { return (0..<n).map(AgentID.init) }
        switch info.turnRule {
        case .roundRobin:
            for offset in 0..<n {
                let candidate = (roundRobinCursor + offset) % n
                if !muted[candidate] { return [AgentID(candidate)] }
            }
            return []
        case .reactive:
            return (0..<n).filter { !muted[$0] && !mailboxes[$0].isEmpty }.map(AgentID.init)
        case .everyone:
            return (0..<n).filter { !muted[$0] }.map(AgentID.init)
        case .selector:
            let chosen = SpeakerSelector(seed: info.seed).choose(
                after: lastMessage, among: info.agents, muted: muted, lastSpoke: lastSpoke, step: step)
            return chosen.map { [$0] } ?? []
        }
    }

    /// The chat request for an agent's turn: its persona, then what it has seen and said, then
    /// `prompt` (this turn's question from an environment or algorithm), within its context window.
    /// Its `context` records the request by reference for `call_started`.
    func request(for agent: AgentID, unread: Int, prompt: ChatMessage? = nil) -> ModelRequest {
        let spec = info.agents[agent.index]
        let memory = memories[agent.index]
        var messages = ChatRequest.messages(for: agent, in: info, window: memory, prompt: prompt)
        // The reply needs room too: what max_tokens asks for, else a few sentences' worth.
        let window = spec.contextTokens ?? EngineConfiguration.defaultContextTokens
        let budget = max(64, window - (spec.endpoint.maxTokens ?? EngineConfiguration.replyReserveTokens))
        // Only remembered turns are left out (the system prompt and the last message stay).
        let trimmed = PromptBuilder.fit(&messages, budget: budget)
        let remembered = memory.count - trimmed
        var request = ModelRequest(agent: agent, spec: spec, roster: info.agents, scenarioTitle: info.title,
                                   seed: info.seed, step: step, turn: turnsTaken[agent.index], messages: messages,
                                   unread: max(0, min(unread, remembered)))
        request.context = CallContext(window: memory.dropFirst(trimmed).map(\.id), trimmed: trimmed, prompt: prompt)
        return request
    }

    /// Turns handed back to their models while they waited for the user: start them now.
    public func takeHandedBackTurns() -> [Turn] {
        defer { handedBack.removeAll() }
        return handedBack
    }

    public func streamToken(_ text: String, for agent: AgentID) {
        guard openTurns.contains(agent) else { return }
        emit(.tokenDelta(agent: agent, text: text))
    }

    /// Ends an agent's model turn with its reply, sent per the scenario's reply rule.
    public func finishTurn(of agent: AgentID, text: String, usage: Usage) {
        guard openTurns.remove(agent) != nil else { return }
        turnsTaken[agent.index] += 1
        tokenCount += usage.promptTokens + usage.completionTokens
        emit(.callFinished(agent: agent, usage: usage))
        let metadata = MessageMetadata(promptTokens: usage.promptTokens, completionTokens: usage.completionTokens,
                                       latencyMs: usage.latencyMs, model: usage.model)
        let body = text.trimmingWhitespace
        guard !body.isEmpty else {
            emit(.agentError(agent: agent, message: "the model replied with nothing"))
            actOnReply("", by: agent)
            return
        }
        send(Outgoing(to: replyRecipients(for: agent), text: body, metadata: metadata, author: .model), from: .agent(agent))
        actOnReply(body, by: agent)
    }

    /// Notes that an agent's model call is being retried.
    public func noteRetry(of agent: AgentID, attempt: Int, reason: String) {
        guard openTurns.contains(agent) else { return }
        emit(.retrying(agent: agent, attempt: attempt, reason: reason))
    }

    /// Notes that an agent's call in flight was cancelled; its turn stays open
    /// and the runner asks the model again.
    public func cancelCall(of agent: AgentID, reason: String) {
        guard openTurns.contains(agent) else { return }
        emit(.callCancelled(agent: agent, reason: reason))
    }

    /// Ends an agent's turn with an error; the other agents carry on.
    public func failTurn(of agent: AgentID, reason: String) {
        guard openTurns.remove(agent) != nil else { return }
        turnsTaken[agent.index] += 1
        emit(.agentError(agent: agent, message: reason))
        actOnReply("", by: agent)
    }

    func replyRecipients(for agent: AgentID) -> Recipients {
        // In an environment agents talk to their neighbours (the beer game's supplier and customer).
        if let neighbours = environment?.neighbours(of: agent.index) {
            return neighbours.count == 1 ? .one(AgentID(neighbours[0])) : .some(neighbours.map(AgentID.init))
        }
        switch configuration.replyTo {
        case .all:
            return .all
        case .sender:
            let last = memories[agent.index].last { $0.sender != .agent(agent) }
            if let from = last?.sender.agent { return .one(from) }
            return .all
        }
    }

    /// Marks the end of a step for the sinks (the session writer flushes here).
    public func endStep() {
        sink.stepEnded()
    }
}
