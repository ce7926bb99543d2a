import PalaverEngine

/// Where the user looks: focus, scrolling, the mouse, and the weeks chart overlay.
extension AppState {
    /// The beer game's weeks chart over the screen (`w`, `:chart`), or why there is none.
    mutating func openChart() {
        guard projection.bullwhip != nil else {
            say("the weeks chart shows a beer-game run's orders and stock by week; this session has none", error: true)
            return
        }
        mode = .chart
    }

    public mutating func moveFocus(by delta: Int) {
        var order: [Focus] = (0..<agentCount).map { .agent($0) } + [.log]
        if layout.graph != nil { order.append(.graph) }
        let i = order.firstIndex(of: focus) ?? order.count - 1
        focus = order[((i + delta) % order.count + order.count) % order.count]
    }

    mutating func scroll(by delta: Int) {
        switch focus {
        case .log:
            let count = visibleLog.count
            guard count > 0 else { return }
            let current = logSelection ?? count - 1
            let next = min(max(0, current + delta), count - 1)
            logSelection = next == count - 1 && delta > 0 ? nil : next
        case .agent(let i):
            agentOffsets[i] = max(0, (agentOffsets[i] ?? 0) - delta)
        case .graph:
            break
        }
    }

    mutating func scrollToTop() {
        switch focus {
        case .log: logSelection = visibleLog.isEmpty ? nil : 0
        case .agent(let i): agentOffsets[i] = Int.max / 2
        case .graph: break
        }
    }

    mutating func scrollToBottom() {
        switch focus {
        case .log: logSelection = nil; logOffset = 0
        case .agent(let i): agentOffsets[i] = 0
        case .graph: break
        }
    }

    /// A click focuses the pane under it; the wheel scrolls it.
    public mutating func handle(_ mouse: MouseEvent) {
        let regions = layout
        func pane(at x: Int, _ y: Int) -> Focus? {
            for (i, rect) in regions.agents.enumerated() where rect.contains(x: x, y: y) { return .agent(i) }
            if regions.log.contains(x: x, y: y) { return .log }
            if let graph = regions.graph, graph.contains(x: x, y: y) { return .graph }
            return nil
        }
        switch mouse {
        case .click(let x, let y):
            switch mode {
            case .help, .detail, .inspector, .breakpoints, .mailboxes: mode = .normal; return
            default: break
            }
            if let target = pane(at: x, y) { focus = target }
        case .wheelUp(let x, let y):
            if let target = pane(at: x, y) { focus = target }
            scroll(by: -3)
        case .wheelDown(let x, let y):
            if let target = pane(at: x, y) { focus = target }
            scroll(by: 3)
        }
    }
}
