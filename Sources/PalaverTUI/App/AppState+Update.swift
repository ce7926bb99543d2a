import PalaverEngine

extension AppState {
    public static let keymap = Keymap.standard

    /// The one way in: everything the loop hears goes through here, and what
    /// should happen outside the screen comes back as effects. No I/O.
    public mutating func update(_ message: AppMessage) -> [AppEffect] {
        let effects = fold(message)
        refreshFilteredLog()
        return effects
    }

    private mutating func fold(_ message: AppMessage) -> [AppEffect] {
        switch message {
        case .key(let key): return handle(key)
        case .mouse(let mouse): handle(mouse)
        case .resize(let w, let h):
            width = w
            height = h
        case .source(let update):
            var effects: [AppEffect] = []
            if let replaced = update.projection { effects += show(replaced) }
            effects += receive(update.events)
            eventRate.note(update.events.count, at: now)
            if let playback = update.playback { replay = playback }
            for notice in update.notices { say(notice.text, error: notice.isError) }
            return effects
        case .tick(let time): now = time
        case .signal:
            quitRequested = true
            return [.quit]
        case .themeLoaded(let loaded):
            theme = loaded
            say("theme: \(loaded.name)")
        case .sessionFilesLoaded(let files):
            learnedPolicies = files.learnedPolicies
            coordinationProblem = files.coordinationProblem
            for problem in files.problems { say(problem, error: true) }
        case .notice(let text, let isError): say(text, error: isError)
        }
        return []
    }

    /// Applies engine events to what the screen shows.
    @discardableResult
    public mutating func receive(_ events: [Event]) -> [AppEffect] {
        guard !events.isEmpty else { return [] }
        var effects: [AppEffect] = []
        let followed = logOffset == 0 && logSelection == nil
        for event in events {
            projection.apply(event)
            switch event.body {
            case .sessionStarted(let info):
                effects += sessionFilesWanted(for: info)
            case .messageSent, .injected: lastMessageTime = now
            case .rejected(let command, let reason): say("can't \(command): \(reason)", error: true)
            case .agentError(let agent, let message):
                say("\(projection.info?.name(of: .agent(agent)) ?? "agent"): \(message)", error: true)
            default: break
            }
        }
        refreshFilteredLog()
        if !followed, logSelection == nil { logSelection = max(0, visibleLog.count - 1) }
        return effects
    }

    /// Shows a projection a source built (a replay that moved).
    private mutating func show(_ replaced: Projection) -> [AppEffect] {
        let newMessage = replaced.log.count > projection.log.count
        projection = replaced
        if newMessage { lastMessageTime = now }
        guard let info = replaced.info else { return [] }
        return sessionFilesWanted(for: info)
    }

    /// A session that names files (learned policies, a coordination problem) has them read once.
    private mutating func sessionFilesWanted(for info: SessionInfo) -> [AppEffect] {
        guard info.environment != nil || info.coordination != nil, sessionFilesRequested != info.scenario else { return [] }
        sessionFilesRequested = info.scenario
        return [.loadSessionFiles(info)]
    }

