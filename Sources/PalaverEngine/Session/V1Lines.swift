/// Session format v1 said some things only in text: an environment action's
/// validity (`order 8 fallback`), a typed reply (`"model":"human"`), and what a
/// coordination message means (`truck1 = 109 (dock 1 09:00)`, `gain truck1 2.5`).
/// The decoder reads a v1 line through these, so every v1 file replays as the
/// typed events a v2 recording holds. Fields v1 never recorded (an edit's
/// original text, whom a drop took a message from) stay nil.
enum V1Lines {
    /// v1 wrote the reply typed by a person as a message whose model was this.
    static let humanModel = "human"

    /// `order 8` or `order 8 fallback` (the reply held no order, a fallback was taken).
    static func action(_ text: String) throws(EventDecoder.Failure) -> EnvironmentAction {
        let fallback = text.hasSuffix(" fallback")
        let shown = fallback ? String(text.dropLast(" fallback".count)) : text
        guard let word = shown.split(separator: " ").last, let value = Int(word),
              CheckedNumber.wholeQuantity.contains(value) else {
            throw EventDecoder.Failure(reason: "v1 action '\(text.excerpt())' holds no whole number")
        }
        return EnvironmentAction(value: value, text: shown, valid: !fallback)
    }

    /// Who produced a v1 message and what it says, typed.
    static func message(step: Int, sender: Party, kind: MessageKind, text: String, metadata: MessageMetadata?)
        -> (author: Author?, metadata: MessageMetadata?, fact: CoordinationFact?) {
        // Step 0 holds the scenario's opening lines: no one's turn.
        guard sender.agent != nil, kind != .injected, step > 0 else { return (nil, metadata, nil) }
        if metadata?.model == humanModel { return (.person, nil, nil) }
        if metadata != nil { return (.model, metadata, nil) }
        if kind == .action { return (.algorithm, nil, coordination(text)) }
        // An agent's words with no model call behind them: a policy's "Ordering 8 (base-stock)."
        return (.algorithm, nil, nil)
    }

    /// `name = value` with an optional ` (label)`, or `gain name amount`.
    static func coordination(_ text: String) -> CoordinationFact? {
        if text.hasPrefix("gain ") {
            let parts = text.split(separator: " ")
            guard parts.count == 3, let amount = Double(parts[2]), amount.isFinite else { return nil }
            return .gain(variable: String(parts[1]), amount: amount)
        }
        guard let eq = text.range(of: " = ") else { return nil }
        var rest = text[eq.upperBound...]
        var label: String?
        if let paren = rest.range(of: " ("), rest.hasSuffix(")") {
            label = String(rest[paren.upperBound..<rest.index(before: rest.endIndex)])
            rest = rest[..<paren.lowerBound]
        }
        let written = String(rest)
        let value: DCOPValue
        if let x = Double(written), x.isFinite { value = .number(x) }
        else if written == "True" || written == "False" { value = .bool(written == "True") }
        else { value = .text(written) }
        return .assignment(variable: String(text[..<eq.lowerBound]), value: value, label: label)
    }
}
