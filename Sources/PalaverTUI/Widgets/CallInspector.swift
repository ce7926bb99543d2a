import PalaverEngine

/// Which call the inspector shows and how it is scrolled.
public struct Inspection: Sendable, Equatable {
    /// Index into the projection's calls.
    public var call: Int
    /// First line shown.
    public var scroll = 0
    /// The request as the JSON body a server is sent, instead of message by message.
    public var raw = false

    public init(call: Int) { self.call = call }
}

/// The call inspector: the model call behind a message or a pane — the
/// request as sent (rebuilt from the session by the engine's own function),
/// its parameters, the raw reply, tokens, timing, retries and errors.
/// Everything shown passes through the terminal cleaner; no header is ever
/// recorded, so no secret can show.
struct CallInspector: Widget {
    let state: AppState
    let inspection: Inspection

    static let keys = "j k scroll · [ ] other calls · r raw JSON · Esc"

    /// The frame the inspector takes on a screen of this size.
    static func frame(in area: Rect) -> Rect {
        let w = min(120, area.width - 2), h = area.height - 2
        return Rect(x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h)
    }

    /// Rows of text inside the frame.
    static func bodyHeight(in area: Rect) -> Int { max(1, frame(in: area).height - 2) }

    func render(in area: Rect, buffer: inout Buffer) {
        let theme = state.theme
        let p = state.projection
        guard inspection.call >= 0, inspection.call < p.calls.records.count else { return }
        let call = p.calls.records[inspection.call]
        let name = p.info?.name(of: .agent(call.agent)) ?? "agent"
        let ordinal = p.calls.calls(of: call.agent)
        let number = (ordinal.firstIndex(of: inspection.call) ?? 0) + 1
        let title = "Call · \(name) · step \(call.step) · call \(number) of \(ordinal.count)".sanitizedForTerminal(singleLine: true)
        let outer = Self.frame(in: area)
        let inner = Overlay.frame(title, width: outer.width, height: outer.height, in: area, theme: theme, buffer: &buffer)
        let lines = Self.lines(state: state, inspection: inspection, width: inner.width)
        let top = min(max(0, inspection.scroll), max(0, lines.count - inner.height))
        for (row, line) in lines.dropFirst(top).prefix(inner.height).enumerated() {
            line.draw(x: inner.x, y: inner.y + row, limit: inner.maxX, buffer: &buffer)
        }
        // Where the view is, and the keys, on the bottom border.
        let more = lines.count > inner.height ? " \(top + 1)–\(min(lines.count, top + inner.height)) of \(lines.count) · " : " "
        let footer = DisplayWidth.truncate(more + Self.keys + " ", to: max(0, outer.width - 4))
        buffer.write(footer, x: outer.maxX - 2 - DisplayWidth.of(footer), y: outer.maxY - 1,
                     style: Style(foreground: theme.muted, background: theme.panel), limit: outer.maxX - 1)
    }

