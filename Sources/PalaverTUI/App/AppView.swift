/// Draws the whole workbench for a state: a pure function from state to buffer.
public enum AppView {
    public static func render(_ state: AppState) -> Buffer {
        var buffer = Buffer(width: state.width, height: state.height)
        render(state, into: &buffer)
        return buffer
    }

    public static func render(_ state: AppState, into buffer: inout Buffer) {
        let layout = state.layout
        let area = buffer.area
        if state.theme.background != .default {
            buffer.fill(area, with: Cell(" ", style: Style(background: state.theme.background)))
        }
        guard !layout.tooSmall else {
            TooSmallNotice(theme: state.theme).render(in: area, buffer: &buffer)
            return
        }
        if let frame = layout.compactFrame {
            CompactAgentList(state: state).render(in: frame, buffer: &buffer)
        } else {
            for (i, rect) in layout.agents.enumerated() where !rect.isEmpty {
                AgentPane(index: i, state: state).render(in: rect, buffer: &buffer)
            }
        }
        MessageLog(state: state).render(in: layout.log, buffer: &buffer)
        if let graph = layout.graph { ConversationGraph(state: state).render(in: graph, buffer: &buffer) }
        if let timeline = layout.timeline, let replay = state.replay {
            TimelineBar(state: state, replay: replay).render(in: timeline, buffer: &buffer)
        }
        StatusBar(state: state).render(in: layout.status, buffer: &buffer)
        ComposerLine(state: state).render(in: layout.composer, buffer: &buffer)
        if let band = NoticeBand.rect(for: state, above: layout.status) { NoticeBand(state: state).render(in: band, buffer: &buffer) }
        switch state.mode {
        case .help(let scroll): HelpOverlay(theme: state.theme, sections: state.helpSections, scroll: scroll).render(in: area, buffer: &buffer)
        case .detail(let id): MessageDetail(state: state, messageID: id).render(in: area, buffer: &buffer)
        case .inspector(let inspection): CallInspector(state: state, inspection: inspection).render(in: area, buffer: &buffer)
        case .breakpoints(let selection): BreakpointList(state: state, selection: selection).render(in: area, buffer: &buffer)
        case .mailboxes(let agent, let scroll): MailboxOverlay(state: state, agent: agent, scroll: scroll).render(in: area, buffer: &buffer)
        case .chart:
            let week = state.projection.environmentWeek.map { " · week \($0)" } ?? ""
            let inner = Overlay.frame("Bullwhip: orders and stock by week\(week)", width: area.width - 2, height: area.height - 2,
                                      in: area, theme: state.theme, buffer: &buffer)
            BullwhipView(state: state).render(in: inner, buffer: &buffer)
        default: break
        }
    }
}