    /// Handles a key press and returns what should happen outside the screen.
    public mutating func handle(_ key: Key) -> [AppEffect] {
        promptError = nil
        switch mode {
        case .normal: return handleNormal(key)
        case .help(let scroll):
            handleHelp(key, scroll: scroll)
            return []
        case .detail:
            if key == .escape || key == .enter || key == .char("q") { mode = .normal }
            return []
        case .inspector(let inspection): return handleInspector(key, inspection)
        case .breakpoints(let selection): return handleBreakpointList(key, selection: selection)
        case .mailboxes(let agent, let scroll):
            handleMailboxes(key, agent: agent, scroll: scroll)
            return []
        case .fork(let form):
            return handleForkForm(key, form)
        case .chart:
            if key == .escape || key == .enter || key == .char("q") || key == .char("w") { mode = .normal; return [] }
            // Pausing, stepping and replay keys work with the chart open, so the weeks can be watched as they come.
            return handleNormal(key)
        case .compose(let text):
            switch edit(text, with: key) {
            case .changed(let t): mode = .compose(t)
            case .submitted(let t): return submitInjection(t)
            case .cancelled: mode = .normal
            case .unchanged: break
            }
        case .reply(let agent, let text):
            switch edit(text, with: key) {
            case .changed(let t): mode = .reply(agent, t)
            case .submitted(let t):
                mode = .normal
                return [.engine(.reply(agent, text: t))]
            case .cancelled: mode = .normal
            case .unchanged: break
            }
        case .edit(let id, let text):
            switch edit(text, with: key) {
            case .changed(let t): mode = .edit(messageID: id, t)
            case .submitted(let t):
                mode = .normal
                return [.engine(.edit(messageID: id, text: t))]
            case .cancelled: mode = .normal
            case .unchanged: break
            }
        case .filter(let text):
            // Tab completes a name after from:, to: or @ alike.
            if key == .tab, let agents = projection.info?.agents {
                logFilter = LogFilter.complete(text, agents: agents)
                mode = .filter(logFilter)
                return []
            }
            switch edit(text, with: key) {
            case .changed(let t):
                mode = .filter(t)
                logFilter = t
                logSelection = nil
            case .submitted(let t):
                logFilter = t
                mode = .normal
            case .cancelled:
                logFilter = ""
                mode = .normal
            case .unchanged: break
            }
        case .command(let text):
            switch edit(text, with: key) {
            case .changed(let t): mode = .command(t)
            case .submitted(let t): return runCommand(t)
            case .cancelled: mode = .normal
            case .unchanged: break
            }
        }
        return []
    }

    private enum LineEdit { case changed(String), submitted(String), cancelled, unchanged }

    /// Line editing shared by every typing mode: Enter submits, Esc cancels,
    /// Tab completes agent names.
    private func edit(_ text: String, with key: Key) -> LineEdit {
        switch key {
        case .escape: return .cancelled
        case .enter: return .submitted(text)
        case .backspace, .delete, .ctrl("h"): return text.isEmpty ? .unchanged : .changed(String(text.dropLast()))
        case .ctrl("u"): return .changed("")
        case .tab:
            guard let agents = projection.info?.agents else { return .unchanged }
            return .changed(InjectionParser.complete(text, agents: agents))
        case .char(let c): return .changed(text + String(c))
        default: return .unchanged
        }
    }

    private mutating func submitInjection(_ text: String) -> [AppEffect] {
        guard let agents = projection.info?.agents else { return [] }
        switch InjectionParser.parse(text, agents: agents) {
        case .success(let command):
            mode = .normal
            say("sent: \(DisplayWidth.truncate(text, to: 60))")
            return [.engine(command)]
        case .failure(let failure):
            // Said where the eyes are: in the prompt, which stays open with the text to fix.
            if case .compose = mode { promptError = failure.description } else { say(failure.description, error: true) }
            return []
        }
    }

