/// Where each part of the workbench goes for a terminal size and agent count.
/// Agent panes form a grid that adapts; when they cannot fit as panes they
/// collapse to one line each; the graph only appears where there is room.
public struct ScreenLayout: Equatable, Sendable {
    public static let minimumWidth = 40
    public static let minimumHeight = 12

    public var tooSmall = false
    /// One rect per agent: a pane, or a single row of the compact list.
    public var agents: [Rect] = []
    /// The bordered box around the compact agent list, when collapsed.
    public var compactFrame: Rect?
    public var log = Rect(x: 0, y: 0, width: 0, height: 0)
    public var graph: Rect?
    public var status = Rect(x: 0, y: 0, width: 0, height: 0)
    /// The replay timeline, above the status bar, when showing a recording.
    public var timeline: Rect?
    public var composer = Rect(x: 0, y: 0, width: 0, height: 0)

    public var isCompact: Bool { compactFrame != nil }

    /// - Parameter wideGraph: the graph pane shows something that wants room (the plan's grid beside its list).
    public init(width: Int, height: Int, agents count: Int, timeline hasTimeline: Bool = false, wideGraph: Bool = false) {
        guard width >= Self.minimumWidth, height >= Self.minimumHeight else {
            tooSmall = true
            return
        }
        let bottom = hasTimeline ? 3 : 2
        if hasTimeline { timeline = Rect(x: 0, y: height - 3, width: width, height: 1) }
        status = Rect(x: 0, y: height - 2, width: width, height: 1)
        composer = Rect(x: 0, y: height - 1, width: width, height: 1)
        let main = Rect(x: 0, y: 0, width: width, height: height - bottom)
        let n = max(count, 0)

        // As many columns as fit at a readable width, then balanced so rows are even.
        var columns = max(1, min(n, width / 34))
        let rows = n == 0 ? 0 : (n + columns - 1) / columns
        if rows > 0 { columns = (n + rows - 1) / rows }
        let budget = main.height * 11 / 20
        var lower: Rect
        if n > 0 && rows * 5 <= budget {
            let paneHeight = min(8, budget / rows)
            let (top, rest) = main.splitRows(paneHeight * rows)
            lower = rest
            let paneWidth = top.width / columns
            for i in 0..<n {
                let r = i / columns, c = i % columns
                // The last pane in a row takes up any leftover columns.
                let inRow = min(columns, n - r * columns)
                let w = c == inRow - 1 ? top.width - c * paneWidth : paneWidth
                agents.append(Rect(x: c * paneWidth, y: r * paneHeight, width: w, height: paneHeight))
            }
        } else if n > 0 {
            let listRows = min(n, max(1, main.height / 2 - 1))
            let (top, rest) = main.splitRows(listRows + 2)
            compactFrame = top
            lower = rest
            for i in 0..<n where i < listRows {
                agents.append(Rect(x: top.x + 1, y: top.y + 1 + i, width: top.width - 2, height: 1))
            }
            // Agents beyond the list's rows are reachable by focus but not drawn.
            for _ in listRows..<max(listRows, n) { agents.append(Rect(x: 0, y: 0, width: 0, height: 0)) }
        } else {
            lower = main
        }
        if width >= 90 && lower.height >= 8 {
            let graphWidth = wideGraph ? min(80, width * 9 / 20) : min(56, width * 9 / 25)
            let (left, right) = lower.splitColumns(width - graphWidth)
            log = left
            graph = right
        } else {
            log = lower
        }
    }
}

extension AppState {
    public var layout: ScreenLayout {
        ScreenLayout(width: width, height: height, agents: agentCount, timeline: replay != nil,
                     wideGraph: graphShowsPolicy && coordinationProblem != nil)
    }
}
