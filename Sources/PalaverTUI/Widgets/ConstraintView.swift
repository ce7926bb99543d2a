import Foundation
import PalaverEngine

/// A coordination problem as it stands: each variable's current value (as its
/// agents last announced it on the bus), the constraints it breaks in red, and
/// the plan's cost step by step as a sparkline. Folded from the projection's
/// record of value messages, so a replay shows exactly what the live run did.
struct ConstraintView: Widget {
    let state: AppState
    let problem: DCOPProblem
    let spec: CoordinationSpec

    /// The assignment after each step, read from `name = value` messages.
    struct Trace {
        var assignment: [Int]
        var costs: [Double]
    }

    /// Folds the projection's plan steps over the run's starting assignment.
    static func trace(_ problem: DCOPProblem, spec: CoordinationSpec, seed: UInt64, plan: [PlanStep]) -> Trace {
        var run = DCOPRun(problem: problem, algorithm: DCOPRun.Algorithm(rawValue: spec.algorithm) ?? .mgm)
        run.seed = seed
        var assignment = run.start()
        let index = Dictionary(uniqueKeysWithValues: problem.variables.enumerated().map { ($1.name, $0) })
        var costs: [Double] = []
        for step in plan where step.step > 0 {
            for (name, shown) in step.values {
                guard let v = index[name], let value = problem.variables[v].domain.firstIndex(where: { $0.description == shown }) else { continue }
                assignment[v] = value
            }
            costs.append(problem.cost(assignment))
        }
        return Trace(assignment: assignment, costs: costs)
    }

    func render(in area: Rect, buffer: inout Buffer) {
        let theme = state.theme
        let trace = Self.trace(problem, spec: spec, seed: state.projection.info?.seed ?? 1, plan: state.projection.plan)
        let a = trace.assignment
        let broken = problem.violations(a)
        let cost = problem.cost(a)
        var y = area.y
        let head = "\(spec.algorithm) · cost \(NumberText.thousandths(cost)) · " + (broken.isEmpty ? "no clashes" : "\(broken.count) clash\(broken.count == 1 ? "" : "es")")
        buffer.write(head, x: area.x, y: y, style: Style(foreground: broken.isEmpty ? theme.ok : theme.error, attributes: .bold), limit: area.maxX)
        y += 1
        if trace.costs.count > 1 {
            let width = max(1, area.width - 5)
            let recent = Array(trace.costs.suffix(width))
            // Hard clashes dwarf everything else; draw them capped so the soft part stays visible.
            let capped = recent.map { min($0, problem.hardThreshold) }
            Line([("cost ", Style(foreground: theme.muted)), (Sparkline.render(capped), Style(foreground: theme.accent))])
                .draw(x: area.x, y: y, limit: area.maxX, buffer: &buffer)
            y += 1
        }
        let inBroken = Set(broken.flatMap { problem.constraints[$0].scope })
        let names = problem.variables.indices.map { v -> String in
            let owner = problem.agents[problem.variables[v].owner]
            return state.projection.info?.agentID(named: owner).map { state.projection.agents[$0.index].spec.name } ?? problem.variables[v].name
        }
        let nameWidth = min(14, names.map { DisplayWidth.of($0) }.max() ?? 4)
        let reserve = min(broken.count, 3)
        // The plan as a grid (docks × hours) beside the list when both fit, else above it.
        var listLimit = area.maxX
        if let grid = PlanGrid(problem: problem, spec: spec) {
            let cell = PlanGrid.cellWidth(nameWidth: nameWidth)
            let listWidth = 2 + nameWidth + 1 + (problem.variables.indices.map { DisplayWidth.of(spec.label(problem.variables[$0].domain[a[$0]])) }.max() ?? 0) + 4
            let badVariables = Set(inBroken)
            // Beside the list with names cut to three letters at the least; else above it.
            let beside = stride(from: cell, through: 4, by: -1).first { listWidth + 2 + grid.width(cell: $0) <= area.width }
            if let beside, y + grid.height <= area.maxY {
                grid.draw(x: area.maxX - grid.width(cell: beside), y: y, cell: beside, limit: area.maxX, assignment: a,
                          names: names.map { String($0.prefix(beside - 1)) }, broken: badVariables, theme: theme, buffer: &buffer)
                listLimit = area.maxX - grid.width(cell: beside) - 2
            } else if grid.width(cell: 3) <= area.width, y + grid.height + 3 <= area.maxY - reserve {
                let fitting = min(cell, (area.width - grid.rowLabelWidth - 1) / grid.columns.count)
                grid.draw(x: area.x, y: y, cell: fitting, limit: area.maxX, assignment: a, names: names.map { String($0.prefix(fitting - 1)) },
                          broken: badVariables, theme: theme, buffer: &buffer)
                y += grid.height + 1
            }
        }
        for v in problem.variables.indices where y < area.maxY - reserve {
            let bad = inBroken.contains(v)
            let value = spec.label(problem.variables[v].domain[a[v]])
            let variable = problem.variables[v]
            let own = variable.unary[a[v]] * (problem.objective == .max ? -1 : 1)
            let best = variable.unary.min() ?? 0
            var spans: [(String, Style)] = [
                ((bad ? "✗ " : "  ") + names[v].sanitizedForTerminal(singleLine: true).padding(toLength: nameWidth, withPad: " ", startingAt: 0) + " ",
                 Style(foreground: bad ? theme.error : theme.text, attributes: bad ? .bold : [])),
                (value.sanitizedForTerminal(singleLine: true), Style(foreground: bad ? theme.error : theme.accent)),
            ]
            if variable.unary[a[v]] > best + 1e-9 { spans.append(("  +\(NumberText.thousandths(own))", Style(foreground: theme.muted))) }
            Line(spans).draw(x: area.x, y: y, limit: listLimit, buffer: &buffer)
            y += 1
        }
        if y < area.maxY - reserve - 1 {
            buffer.write("+n own cost · ✗ hard clash", x: area.x, y: area.maxY - reserve - 1,
                         style: Style(foreground: theme.muted, attributes: .italic), limit: area.maxX)
        }
        y = max(y, area.maxY - reserve)
        for ci in broken.prefix(reserve) where y < area.maxY {
            let c = problem.constraints[ci]
            let who = c.scope.map { names[$0] }.joined(separator: " & ")
            buffer.write("✗ \(c.name): \(who)".sanitizedForTerminal(singleLine: true), x: area.x, y: y, style: Style(foreground: theme.error), limit: area.maxX)
            y += 1
        }
    }
}