    private mutating func handleNormal(_ key: Key) -> [AppEffect] {
        if key == .escape {
            logFilter = ""
            logSelection = nil
            logOffset = 0
            return []
        }
        guard let action = Self.keymap.action(for: key) else {
            if case .char(let c) = key, !c.isWhitespace { say("'\(c)' does nothing here; press ? for the keys") }
            return []
        }
        if let effects = handleDebugging(action) { return effects }
        if let replay { return handleReplay(action, replay) }
        let replayOnly: Set<Action> = [.eventBack, .stepForward, .stepBack, .nextMessage, .previousMessage, .jumpForward, .jumpBack, .fork]
        if replayOnly.contains(action) {
            say(action == .fork ? "f forks a recording: this run is live and recorded already (fork it later with palaver fork PATH --at STEP)"
                                : "that key moves through recordings: open one with palaver replay (this run is live)")
            return []
        }
        let changesTheRun: Set<Action> = [.togglePause, .stepOnce, .faster, .slower, .compose, .reply, .editMessage, .dropMessage, .restoreMessage, .mute, .takeOver]
        if changesTheRun.contains(action), let ended = projection.ended {
            say("this run has ended (\(NumberText.counted(ended.steps, "step"))): start another with palaver run, or press q to quit", error: true)
            return []
        }
        switch action {
        case .togglePause: return [.engine(projection.paused ? .resume : .pause)]
        case .stepOnce: return [.engine(.stepOnce)]
        case .faster: return [.engine(.setSpeed(projection.speed.faster()))]
        case .slower: return [.engine(.setSpeed(projection.speed.slower()))]
        case .focusNext: moveFocus(by: 1)
        case .focusPrevious: moveFocus(by: -1)
        case .scrollDown: scroll(by: 1)
        case .scrollUp: scroll(by: -1)
        case .pageDown: scroll(by: max(1, height / 2))
        case .pageUp: scroll(by: -max(1, height / 2))
        case .scrollTop:
            if focus == .graph { graphShowsPolicy.toggle(); return [] }
            scrollToTop()
        case .scrollBottom: scrollToBottom()
        case .openMessage:
            if let entry = selectedLogEntry { mode = .detail(messageID: entry.message.id) }
        case .filter: mode = .filter(logFilter)
        case .compose:
            var start = ""
            if let agent = focusedAgent, let spec = projection.info?.agents[agent] { start = "@\(spec.id) " }
            mode = .compose(start)
        case .reply:
            guard let agent = agentsAwaitingUser.first else {
                say(projection.agents.contains { $0.takenOver }
                    ? "not your turn yet: the agent you took over will wait for you when its turn comes"
                    : "take an agent over first: focus its pane (Tab) and press t", error: true)
                return []
            }
            mode = .reply(agent, "")
        case .editMessage, .dropMessage:
            guard focus == .log else { say("select a message in the log first (Tab to the log)", error: true); return [] }
            guard let entry = selectedLogEntry else { return [] }
            guard !entry.dropped else {
                say("\(projection.info?.name(of: entry.message.sender) ?? "that")'s message of step \(entry.message.step) was already dropped", error: true)
                return []
            }
            if action == .dropMessage { return [.engine(.drop(messageID: entry.message.id))] }
            mode = .edit(messageID: entry.message.id, entry.message.text)
        case .mute:
            guard let agent = focusedAgent else { say("focus an agent pane first (Tab)", error: true); return [] }
            return [.engine(projection.agents[agent].muted ? .unmute(AgentID(agent)) : .mute(AgentID(agent)))]
        case .takeOver:
            guard let agent = focusedAgent else { say("focus an agent pane first (Tab)", error: true); return [] }
            if projection.agents[agent].takenOver { return [.engine(.handBack(AgentID(agent)))] }
            say("you are \(projection.agents[agent].spec.name) now: when its turn comes, press r to reply; t hands it back")
            return [.engine(.takeOver(AgentID(agent)))]
        case .restoreMessage: return restoreSelected()
        case .mailboxes: openMailboxes()
        case .toggleChatter: toggleChatter()
        case .toggleGraph:
            // Where there is no graph pane, p would change nothing visible: say why instead.
            guard layout.graph != nil else {
                say("the graph pane (who talks, plan, policy) needs " + (width < 90 ? "90 columns or more" : "more rows")
                    + "; this terminal is \(width)×\(height)", error: true)
                return []
            }
            graphShowsPolicy.toggle()
        case .bullwhip:
            if mode == .chart { mode = .normal } else { openChart() }
        case .cycleTheme:
            guard !themeNames.isEmpty else { return [] }
            let i = themeNames.firstIndex(of: theme.name) ?? -1
            return [.loadTheme(themeNames[(i + 1) % themeNames.count])]
        case .commandMode: mode = .command("")
        case .help: mode = .help(scroll: 0)
        case .quit:
            quitRequested = true
            return [.quit]
        case .eventBack, .stepForward, .stepBack, .nextMessage, .previousMessage, .jumpForward, .jumpBack, .fork,
             .inspectCall, .toggleBreakpoint, .breakpointList:
            break
        }
        return []
    }

