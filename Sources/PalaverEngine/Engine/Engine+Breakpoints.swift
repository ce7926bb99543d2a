/// Breakpoints: conditions the user sets that pause the run. Before-step
/// conditions (an agent about to act, a step number) are checked by whoever
/// drives the engine before it begins a step, so no model is called; the
/// others are checked as the events that meet them are emitted, and pause
/// the run just after. Each hit is a `breakpoint_hit` followed by a pause.
extension Engine {
    func setBreakpoint(_ condition: BreakCondition) {
        switch condition {
        case .agent(let agent):
            guard isKnown(agent) else { return reject("break", "there is no agent \(agent)") }
        case .text(let words):
            guard !words.trimmingWhitespace.isEmpty else { return reject("break", "the text to look for is empty") }
        case .pattern(let p):
            guard BreakCondition.compiled(p) != nil else { return reject("break", "/\(p)/ is not a valid regular expression") }
        case .step(let n):
            guard n > step else { return reject("break", "step \(n) has already begun (the run is at step \(step))") }
        case .error, .fallback:
            break
        }
        if let same = breakpoints.first(where: { $0.condition == condition }) {
            return reject("break", "breakpoint \(same.id) already stops \(condition.describe(in: info))")
        }
        let breakpoint = Breakpoint(id: nextBreakpointID, condition: condition)
        nextBreakpointID += 1
        breakpoints.append(breakpoint)
        emit(.breakpointSet(breakpoint))
    }

    func clearBreakpoint(_ id: Int) {
        guard let i = breakpoints.firstIndex(where: { $0.id == id }) else { return reject("clear breakpoint", "there is no breakpoint \(id)") }
        breakpoints.remove(at: i)
        emit(.breakpointCleared(id: id))
    }

    /// Before the next step begins: stops the run if a breakpoint waits for it
    /// or for an agent acting in it. Returns true when it stopped; the same
    /// step then runs when the user resumes or steps.
    public func breakBeforeStep() -> Bool {
        let next = step + 1
        guard !breakpoints.isEmpty, passedBreakStep != next else { return false }
        var actors: [AgentID]?
        for breakpoint in breakpoints {
            switch breakpoint.condition {
            case .step(let n) where n == next:
                passedBreakStep = next
                hit(BreakpointHit(id: breakpoint.id))
                return true
            case .agent(let agent):
                if actors == nil { actors = upcomingActors(at: next) }
                if actors!.contains(agent) {
                    passedBreakStep = next
                    hit(BreakpointHit(id: breakpoint.id, agent: agent))
                    return true
                }
            default:
                continue
            }
        }
        return false
    }

    /// After an event that may meet a condition: a matching message, an error, a fallback.
    func breakAfter(_ body: Event.Body) {
        let hit: BreakpointHit?
        switch body {
        case .messageSent(let message):
            // The user's own injections are skipped: they are `injected`, never `message`.
            hit = breakpoints.first { $0.condition.matches(text: message.text) }
                .map { BreakpointHit(id: $0.id, agent: message.sender.agent, messageID: message.id) }
        case .agentError(let agent, _):
            hit = breakpoints.first { $0.condition == .error }.map { BreakpointHit(id: $0.id, agent: agent) }
        case .action(let agent, let action) where !action.valid:
            hit = breakpoints.first { $0.condition == .fallback }.map { BreakpointHit(id: $0.id, agent: agent) }
        default:
            hit = nil
        }
        if let hit { self.hit(hit) }
    }

    private func hit(_ hit: BreakpointHit) {
        emit(.breakpointHit(hit))
        stepAllowance = 0
        guard !paused else { return }
        paused = true
        emit(.control(.pause))
    }
}