    /// Everything the inspector shows, laid out for `width` columns.
    static func lines(state: AppState, inspection: Inspection, width: Int) -> [Line] {
        let theme = state.theme
        let p = state.projection
        guard let info = p.info, inspection.call >= 0, inspection.call < p.calls.records.count, width > 8 else { return [] }
        let call = p.calls.records[inspection.call]
        let spec = info.agents[call.agent.index]
        let label = Style(foreground: theme.muted, background: theme.panel)
        let value = Style(foreground: theme.text, background: theme.panel)
        let heading = Style(foreground: theme.accent, background: theme.panel, attributes: .bold)
        let warn = Style(foreground: theme.error, background: theme.panel, attributes: .bold)
        var out: [Line] = []
        func clean(_ s: String) -> String { s.sanitizedForTerminal(singleLine: true) }
        func fact(_ name: String, _ text: String, _ style: Style? = nil) {
            let pad = String(repeating: " ", count: max(1, 13 - DisplayWidth.of(name)))
            let room = max(1, width - 13)
            for (i, piece) in DisplayWidth.wrap(clean(text), to: room).enumerated() {
                out.append(Line([(i == 0 ? name + pad : String(repeating: " ", count: 13), label), (piece, style ?? value)]))
            }
        }
        func block(_ text: String, indent: Int = 2, style: Style? = nil) {
            let shown = MessageLog.shown(text).sanitizedForTerminal()
            for piece in DisplayWidth.wrap(shown, to: max(1, width - indent)) {
                out.append(Line([(String(repeating: " ", count: indent), value), (piece, style ?? value)]))
            }
        }
        func appendReply() {
            out.append(Line([]))
            if let reply = call.reply, let message = p.message(id: reply) {
                out.append(Line([("REPLY · as streamed", heading)]))
                block(call.rawReply ?? message.text)
            } else if call.inFlight {
                out.append(Line([("REPLY · streaming", heading)]))
                let so = p.agents[call.agent.index].streaming
                block(so.isEmpty ? "(nothing yet)" : so + " ▍", style: so.isEmpty ? label : nil)
            } else {
                out.append(Line([("REPLY", heading)]))
                block(call.rawReply.map { $0.isEmpty ? "(empty)" : $0 } ?? "(none)", style: label)
            }
        }
        func seconds(_ ms: Double) -> String { ms < 1000 ? "\(Int(ms.rounded())) ms" : String(format: "%.2f s", ms / 1000) }

        let scripted = call.model == "offline" || call.model == "replay" || call.model.hasPrefix("replay:")
        fact("model", call.model + (scripted ? " — scripted here, nothing is sent: below is what a Chat Completions server would be sent" : ""))
        let temperature = spec.endpoint.temperature.map { "\($0)" } ?? "server default"
        let maxTokens = spec.endpoint.maxTokens.map { "\($0)" } ?? "server default"
        fact("parameters", "temperature \(temperature) · max_tokens \(maxTokens) · stream")
        var window = "\(spec.contextTokens ?? EngineConfiguration.defaultContextTokens) tokens (estimated) · memory \(info.configuration.memorySize) messages"
        if let context = call.context {
            window += context.trimmed > 0 ? " · \(context.trimmed) older message\(context.trimmed == 1 ? "" : "s") left out to fit" : " · nothing left out"
        }
        fact("context", window)
        fact("asked", "step \(call.step) at \(MessageLog.clock(call.started))")
        if let u = call.usage {
            var timing = "in \(seconds(u.latencyMs))"
            if let ft = u.firstTokenMs { timing += " · first token after \(seconds(ft))" }
            if let tps = u.tokensPerSecond { timing += String(format: " · %.0f tok/s", tps) }
            if let q = u.queuedMs, q > 0 { timing += " · waited \(seconds(q)) for a free slot first" }
            fact("answered", timing)
            fact("tokens", "\(u.promptTokens) prompt + \(u.completionTokens) completion" + (u.estimated ? " (estimated: the server reported none)" : ""))
        } else if call.error == nil {
            fact("answered", p.agents[call.agent.index].status == .suspended ? "not yet: cancelled by the pause, asked again on resume" : "not yet: in flight")
        }
        for retry in call.retries { fact("retried", retry, warn) }
        if call.cancellations > 0 { fact("cancelled", "\(call.cancellations)× by a pause (sent again on resume)") }
        if let error = call.error { fact("error", error, warn) }
        if let reply = call.reply, let message = p.message(id: reply) {
            fact("reply", "\(p.info.map { $0.name(of: message.sender) + "'s" } ?? "its") message at step \(message.step) (id \(reply) in the session file)")
        }

        out.append(Line([]))
        guard let (messages, missing) = p.request(of: call) else {
            out.append(Line([("REQUEST", heading)]))
            block("This session was recorded before Palaver kept requests with their calls (no window in its call_started): the request cannot be shown exactly.", style: label)
            appendReply()
            return out
        }
        if inspection.raw {
            out.append(Line([("REQUEST · the JSON body as sent (headers are never recorded)", heading)]))
            let body = ChatRequest.body(model: ChatRequest.wireModel(call.model), temperature: spec.endpoint.temperature,
                                        maxTokens: spec.endpoint.maxTokens, messages: messages, roster: info.agents)
            block(String(decoding: body, as: UTF8.self), indent: 0)
        } else {
            out.append(Line([("REQUEST · \(messages.count) messages", heading)]))
            // Which remembered message each request entry is: the window ids, in order, after the system prompt.
            let ids = call.context?.window.filter { !missing.contains($0) } ?? []
            for (i, m) in messages.enumerated() {
                var head = m.role.rawValue
                if let n = m.name { head += " · " + n }
                if i == 0 { head += " (the agent's persona and instructions)" }
                if i >= 1, i - 1 < ids.count, let message = p.message(id: ids[i - 1]) {
                    head += " · step \(message.step)"
                    if message.kind == .injected { head += ", injected" }
                } else if i == messages.count - 1, call.context?.prompt != nil {
                    head += " · this turn's question"
                }
                out.append(Line([("▌", Style(foreground: theme.accent, background: theme.panel)), (clean(head), label.bold())]))
                block(m.content)
            }
            if !missing.isEmpty { block("(messages \(missing.map { "#\($0)" }.joined(separator: ", ")) are not in this session)", style: warn) }
        }
        appendReply()
        return out
    }
}
