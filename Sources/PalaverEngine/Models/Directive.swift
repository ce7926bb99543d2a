/// What the person at the keyboard told an agent, as the offline model
/// understands it: an instruction to follow or a fact to take in. Parsed from
/// plain English (and a few Chinese cues) by the words people use for each.
struct Directive: Equatable {
    enum Kind: Equatable {
        /// A statement of fact; `blocked` are the words it rules out ("legal blocked Friday" → friday).
        case fact(blocked: [String])
        /// Stop talking about `subject`.
        case avoid
        /// Talk about `subject`.
        case focus
        case brief
        case specific
        case propose
        case summarise
        /// Answer this agent (by name).
        case address(String)
        case concede
        case question
        /// Any other instruction: acknowledged, and its words steer what is said.
        case instruction
    }

    var kind: Kind
    /// The text as typed, without a leading "Name," or "@id".
    var text: String
    /// What it is about, in the user's words ("Friday", "the rollback plan").
    var subject: String
    /// Whether it arrived since the agent last spoke.
    var fresh: Bool

    /// Content words of the subject, lowercased.
    var words: [String] { Keywords.of(subject) }
    /// Words the agent must not argue from any more.
    var ruledOut: [String] {
        switch kind {
        case .avoid: return words
        case .fact(let blocked): return blocked
        default: return []
        }
    }
    /// Instructions that hold for as long as the agent remembers them; the rest apply once.
    var lasting: Bool {
        switch kind {
        case .fact, .avoid, .brief, .focus: return true
        default: return false
        }
    }

    /// Reads a user message meant for `agent` (nil when it names someone else first).
    static func parse(_ raw: String, for agent: AgentSpec, roster: [AgentSpec], fresh: Bool) -> Directive? {
        var text = raw.trimmingWhitespace
        // "@ravi …" or "Ravi, …" addresses one agent; others hear it but need not follow it.
        while text.hasPrefix("@"), let space = text.firstIndex(of: " ") {
            let id = String(text[text.index(after: text.startIndex)..<space]).lowercased()
            if let other = roster.first(where: { $0.id.lowercased() == id }), other.id != agent.id { return nil }
            text = String(text[space...]).trimmingWhitespace
        }
        for other in roster {
            for lead in [other.name + ",", other.name + ":", other.name + "，"] where text.lowercased().hasPrefix(lead.lowercased()) {
                if other.id != agent.id { return nil }
                text = String(text.dropFirst(lead.count)).trimmingWhitespace
            }
        }
        guard !text.isEmpty else { return nil }
        let (kind, subject) = classify(text, roster: roster, agent: agent)
        return Directive(kind: kind, text: text, subject: subject, fresh: fresh)
    }

    private static func classify(_ text: String, roster: [AgentSpec], agent: AgentSpec) -> (Kind, String) {
        let lower = " " + text.lowercased().trimmingEnds(of: ".!。！") + " "
        func after(_ cues: [String]) -> String? {
            for cue in cues { if let r = lower.range(of: cue) { return String(lower[r.upperBound...]).trimmingWhitespace } }
            return nil
        }
        func has(_ cues: [String]) -> Bool { cues.contains { lower.contains($0) } }
        if let rest = after([" stop talking about ", " stop arguing about ", " stop arguing for ", " stop mentioning ",
                             " don't mention ", " do not mention ", " don't talk about ", " do not talk about ",
                             " no more ", " enough about ", " forget about ", " forget ", " drop the ", " drop ",
                             " leave out ", " never mind ", " stop ", " 别再提", " 不要再说", " 不要提"]) {
            return (.avoid, original(rest, in: text))
        }
        if has([" brief", " shorter", " short ", " one sentence", " concise", " tl;dr", "简短", "简单点"]) { return (.brief, "") }
        if has([" specific", " concrete", " numbers", " details", " precise", " an example", "具体"]) { return (.specific, "") }
        if has([" summar", " sum up", " recap", " where do we stand", "总结"]) { return (.summarise, "") }
        if has([" concede", " common ground", " compromise", " meet halfway", " agree with", "让步"]) { return (.concede, "") }
        for other in roster where other.id != agent.id {
            let name = other.name.lowercased()
            if has([" ask \(name)", " answer \(name)", " respond to \(name)", " reply to \(name)", " talk to \(name)",
                    " convince \(name)", " challenge \(name)", "回应\(name)", "问\(name)"]) {
                return (.address(other.name), other.name)
            }
        }
        if has([" propose", " proposal", " suggest", " recommend", " decide", " decision", " your call", " vote", " commit to", "建议", "决定"]) {
            return (.propose, "")
        }
        if let rest = after([" focus on ", " talk about ", " concentrate on ", " discuss ", " tell us about ", " tell me about ",
                             " what about ", " consider ", " think about ", " address ", "谈谈", "说说"]) {
            return (.focus, original(rest, in: text))
        }
        let firstWord = lower.split(separator: " ").first.map(String.init) ?? ""
        if text.hasSuffix("?") || text.hasSuffix("？") || questionWords.contains(firstWord) {
            return (.question, text)
        }
        if imperativeVerbs.contains(firstWord) || firstWord == "please" || text.hasPrefix("请") {
            return (.instruction, text)
        }
        return (.fact(blocked: blockedWords(in: lower)), text)
    }

