import PalaverEngine

/// The workbench as a debugger: the call inspector (Enter on an agent's
/// message, `c`) and breakpoints (`b`, `B`, `:break`). Live runs set
/// breakpoints in the engine; a replay keeps its own and its player stops.
extension AppState {
    public struct ListedBreakpoint: Sendable, Equatable {
        public var breakpoint: Breakpoint
        /// Set in the recording being replayed (not by this replay).
        public var recorded: Bool
    }

    /// The breakpoints in force: the run's, or in a replay the recording's still honoured and this replay's own.
    public var breakpointList: [ListedBreakpoint] {
        let set = projection.breakpoints.active
        guard let replay else { return set.map { ListedBreakpoint(breakpoint: $0, recorded: false) } }
        return set.filter { !replay.clearedRecorded.contains($0.id) }.map { ListedBreakpoint(breakpoint: $0, recorded: true) }
            + replay.breakpoints.map { ListedBreakpoint(breakpoint: $0, recorded: false) }
    }

    /// The breakpoint the run (or the replay) stands stopped at.
    public var breakStop: BreakpointBoard.Stop? {
        if let replay { return replay.stop }
        guard projection.paused, projection.ended == nil else { return nil }
        return projection.breakpoints.stop
    }

    /// The call a stop concerns: that of the message that matched, else the agent's latest.
    var breakStopCall: Int? {
        guard let stop = breakStop else { return nil }
        if let id = stop.hit.messageID, let i = projection.logPosition(of: id), let call = projection.log[i].call { return call }
        guard let agent = stop.hit.agent, agent.index < projection.calls.latest.count else { return nil }
        return projection.calls.latest[agent.index]
    }

    /// Keys of the debugger in normal mode; nil for keys it does not own.
    mutating func handleDebugging(_ action: Action) -> [AppEffect]? {
        switch action {
        case .openMessage:
            // At a stop, with nothing selected, Enter inspects the call the stop concerns.
            if focus == .log, logSelection == nil, let call = breakStopCall { return inspect(call) }
            guard let entry = selectedLogEntry else { return [] }
            if let call = entry.call { return inspect(call) }
            mode = .detail(messageID: entry.message.id)
            return []
        case .inspectCall:
            if let agent = focusedAgent {
                guard agent < projection.calls.latest.count, let call = projection.calls.latest[agent] else {
                    say("\(projection.agents[agent].spec.name) has made no model call yet", error: true)
                    return []
                }
                return inspect(call)
            }
            if focus == .log, logSelection == nil, let call = breakStopCall { return inspect(call) }
            guard focus == .log, let position = selectedLogPosition else {
                say("select a message in the log or focus an agent's pane (Tab), then press c", error: true)
                return []
            }
            let entry = projection.log[position]
            if let call = entry.call { return inspect(call) }
            // Named as the log numbers it (by step), not by its id in the session file.
            let who = entry.message.sender != .user ? projection.info.map { $0.name(of: entry.message.sender) + "'s" } ?? "this"
                : projection.injectedBy[position].map { $0.sanitizedForTerminal(singleLine: true) + "'s" } ?? "your"
            say("\(who) message at step \(entry.message.step) came from no model call (\(origin(of: entry.message, at: position)))", error: true)
            return []
        case .toggleBreakpoint:
            guard let agent = focusedAgent else {
                say("focus an agent's pane (Tab) and press b to stop before it speaks; :break for other conditions", error: true)
                return []
            }
            guard !runHasEnded() else { return [] }
            let condition = BreakCondition.agent(AgentID(agent))
            if let existing = breakpointList.first(where: { $0.breakpoint.condition == condition }) {
                say("breakpoint \(existing.breakpoint.id) cleared: \(projection.agents[agent].spec.name) speaks without stopping")
                return [clear(existing.breakpoint.id)]
            }
            say("the run will stop before \(projection.agents[agent].spec.name) speaks (B lists breakpoints)")
            return [set(condition)]
        case .breakpointList:
            mode = .breakpoints(selection: 0)
            return []
        default:
            return nil
        }
    }

    /// A live run that has ended takes no breakpoints (a replay of it does).
    private mutating func runHasEnded() -> Bool {
        guard replay == nil, let ended = projection.ended else { return false }
        say("this run has ended (\(ended.steps) steps): breakpoints work in a new run or in palaver replay", error: true)
        return true
    }

    private func origin(of message: Message, at position: Int) -> String {
        if message.kind == .injected {
            let who = projection.injectedBy[position].map { $0.sanitizedForTerminal(singleLine: true) + " injected it from an attached workbench" } ?? "you injected it"
            return message.sender == .user ? who : "\(who) as \(projection.info?.name(of: message.sender) ?? "an agent")"
        }
        if message.metadata?.model == Engine.humanModel { return "a person typed it" }
        if message.sender.agent == nil { return "the \(message.sender == .environment ? "environment" : "scenario") sent it" }
        return "its agent's algorithm or policy sent it"
    }

