/// How the offline model talks about a coordination problem: from the facts an
/// agent's algorithm gives it (its value, its preference, who it clashes with),
/// a proposal, an objection or an agreement in a sentence or two.
enum OfflineCoordinationVoice {
    static func reply(to request: ModelRequest) -> String? {
        let f = request.facts
        guard let value = f["value"], let preferred = f["preferred"] else { return nil }
        let clashes = (f["clashes"] ?? "").split(separator: ",").map { "@\($0)" }
        let pick = DeterministicRandom.index(3, request.seed, UInt64(request.step), UInt64(request.agent.index))
        if !clashes.isEmpty {
            let who = clashes.joined(separator: " and ")
            return ["\(who), we're both down for \(value). One of us has to move — I can shift if you can't.",
                    "Objection: \(value) is double-booked with \(who). I'd rather keep it; can you take another slot?",
                    "\(who), \(value) won't work for both of us. Let's sort it out this round."][pick]
        }
        if f["changed"] == "yes" {
            return value == preferred
                ? ["Moved to \(value) — my preferred slot, and it's clear.", "I'm on \(value) now; that's what I wanted anyway.",
                   "Switched to \(value). Works well for my driver."][pick]
                : ["Proposal: I move to \(value). Not my first choice (\(preferred)), but it clears the clash.",
                   "I'll take \(value) for now so the others fit; \(preferred) would have been nicer.",
                   "Shifting to \(value). If \(preferred) frees up, I'd take it."][pick]
        }
        return value == preferred
            ? ["\(value) suits me — agreed.", "Happy with \(value). No clashes on my side.", "Agreed: \(value) it is."][pick]
            : ["\(value) is fine by me, though I'd prefer \(preferred).", "I can live with \(value). No clashes here.",
               "Agreed on \(value) unless \(preferred) opens up."][pick]
    }
}
