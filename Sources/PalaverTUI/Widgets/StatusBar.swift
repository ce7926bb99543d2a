import Foundation
import PalaverEngine

/// The bottom bar: scenario, step, run state, speed, model, session file,
/// events per second and total tokens.
struct StatusBar: Widget {
    let state: AppState

    func render(in area: Rect, buffer: inout Buffer) {
        let theme = state.theme
        let bar = Style(foreground: theme.text, background: theme.panel)
        buffer.fill(area, with: Cell(" ", style: bar))
        let p = state.projection
        var stepText = p.info.map { "step \(p.step)/\($0.maxSteps)" } ?? "starting"
        // An environment's own clock and score say more than the step counter.
        if let week = p.environmentWeek { stepText = "week \(week)/\(p.info?.maxSteps ?? week) · team $\(String(format: "%.2f", p.environmentCost))" }
        var runState: (String, Style)
        if state.breakStop != nil {
            runState = (" ● BREAK ", Style(foreground: theme.panel, background: theme.error, attributes: .bold))
        } else if let replay = state.replay {
            runState = replay.playing ? (" ▶ REPLAY ", Style(foreground: theme.panel, background: theme.info, attributes: .bold))
                                      : (" ⏸ REPLAY ", Style(foreground: theme.panel, background: theme.warning, attributes: .bold))
        } else if let ended = p.ended {
            let why = ended.reason == .steps ? "step limit" : ended.reason == .stopped ? "stopped" : "quiet"
            runState = (" ■ ended: \(why) ", Style(foreground: theme.panel, background: theme.muted, attributes: .bold))
        } else if p.paused {
            runState = (" ⏸ PAUSED ", Style(foreground: theme.panel, background: theme.warning, attributes: .bold))
        } else {
            runState = (" ▶ running ", Style(foreground: theme.panel, background: theme.ok, attributes: .bold))
        }
        if theme.isMonochrome { runState.1 = Style(attributes: [.reverse, .bold]) }
        let muted = Style(foreground: theme.muted, background: theme.panel)
        // Most important first; what does not fit is left off whole rather than cut.
        let essential: [(String, Style)] = [
            runState,
            (" " + (p.info?.scenario ?? "palaver").sanitizedForTerminal(singleLine: true), Style(foreground: theme.accent, background: theme.panel, attributes: .bold)),
            ("  " + stepText, bar),
            ("  speed " + (state.replay?.speed ?? p.speed).description, bar),
        ]
        let label = state.modelLabel.sanitizedForTerminal(singleLine: true)
        // The offline model is a script, not a language model: say so, and how to get a real one.
        let modelTexts = label == "offline" && state.replay == nil
            ? ["  offline: a scripted stand-in (--model ollama:NAME for a real one)", "  scripted offline stand-in · --model for real", "  offline stand-in", "  offline"]
            : ["  " + label]
        var optional: [(String, Style)] = []
        var right = state.replay == nil ? "\(Int(state.eventsPerSecond.rounded())) ev/s  \(p.totalTokens.compact) tok " : "\(p.totalTokens.compact) tok "
        if p.info.map({ !$0.prices.isEmpty }) == true { right += " \(MoneyText.dollars(p.totalCost)) " }
        let free = area.width - Line(essential).width - DisplayWidth.of(right) - 1
        if let fits = modelTexts.first(where: { DisplayWidth.of($0) <= free }) { optional.append((fits, muted)) }
        optional += state.sessionPath.map { [("  " + $0.sanitizedForTerminal(singleLine: true), muted)] } ?? []
        var spans = essential
        var used = Line(essential).width
        let rightWidth = DisplayWidth.of(right)
        let showRight = used + rightWidth + 1 <= area.width
        let room = area.width - (showRight ? rightWidth + 1 : 0)
        for span in optional where used + DisplayWidth.of(span.0) <= room {
            spans.append(span)
            used += DisplayWidth.of(span.0)
        }
        Line(spans).draw(x: area.x, y: area.y, limit: area.maxX, buffer: &buffer)
        if showRight { buffer.write(right, x: area.maxX - rightWidth, y: area.y, style: bar) }
    }
}

/// The line under the status bar: what is being typed, or a notice, or the keys to press.
struct ComposerLine: Widget {
    let state: AppState

