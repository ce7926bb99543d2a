import PalaverEngine

/// A coordination plan drawn as a table when its values name two things, as
/// the dock scenario's labels do (`dock 1 07:00`: a dock and an hour): rows
/// are the first part, columns the last word, and each cell shows who holds
/// it. Two in one cell is a clash (✗, in red); anyone in a broken constraint
/// is red too.
struct PlanGrid {
    let rows: [String]
    let columns: [String]
    /// For each variable and each of its domain values, its cell (row, column).
    let cells: [[(row: Int, column: Int)]]

    /// The grid the labels describe, or nil when they are not `ROW COLUMN` pairs over at least 2×2 cells.
    init?(problem: DCOPProblem, spec: CoordinationSpec) {
        var rows: [String] = [], columns: [String] = []
        var cells: [[(row: Int, column: Int)]] = []
        for variable in problem.variables {
            var own: [(row: Int, column: Int)] = []
            for value in variable.domain {
                let label = spec.label(value).trimmingWhitespace
                guard let space = label.lastIndex(of: " ") else { return nil }
                let row = String(label[..<space]).trimmingWhitespace, column = String(label[label.index(after: space)...])
                guard !row.isEmpty, !column.isEmpty else { return nil }
                if !rows.contains(row) { rows.append(row) }
                if !columns.contains(column) { columns.append(column) }
                own.append((rows.firstIndex(of: row)!, columns.firstIndex(of: column)!))
            }
            cells.append(own)
        }
        // A grid of one row or column says nothing the list does not; a huge one does not fit.
        guard rows.count >= 2, columns.count >= 2, rows.count <= 24, columns.count <= 24 else { return nil }
        self.rows = rows
        self.columns = columns
        self.cells = cells
    }

    /// Who sits in each cell for an assignment, as variable indices.
    func occupants(_ assignment: [Int]) -> [[[Int]]] {
        var out = Array(repeating: Array(repeating: [Int](), count: columns.count), count: rows.count)
        for (v, value) in assignment.enumerated() where v < cells.count && value < cells[v].count {
            let cell = cells[v][value]
            out[cell.row][cell.column].append(v)
        }
        return out
    }

    var rowLabelWidth: Int { rows.map { DisplayWidth.of($0) }.max() ?? 0 }

    /// Columns a cell needs to show `nameWidth`-wide names.
    static func cellWidth(nameWidth: Int) -> Int { min(6, max(3, nameWidth)) + 1 }

    func width(cell: Int) -> Int { rowLabelWidth + 1 + columns.count * cell }
    var height: Int { rows.count + 1 }

    /// Draws the grid at (x, y) with cells `cell` columns wide.
    func draw(x: Int, y: Int, cell: Int, limit: Int, assignment: [Int], names: [String], broken: Set<Int>,
              theme: Theme, buffer: inout Buffer) {
        let label = rowLabelWidth
        let muted = Style(foreground: theme.muted)
        // Column heads: an hour as `07:00` is shown `07` when the cell is narrow.
        for (c, column) in columns.enumerated() {
            var head = column
            if DisplayWidth.of(head) > cell - 1, let colon = head.firstIndex(of: ":") { head = String(head[..<colon]) }
            buffer.write(DisplayWidth.truncate(head, to: cell - 1), x: x + label + 1 + c * cell, y: y, style: muted, limit: limit)
        }
        let taken = occupants(assignment)
        for (r, row) in rows.enumerated() {
            let rowY = y + 1 + r
            buffer.write(row.sanitizedForTerminal(singleLine: true), x: x, y: rowY, style: muted, limit: limit)
            for c in columns.indices {
                let here = taken[r][c]
                let cellX = x + label + 1 + c * cell
                let text: String
                let style: Style
                switch here.count {
                case 0:
                    text = "·"
                    style = muted.dim()
                case 1:
                    text = names[here[0]]
                    style = broken.contains(here[0]) ? Style(foreground: theme.error, attributes: .bold) : Style(foreground: theme.accent)
                default:
                    // A clash: who collides, as far as the cell allows.
                    text = "✗" + here.map { String(names[$0].prefix(1)) }.joined()
                    style = Style(foreground: theme.error, attributes: .bold)
                }
                buffer.write(DisplayWidth.truncate(text.sanitizedForTerminal(singleLine: true), to: cell - 1), x: cellX, y: rowY, style: style, limit: limit)
            }
        }
    }
}
