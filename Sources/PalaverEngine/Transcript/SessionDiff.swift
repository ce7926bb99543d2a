/// Where two sessions' conversations part ways: the first message that
/// differs (by sender, recipients, kind or text), and what each side said next.
public struct SessionDiff {
    public let infoA: SessionInfo?
    public let infoB: SessionInfo?
    public let messagesA: [Message]
    public let messagesB: [Message]
    /// Index of the first differing message; nil when the conversations are the same.
    public let divergence: Int?

    public init(_ a: [Event], _ b: [Event]) {
        let (ia, ma) = SessionExporter.messages(a)
        let (ib, mb) = SessionExporter.messages(b)
        infoA = ia
        infoB = ib
        messagesA = ma
        messagesB = mb
        func same(_ x: Message, _ y: Message) -> Bool {
            x.step == y.step && x.kind == y.kind && x.text == y.text && ia.map { $0.name(of: x.sender) } == ib.map { $0.name(of: y.sender) }
                && ia.map { $0.names(of: x.recipients) } == ib.map { $0.names(of: y.recipients) }
        }
        var i = 0
        while i < ma.count, i < mb.count, same(ma[i], mb[i]) { i += 1 }
        divergence = i == ma.count && i == mb.count ? nil : i
    }

    public var identical: Bool { divergence == nil }

    /// Plain-text report, side by side in `width` columns.
    public func report(nameA: String, nameB: String, width: Int = 160, following: Int = 8) -> String {
        guard let d = divergence else {
            return "the conversations are identical (\(NumberText.counted(messagesA.count, "message")))\n"
        }
        let column = max(20, (width - 3) / 2)
        func line(_ m: Message?, _ info: SessionInfo?) -> String {
            guard let m, let info else { return "" }
            let arrow = m.kind == .injected ? "⇒" : "→"
            let step = String(m.step)
            return ("[" + String(repeating: " ", count: max(0, 3 - step.count)) + step + "] \(info.name(of: m.sender)) \(arrow) \(info.names(of: m.recipients)): \(m.text)")
                .sanitizedForTerminal(singleLine: true)
        }
        func fit(_ s: String) -> String {
            let cut = DisplayWidth.truncate(s, to: column)
            return cut + String(repeating: " ", count: max(0, column - DisplayWidth.of(cut)))
        }
        var lines: [String] = []
        let agreed = d == 0 ? "nothing in common" : "the same for \(d) message\(d == 1 ? "" : "s")"
        let at = messagesA.indices.contains(d) ? messagesA[d].step : messagesB.indices.contains(d) ? messagesB[d].step : 0
        lines.append("the conversations differ: \(agreed), then they part at message \(d + 1) (step \(at))")
        lines.append(fit("A: " + nameA) + " │ " + "B: " + nameB)
        lines.append(String(repeating: "─", count: column) + "─┼─" + String(repeating: "─", count: column))
        for k in d..<(d + following) {
            let a = messagesA.indices.contains(k) ? messagesA[k] : nil
            let b = messagesB.indices.contains(k) ? messagesB[k] : nil
            if a == nil && b == nil { break }
            lines.append(fit(line(a, infoA)) + " │ " + line(b, infoB))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