    /// Keys while watching a recording: they move through it; stepping in needs a fork.
    private mutating func handleReplay(_ action: Action, _ replay: ReplayStatus) -> [AppEffect] {
        switch action {
        case .togglePause: return [.replay(.togglePlay)]
        case .stepOnce: return [.replay(.events(1))]
        case .eventBack: return [.replay(.events(-1))]
        case .stepForward: return [.replay(.steps(1))]
        case .stepBack: return [.replay(.steps(-1))]
        case .jumpForward: return [.replay(.percent(10))]
        case .jumpBack: return [.replay(.percent(-10))]
        case .faster: return [.replay(.setSpeed(replay.speed.faster()))]
        case .slower: return [.replay(.setSpeed(replay.speed.slower()))]
        case .fork:
            openForkForm()
            return []
        case .nextMessage, .previousMessage:
            guard let agent = focusedAgent else { say("focus an agent pane first (Tab), then ] and [ move between its messages", error: true); return [] }
            return [.replay(.messages(AgentID(agent), action == .nextMessage ? 1 : -1))]
        case .compose, .reply, .editMessage, .dropMessage, .restoreMessage, .mute, .takeOver:
            say("this is a recording: press f to fork a live run from here, then step in", error: true)
            return []
        default:
            var copy = self
            copy.replay = nil
            let effects = copy.handleNormal(for: action)
            self = copy
            self.replay = replay
            return effects
        }
    }

    /// The live-mode handling of an action (used for keys that mean the same in a replay).
    private mutating func handleNormal(for action: Action) -> [AppEffect] {
        guard let key = Self.keymap.bindings.first(where: { $0.action == action })?.keys.first else { return [] }
        return handleNormal(key)
    }

    /// Runs a `:` command.
    public mutating func runCommand(_ line: String) -> [AppEffect] {
        mode = .normal
        let parts = line.trimmingWhitespace.split(separator: " ", maxSplits: 1).map(String.init)
        guard let name = parts.first?.lowercased() else { return [] }
        let argument = parts.count > 1 ? parts[1].trimmingWhitespace : ""
        if let effects = runBreakCommand(name, argument) { return effects }
        switch name {
        case "speed":
            guard let speed = Speed(parsing: argument) else { say("speed takes 0.25 to 64, or max (e.g. :speed 4)", error: true); return [] }
            return [replay == nil ? .engine(.setSpeed(speed)) : .replay(.setSpeed(speed))]
        case "theme":
            guard !argument.isEmpty else { say("themes: \(themeNames.joined(separator: ", "))"); return [] }
            return [.loadTheme(argument)]
        case "inject", "i":
            return submitInjection(argument)
        case "pause":
            if let replay { return replay.playing ? [.replay(.togglePlay)] : [] }
            return [.engine(.pause)]
        case "resume", "play":
            if let replay { return replay.playing ? [] : [.replay(.togglePlay)] }
            return [.engine(.resume)]
        case "step": return [replay == nil ? .engine(.stepOnce) : .replay(.events(1))]
        case "save", "w": return [.save(to: argument.isEmpty ? nil : argument)]
        case "quit", "q":
            quitRequested = true
            return [.quit]
        case "help": mode = .help(scroll: 0); return []
        case "chart", "bullwhip", "weeks": openChart(); return []
        case "goto", "g":
            guard replay != nil else { say(":goto moves through recordings (palaver replay)", error: true); return [] }
            let parts = argument.split(separator: ":")
            // Typed numbers can be anything: checked, so 999999999999999999:0 is refused, not a trap.
            if parts.count == 2, let m = CheckedNumber.int(parts[0], in: 0...10_000_000),
               let sec = CheckedNumber.double(parts[1], in: 0...1e9) { return [.replay(.goToTime(Double(m) * 60 + sec))] }
            if let step = CheckedNumber.int(argument, in: 0...Int.max) { return [.replay(.goToStep(step))] }
            say("goto takes a step (:goto 12) or a time (:goto 01:30)", error: true)
            return []
        case "filter": logFilter = argument; logSelection = nil; return []
        case "mute", "unmute", "takeover", "handback":
            guard let agents = projection.info?.agents, let id = InjectionParser.agent(named: argument, in: agents) else {
                say("\(name) needs an agent name (e.g. :\(name) \(projection.info?.agents.first?.id ?? "name"))", error: true)
                return []
            }
            let command: Command = name == "mute" ? .mute(id) : name == "unmute" ? .unmute(id) : name == "takeover" ? .takeOver(id) : .handBack(id)
            return [.engine(command)]
        default:
            say("unknown command :\(name) (try " + (replay == nil ? ":speed, :pause, :inject, :break, :save, :theme, :quit)"
                                                                  : ":goto, :speed, :break, :theme, :quit)"), error: true)
            return []
        }
    }
}