    /// The words a negative statement rules out: what comes after "blocked" or before "is off the table".
    static func blockedWords(in lower: String) -> [String] {
        for cue in [" blocked ", " ruled out ", " vetoed ", " cancelled ", " canceled ", " banned ", " rejected ",
                    " forbade ", " forbids ", " prohibited ", " scrapped ", " nixed ", " killed ", " said no to ",
                    " turned down ", " won't allow ", " will not allow ", " does not allow ", " doesn't allow "] {
            if let r = lower.range(of: cue) {
                let words = Keywords.of(clause(String(lower[r.upperBound...]), fromStart: true))
                if !words.isEmpty { return words }
            }
        }
        for cue in [" is off the table", " are off the table", " is out", " is not possible", " is impossible",
                    " is not an option", " isn't an option", " is cancelled", " is canceled", " is blocked",
                    " is ruled out", " is banned", " won't happen", " can't happen", " isn't possible", " is no longer possible"] {
            if let r = lower.range(of: cue) {
                let words = Keywords.of(clause(String(lower[..<r.lowerBound]), fromStart: false))
                if !words.isEmpty { return words }
            }
        }
        for cue in [" no ", " not "] where lower.hasPrefix(cue) {
            return Keywords.of(clause(String(lower.dropFirst(cue.count)), fromStart: true))
        }
        return []
    }

    /// The clause nearest the cue: up to the next (or after the last) comma or full stop.
    private static func clause(_ text: String, fromStart: Bool) -> String {
        let stops: Set<Character> = [",", ".", ";", ":", "!", "?", "，", "。"]
        if fromStart { return String(text.prefix { !stops.contains($0) }) }
        return String(text.reversed().prefix { !stops.contains($0) }.reversed())
    }

    /// The user's own capitalisation of a phrase found in the lowercased text.
    private static func original(_ lowered: String, in text: String) -> String {
        let phrase = lowered.trimmingEnds(of: ".!?。！？ ")
        if let r = text.range(of: phrase, options: .caseInsensitive) { return String(text[r]) }
        return phrase
    }

    static let questionWords: Set<String> = ["what", "why", "how", "when", "who", "which", "where", "can", "could",
                                             "would", "should", "do", "does", "did", "is", "are", "will", "won't", "isn't"]
    static let imperativeVerbs: Set<String> = [
        "be", "give", "tell", "say", "make", "keep", "start", "explain", "try", "remember", "use", "look", "check",
        "plan", "prepare", "write", "list", "name", "state", "argue", "push", "support", "defend", "oppose", "accept",
        "reject", "show", "put", "take", "think", "let's", "lets", "move", "answer", "speak", "include", "mention",
    ]
}

extension String {
    func trimmingEnds(of set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
