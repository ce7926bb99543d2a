import PalaverEngine

/// Keys for what waits and what could be: restoring a dropped message, the
/// mailbox view, the algorithm-chatter switch and the fork form.
extension AppState {
    /// `u`: put the selected dropped message back while its recipients have not read it.
    mutating func restoreSelected() -> [AppEffect] {
        guard focus == .log else { say("select a dropped message in the log first (Tab to the log)", error: true); return [] }
        guard let entry = selectedLogEntry else { return [] }
        guard entry.dropped else {
            say(entry.isWaiting ? "this message is not dropped: it still waits (d drops it)"
                                : "this message was not dropped: u restores a dropped one while it is unread", error: true)
            return []
        }
        return [.engine(.restore(messageID: entry.message.id))]
    }

    /// `M`: the focused agent's mailbox, or the first with mail waiting.
    mutating func openMailboxes() {
        guard agentCount > 0 else { say("no agents yet", error: true); return }
        let waiting = projection.agents.indices.first { i in projection.waiting.contains { projection.log[$0].pending.contains(AgentID(i)) } }
        mode = .mailboxes(agent: focusedAgent ?? waiting ?? 0, scroll: 0)
    }

    mutating func handleMailboxes(_ key: Key, agent: Int, scroll: Int) {
        let n = max(1, agentCount)
        switch key {
        case .escape, .char("q"), .char("M"), .enter: mode = .normal
        case .tab, .right, .char("l"): mode = .mailboxes(agent: (agent + 1) % n, scroll: 0)
        case .backTab, .left, .char("h"): mode = .mailboxes(agent: (agent + n - 1) % n, scroll: 0)
        case .down, .char("j"): mode = .mailboxes(agent: agent, scroll: scroll + 1)
        case .up, .char("k"): mode = .mailboxes(agent: agent, scroll: max(0, scroll - 1))
        case .pageDown, .char(" "): mode = .mailboxes(agent: agent, scroll: scroll + max(1, height / 2))
        case .pageUp: mode = .mailboxes(agent: agent, scroll: max(0, scroll - max(1, height / 2)))
        case .char("g"), .home: mode = .mailboxes(agent: agent, scroll: 0)
        case .char(let c) where c.isNumber:
            if let i = c.wholeNumberValue, i >= 1, i <= agentCount { mode = .mailboxes(agent: i - 1, scroll: 0) }
        default: break
        }
    }

    /// The keys `?` lists: those of a live run, or of a replay.
    var helpSections: HelpOverlay.Sections { Self.keymap.helpSections(replay: replay != nil) }

    /// Keys over the help: where it does not fit, the scrolling keys scroll it; any other key closes it.
    mutating func handleHelp(_ key: Key, scroll: Int) {
        let layout = HelpOverlay.layout(helpSections, in: Rect(x: 0, y: 0, width: width, height: height))
        let page = max(1, layout.visible - 1)
        let next: Int
        switch key {
        case .down, .char("j"): next = scroll + 1
        case .up, .char("k"): next = scroll - 1
        case .pageDown, .char(" "), .ctrl("d"): next = scroll + page
        case .pageUp, .ctrl("u"): next = scroll - page
        case .char("g"), .home: next = 0
        case .char("G"), .end: next = layout.maxScroll
        default: mode = .normal; return
        }
        // Help that fits closes on any key, as it always has.
        guard layout.maxScroll > 0 else { mode = .normal; return }
        mode = .help(scroll: min(max(0, next), layout.maxScroll))
    }

    /// `a`: algorithm chatter out of the log, or back.
    mutating func toggleChatter() {
        // A run without any (a conversation, the beer game) would only get a log title saying chatter is hidden.
        if !hideChatter, projection.info?.coordination == nil, !projection.log.contains(where: { LogFilter.Kind.of($0) == .algorithm }) {
            say("this run has no algorithm chatter to hide (coordination runs have it: DCOP values, MGM gains)")
            return
        }
        hideChatter.toggle()
        logSelection = nil
        say(hideChatter ? "algorithm chatter hidden (DCOP values, MGM gains): a shows it" : "algorithm chatter shown: a hides it")
    }

    /// `f` over a recording: ask for models and steps first.
    mutating func openForkForm() { mode = .fork(ForkForm()) }

    mutating func handleForkForm(_ key: Key, _ form: ForkForm) -> [AppEffect] {
        var form = form
        switch key {
        case .escape:
            mode = .normal
            return []
        case .tab, .backTab:
            form.field = form.field == .model ? .steps : .model
            form.error = check(form).error
        case .enter:
            let checked = check(form)
            if let request = checked.request {
                forkRequest = request
                mode = .normal
                return [.replay(.fork)]
            }
            form.error = checked.error
        case .backspace, .delete, .ctrl("h"):
            if form.field == .model { if !form.model.isEmpty { form.model.removeLast() } } else if !form.steps.isEmpty { form.steps.removeLast() }
            form.error = liveError(form)
        case .ctrl("u"):
            if form.field == .model { form.model = "" } else { form.steps = "" }
            form.error = liveError(form)
        case .char(let c):
            if form.field == .model { form.model.append(c) } else { form.steps.append(c) }
            form.error = liveError(form)
        default: break
        }
        mode = .fork(form)
        return []
    }

    /// What is wrong as the user types: checked at every key, except the model word still being
    /// typed while it could yet become right (`ollama` on its way to `ollama:llama3`, `maya=`).
    func liveError(_ form: ForkForm) -> String? {
        var settled = form
        if form.field == .model, let last = form.model.split(whereSeparator: { $0 == " " || $0 == "," }).last,
           form.model.last.map({ $0 != " " && $0 != "," }) == true,
           !(last.contains(":") || last.contains("=")) || last.hasSuffix(":") || last.hasSuffix("=") {
            settled.model = String(form.model.dropLast(last.count))
        }
        return check(settled).error
    }

    /// The form's request, or what is wrong with it, including a fork past the recording's limit with no steps to add.
    func check(_ form: ForkForm) -> (request: ForkRequest?, error: String?) {
        switch form.request(agents: projection.info?.agents ?? []) {
        case .failure(let failure): return (nil, failure.reason)
        case .success(let request):
            if request.moreSteps == nil, let info = projection.info, let replay, replay.forkStep >= info.maxSteps {
                return (nil, "step \(replay.forkStep) is the recording's last (its limit is \(info.maxSteps)): give more steps")
            }
            return (request, nil)
        }
    }
}