    private mutating func inspect(_ call: Int) -> [AppEffect] {
        mode = .inspector(Inspection(call: call))
        return []
    }

    private func set(_ condition: BreakCondition) -> AppEffect {
        replay == nil ? .engine(.setBreakpoint(condition)) : .replay(.setBreakpoint(condition))
    }

    private func clear(_ id: Int) -> AppEffect {
        replay == nil ? .engine(.clearBreakpoint(id: id)) : .replay(.clearBreakpoint(id: id))
    }

    /// Keys while the inspector is open.
    mutating func handleInspector(_ key: Key, _ inspection: Inspection) -> [AppEffect] {
        var next = inspection
        let page = max(1, CallInspector.bodyHeight(in: Rect(x: 0, y: 0, width: width, height: height)) - 1)
        switch key {
        case .escape, .char("q"), .enter, .char("c"): mode = .normal; return []
        case .char("j"), .down: next.scroll += 1
        case .char("k"), .up: next.scroll -= 1
        case .pageDown, .ctrl("d"), .char(" "): next.scroll += page
        case .pageUp, .ctrl("u"): next.scroll -= page
        case .char("g"), .home: next.scroll = 0
        case .char("G"), .end: next.scroll = Int.max / 2
        case .char("r"): next.raw.toggle(); next.scroll = 0
        case .char("["), .char("]"):
            let calls = projection.calls.calls(of: projection.calls.records[inspection.call].agent)
            guard let i = calls.firstIndex(of: inspection.call) else { return [] }
            let j = i + (key == .char("]") ? 1 : -1)
            guard j >= 0, j < calls.count else { say(j < 0 ? "this is the agent's first call" : "this is the agent's latest call"); return [] }
            next = Inspection(call: calls[j])
            next.raw = inspection.raw
        default:
            return []
        }
        // Kept within the content, so scrolling back up answers at once.
        let frame = CallInspector.frame(in: Rect(x: 0, y: 0, width: width, height: height))
        let total = CallInspector.lines(state: self, inspection: next, width: max(1, frame.width - 4)).count
        next.scroll = min(max(0, next.scroll), max(0, total - CallInspector.bodyHeight(in: Rect(x: 0, y: 0, width: width, height: height))))
        mode = .inspector(next)
        return []
    }

    /// Keys while the breakpoints overlay is open.
    mutating func handleBreakpointList(_ key: Key, selection: Int) -> [AppEffect] {
        let list = breakpointList
        switch key {
        case .escape, .char("q"), .char("B"), .enter: mode = .normal
        case .char("j"), .down: mode = .breakpoints(selection: min(max(0, list.count - 1), selection + 1))
        case .char("k"), .up: mode = .breakpoints(selection: max(0, selection - 1))
        case .char("d"), .delete, .backspace, .char("x"):
            guard selection < list.count else { return [] }
            let item = list[selection]
            mode = .breakpoints(selection: max(0, min(selection, list.count - 2)))
            say("breakpoint \(item.breakpoint.id) cleared" + (item.recorded ? " for this replay" : ""))
            return [clear(item.breakpoint.id)]
        case .char(":"): mode = .command("break ")
        default: break
        }
        return []
    }

    /// `:break …`, `:breaks`, `:unbreak N|all`; nil for other commands.
    mutating func runBreakCommand(_ name: String, _ argument: String) -> [AppEffect]? {
        switch name {
        case "breaks", "breakpoints":
            mode = .breakpoints(selection: 0)
            return []
        case "break", "b":
            guard !argument.isEmpty else { mode = .breakpoints(selection: 0); return [] }
            guard !runHasEnded() else { return [] }
            switch BreakCondition.parse(argument, agents: projection.info?.agents ?? []) {
            case .success(let condition):
                say("breakpoint: the run stops at \(condition.describe(in: projection.info)) (B lists them)")
                return [set(condition)]
            case .failure(let failure):
                say(failure.description, error: true)
                return []
            }
        case "unbreak", "clear":
            let list = breakpointList
            if argument.lowercased() == "all" { return list.map { clear($0.breakpoint.id) } }
            guard let id = CheckedNumber.int(argument, in: 1...Int(Int32.max)), list.contains(where: { $0.breakpoint.id == id }) else {
                say("\(name) takes a breakpoint number (\(list.map { "\($0.breakpoint.id)" }.joined(separator: ", "))) or all", error: true)
                return []
            }
            return [clear(id)]
        default:
            return nil
        }
    }
}
