/// A position an offline agent was given — a line put in its mouth with
/// `as:name` ("I now think we should wait a week") — which it then keeps,
/// as a real model keeps to what its transcript shows it said.
struct OfflineStance: Equatable {
    /// The position itself, without lead-ins: "we should wait a week".
    var core: String
    /// True when the line giving it is the agent's latest: it has not spoken since.
    var justGiven: Bool

    /// The newest of the agent's own lines that states a view and is not one of its persona's sentences.
    static func find(in ownLines: [String], points: [String]) -> OfflineStance? {
        for (offset, line) in ownLines.reversed().enumerated() {
            if points.contains(where: { line.contains($0) }) { continue }
            for sentence in Quote.sentences(of: line) where !sentence.contains("“") && !sentence.hasSuffix("?") {
                let lower = " " + sentence.lowercased()
                guard markers.contains(where: { lower.contains($0) }) else { continue }
                let core = strip(sentence)
                let restatement = (restated + firstRestated).contains { sentence.hasPrefix($0) }
                if !core.isEmpty { return OfflineStance(core: core, justGiven: offset == 0 && !restatement) }
            }
        }
        return nil
    }

    /// Removes the ways a view is introduced ("I now think", "As I said,") and the full stop.
    static func strip(_ sentence: String) -> String {
        var s = sentence.trimmingWhitespace
        var changed = true
        while changed {
            changed = false
            for lead in leads where s.lowercased().hasPrefix(lead) {
                s = String(s.dropFirst(lead.count)).trimmingWhitespace
                changed = true
            }
        }
        while let last = s.last, ".!。！".contains(last) { s.removeLast() }
        return s
    }

    /// Words that make a sentence a stated view.
    static let markers = [" think", " believe", " should", " must", " need to", " want", " rather", " propose",
                          " suggest", " let's", " let us", " mistake", " agree", " support", " oppose", " against ",
                          " in favour", " in favor", " changed my mind", " convinced", " ought", " better to", "应该", "我认为", "我觉得",
                          // Restatements carry no marker of their own, so their lead-ins count as one.
                          " as i said,", " to be clear,", " my view stands:", " i stand by what i said:",
                          " i meant what i said:", " i'll say it again:"]

    /// How views are introduced, lowercased, longest first where one starts another.
    static let leads = [
        "on reflection,", "actually,", "honestly,", "ok,", "okay,", "fine,", "so,", "well,",
        "i've changed my mind:", "i have changed my mind:", "i changed my mind:", "i've changed my mind,",
        "as i said,", "to be clear,", "i meant what i said:", "i'll say it again:", "i'm standing by it:", "i stand by what i said:", "my view stands:",
        "i now think that", "i now think", "i now believe that", "i now believe", "i think that", "i think",
        "i believe that", "i believe", "我认为", "我觉得", "我现在认为",
    ]

    /// Lead-ins for restating the stance; `strip` removes each of them again.
    static let restated = ["As I said,", "To be clear,", "My view stands:", "I stand by what I said:"]
    static let firstRestated = ["I meant what I said:", "I'll say it again:"]
}