    /// Keys to try, most useful first: a wide screen shows more of them.
    static let hints = [". step", "i inject", "Tab focus", "t take over", "/ filter", "c inspect a call", "b break", "M mailboxes", ": commands"]
    // Forking is what a replay is for, beyond watching: it stays in view at 80 columns.
    static let replayHints = ["→ ← step", "f fork here", ". , event", "} { 10%", "Tab focus", "/ filter", "c inspect a call", ": goto"]
    /// After a live run has ended nothing can change it any more: what is left is looking.
    static let endedHints = ["Tab focus", "/ filter", "Enter open a message", "c inspect a call", "M mailboxes"]
    static let always = ["? help", "q quit"]

    /// The notice this line shows now, if any. A turn waiting for the user, or a stop at a breakpoint,
    /// outranks any passing notice but a fresh error (under 2 s old); notices fade after 5 s.
    static func passingNotice(_ state: AppState) -> (text: String, isError: Bool)? {
        guard let notice = state.notice, state.now - notice.time < 5 else { return nil }
        let fresh = notice.isError && state.now - notice.time < 2
        if !fresh, !state.agentsAwaitingUser.isEmpty || state.breakStop != nil { return nil }
        return (notice.text, notice.isError)
    }

    /// As many hints as fit, in their order (a less useful one never shows where a more useful one did not fit),
    /// always ending with help and quit.
    static func hints(_ items: [String], width: Int) -> String {
        var chosen: [String] = []
        for item in items {
            guard DisplayWidth.of((chosen + [item] + always).joined(separator: " · ")) <= width else { break }
            chosen.append(item)
        }
        return (chosen + always).joined(separator: " · ")
    }

