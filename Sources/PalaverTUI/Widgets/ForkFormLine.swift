import PalaverEngine

/// The fork form on the composer line: models and more steps, the field
/// being typed in marked by the cursor, and what is wrong in red.
struct ForkFormLine: Widget {
    let state: AppState
    let form: ForkForm

    func render(in area: Rect, buffer: inout Buffer) {
        let theme = state.theme
        let step = state.replay?.forkStep ?? state.projection.step
        let label = Style(foreground: theme.accent, attributes: .bold)
        let muted = Style(foreground: theme.muted)
        var x = buffer.write("fork after step \(step) ▸ ", x: area.x, y: area.y, style: label, limit: area.maxX)
        func field(_ name: String, _ text: String, placeholder: String, active: Bool) {
            x = buffer.write(name + " ", x: x, y: area.y, style: active ? label : muted, limit: area.maxX)
            let shown = text.sanitizedForTerminal(singleLine: true)
            if shown.isEmpty && !active {
                x = buffer.write(placeholder, x: x, y: area.y, style: muted.dim(), limit: area.maxX)
            } else {
                x = buffer.write(shown, x: x, y: area.y, style: Style(foreground: theme.text), limit: area.maxX)
                if shown.isEmpty { x = buffer.write(placeholder, x: x, y: area.y, style: muted.dim(), limit: area.maxX) }
            }
            if active, x < area.maxX { buffer.write(" ", x: x, y: area.y, style: Style(attributes: .reverse)); x += 1 }
            x += 2
        }
        let limit = state.projection.info?.maxSteps ?? 0
        field("models", form.model, placeholder: "as recorded", active: form.field == .model)
        // Blank runs on to the recording's own limit; at the limit, steps must be given.
        // Narrow, the placeholder says the same in fewer columns, to leave room for the keys.
        let narrow = area.width < 100
        field("more steps", form.steps, placeholder: step < limit ? "\(limit - step) (to \(narrow ? "" : "step ")\(limit))" : "needed (at the limit)",
              active: form.field == .steps)
        let help: String
        let style: Style
        let room = area.maxX - x
        if let error = form.error {
            help = "! " + error.sanitizedForTerminal(singleLine: true)
            style = Style(foreground: theme.error, attributes: .bold)
        } else {
            // The keys matter more than the examples: where the whole line does not fit, the examples go first.
            let keys = form.field == .model ? "Tab steps · Enter fork · Esc" : "Tab models · Enter fork · Esc"
            let example = state.projection.info?.agents.first.map { "\($0.id)=openai:NAME" } ?? "NAME=openai:NAME"
            let what = form.field == .model ? ["offline · ollama:NAME · \(example) · ", "offline · ollama:NAME · ", ""]
                : [form.moreSteps.map { "runs to step \(step + $0) · " } ?? (step < limit ? "runs to step \(limit) · " : "steps after \(step) · "), ""]
            help = (what.map { $0 + keys } + [keys, "Enter · Esc"]).first { DisplayWidth.of($0) <= room } ?? "Enter · Esc"
            style = muted
        }
        guard room > 6 else {
            // No room beside the fields: an error still shows, over the placeholders.
            if form.error != nil { buffer.write(DisplayWidth.truncate(help, to: area.width / 2), x: area.maxX - min(DisplayWidth.of(help), area.width / 2), y: area.y, style: style) }
            return
        }
        let shown = DisplayWidth.truncate(help, to: room)
        buffer.write(shown, x: area.maxX - DisplayWidth.of(shown), y: area.y, style: style)
    }
}