    func render(in area: Rect, buffer: inout Buffer) {
        let theme = state.theme
        /// A prompt with what is typed, and at the right the longest of `hints` that fits (or an error).
        func field(_ prompt: String, _ text: String, _ hints: [String], error: String? = nil) {
            let promptStyle = Style(foreground: theme.accent, attributes: .bold)
            var x = buffer.write(prompt, x: area.x, y: area.y, style: promptStyle)
            // An error (about what was just submitted, or what is being typed) takes the hint's place, in red.
            let problem = error ?? state.promptError
            // An error may take all the room the typing leaves (it names what is allowed), and at least three fifths.
            let errorRoom = max(8, area.width * 3 / 5, area.maxX - x - DisplayWidth.of(text) - 6)
            let typed = DisplayWidth.of(text.sanitizedForTerminal(singleLine: true))
            let hint = hints.first { DisplayWidth.of($0) <= area.maxX - x - typed - 4 } ?? hints.last ?? ""
            let help = problem.map { "! " + DisplayWidth.truncate($0.sanitizedForTerminal(singleLine: true), to: errorRoom) } ?? hint
            let helpStyle = problem == nil ? Style(foreground: theme.muted) : Style(foreground: theme.error, attributes: .bold)
            let helpWidth = DisplayWidth.of(help)
            let room = max(1, area.maxX - x - helpWidth - 3)
            // Show the end of long input, where the typing happens.
            var shown = text.sanitizedForTerminal(singleLine: true)
            while DisplayWidth.of(shown) > room - 1 { shown.removeFirst() }
            x = buffer.write(shown, x: x, y: area.y, style: Style(foreground: theme.text))
            buffer.write(" ", x: x, y: area.y, style: Style(attributes: .reverse))
            if area.maxX - helpWidth > x + 2 {
                buffer.write(help, x: area.maxX - helpWidth, y: area.y, style: helpStyle)
            }
        }
        switch state.mode {
        case .compose(let text):
            field("inject ▸ ", text, ["Enter send · Tab name · Esc cancel"])
            return
        case .reply(let agent, let text):
            let name = state.projection.agents[agent.index].spec.name.sanitizedForTerminal(singleLine: true)
            field("as \(name) ▸ ", text, ["Enter send · Esc later"])
            return
        case .edit(let id, let text):
            // Messages are known by step and sender, as the log shows them; ids stay inside.
            let what = state.projection.message(id: id).map { m in
                // "edit you" would read as editing a person: your own injection is "your message".
                "edit \(m.sender == .user ? "your message" : (state.projection.info?.name(of: m.sender) ?? "?").sanitizedForTerminal(singleLine: true)), step \(m.step) ▸ "
            } ?? "edit ▸ "
            field(what, text, ["Enter save · Esc cancel"])
            return
        case .filter(let text):
            if let problem = state.filterProblem {
                field("/", text, [], error: problem)
            } else {
                let kinds = LogFilter.Kind.allCases.map(\.rawValue).joined(separator: "|")
                field("/", text, ["words @NAME from:NAME to:NAME kind:\(kinds) · Tab name · Esc clear",
                                  "words @NAME from:NAME to:NAME kind:KIND · Tab name · Esc clear", "Tab name · Enter keep · Esc clear"])
            }
            return
        case .fork(let form):
            ForkFormLine(state: state, form: form).render(in: area, buffer: &buffer)
            return
        case .command(let text):
            field(":", text, state.replay == nil
                  ? ["speed N · pause · resume · inject … · break … · breaks · chart · save [PATH] · theme NAME · help · quit",
                     "speed pause resume inject break breaks save theme quit", "Enter run · Esc cancel"]
                  : ["goto STEP · goto MM:SS · speed N · break … · breaks · chart · theme NAME · help · quit",
                     "goto STEP · goto MM:SS · theme · quit", "Enter run · Esc cancel"])
            return
        case .normal, .help, .detail, .inspector, .breakpoints, .mailboxes, .chart:
            break
        }
        let notice = Self.passingNotice(state)
        if let agent = state.agentsAwaitingUser.first, notice == nil {
            let name = state.projection.agents[agent.index].spec.name.sanitizedForTerminal(singleLine: true)
            let text = ["✋ \(name)'s turn: you took it over. Press r to reply as \(name), or t on its pane to hand it back.",
                        "✋ \(name)'s turn (taken over): r replies as \(name) · t on its pane hands it back"]
                .first { DisplayWidth.of($0) <= area.width } ?? "✋ \(name)'s turn: r replies · t hands back"
            buffer.write(text, x: area.x, y: area.y, style: Style(foreground: theme.warning, attributes: .bold), limit: area.maxX)
            return
        }
        // Stopped at a breakpoint: say which and why, and what to do, until the run moves on.
        if let stop = state.breakStop, notice == nil {
            var text = "● " + stop.describe(in: state.projection.info).sanitizedForTerminal(singleLine: true)
            // c is offered only where there is a call to open (before an agent's first turn there is none).
            let behindMessage = stop.hit.messageID.flatMap { state.projection.logPosition(of: $0) }.flatMap { state.projection.log[$0].call }
            if state.breakStopCall != nil {
                text += behindMessage != nil ? " · c: the call behind it"
                    : " · c: \(stop.hit.agent.flatMap { state.projection.info?.name(of: .agent($0)) }?.sanitizedForTerminal(singleLine: true) ?? "its")'s last call"
            }
            text += " · space: go on · B: list"
            buffer.write(text, x: area.x, y: area.y, style: Style(foreground: theme.warning, attributes: .bold), limit: area.maxX)
            return
        }
        // A notice too long for this line is shown whole above the status bar (NoticeBand); the keys stay here.
        if let notice, NoticeBand.lines(of: notice, width: area.width) == nil {
            let style = Style(foreground: notice.isError ? theme.error : theme.info, attributes: notice.isError ? .bold : [])
            buffer.write(NoticeBand.text(of: notice), x: area.x, y: area.y, style: style, limit: area.maxX)
            return
        }
        // Space says what it will do now, not what it did.
        var items: [String]
        if let replay = state.replay {
            items = [replay.playing ? "space pause" : "space play"] + Self.replayHints
        } else if state.projection.ended != nil {
            items = Self.endedHints
        } else {
            // Paused is when one looks closer: say how.
            items = state.projection.paused ? ["space resume", ". step", "c inspect a call", "b break", "i inject", "Tab focus", "/ filter"]
                                            : ["space pause"] + Self.hints
        }
        if state.projection.bullwhip != nil { items.insert(state.mode == .chart ? "w close chart" : "w weeks chart", at: 1) }
        let text = Self.hints(items, width: area.width)
        buffer.write(text, x: area.x, y: area.y, style: Style(foreground: theme.muted), limit: area.maxX)
    }
}
