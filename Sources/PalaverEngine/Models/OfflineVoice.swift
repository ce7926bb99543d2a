import Foundation

/// How one offline agent talks: a temperament (chosen from the agent's id, so
/// different agents sound different) and a language. It composes a reply from
/// what it heard — the user's instructions and facts first, then the person it
/// answers, quoted in whole clauses — and its position: a stance it was given,
/// else its persona's points that nothing it was told has ruled out.
struct OfflineVoice {
    enum Temperament: Int, CaseIterable { case blunt, warm, analytical, wry }

    let temperament: Temperament
    let chinese: Bool

    static func `for`(_ spec: AgentSpec) -> OfflineVoice {
        let t = Temperament(rawValue: Int(DeterministicRandom.hash(spec.id) % 4))!
        return OfflineVoice(temperament: t, chinese: spec.language.lowercased().hasPrefix("zh"))
    }

    static func isModerator(_ spec: AgentSpec) -> Bool {
        let role = spec.role.lowercased()
        return ["moderator", "chair", "facilitator", "host"].contains { role.contains($0) }
    }

    func compose(request: ModelRequest, attempt: UInt64) -> String {
        let spec = request.spec
        let salt = DeterministicRandom.hash(spec.id)
        func pick<T>(_ options: [T], _ slot: UInt64) -> T {
            options[DeterministicRandom.index(options.count, request.seed, salt, UInt64(request.turn), slot, attempt)]
        }
        let hearing = OfflineHearing(request)
        let names = request.roster.map(\.name)
        let points = OfflineVoice.points(from: spec, chinese: chinese)
        if OfflineVoice.isModerator(spec) && !chinese {
            return OfflineModerator(request: request, hearing: hearing, points: points, attempt: attempt).compose()
        }
        let fresh = hearing.freshDirectives
        var addressee = hearing.mostPressing(for: spec)
        // A moderator calling on this agent comes before anyone else who named it.
        if let called = hearing.others.last(where: { h in
            h.fresh && h.text.contains(spec.name) && request.roster.contains { $0.name == h.name && OfflineVoice.isModerator($0) }
        }) { addressee = called }
        for d in fresh { if case .address(let name) = d.kind { addressee = hearing.latestByName.last { $0.name == name } ?? addressee } }

        var parts: [String] = []
        // 1. What the user just said: acknowledged first, in the user's own words.
        for d in fresh.suffix(2) {
            if let ack = acknowledgement(of: d, hearing: hearing, points: points, names: names) { parts.append(ack) }
        }
        // 2. Where the conversation is: open it (once), or answer someone in their own words.
        if !hearing.isBrief {
            if !hearing.conversationStarted && !hearing.hasSpoken {
                parts.append(chinese ? "关于“\(request.scenarioTitle)”，我先说。" : pick(OfflineVoice.openers, 1))
            } else if let heard = addressee, let moderator = request.roster.first(where: { $0.name == heard.name }),
                      OfflineVoice.isModerator(moderator), fresh.isEmpty {
                parts.append(answer(moderator: heard, spec: spec, hearing: hearing, names: names))
            } else if let heard = addressee, fresh.isEmpty || fresh.contains(where: { if case .address = $0.kind { return true }; return false }) {
                parts.append(response(to: heard, names: names, pick: pick))
            } else if !hearing.hasSpoken, !hearing.latestByName.isEmpty, !chinese {
                parts.append("I've heard " + OfflineVoice.list(hearing.latestByName.map(\.name)) + ".")
            }
        }
        // 3. Its position.
        parts.append(position(request: request, hearing: hearing, points: points, pick: pick))
        // 4. Hand the floor on, unless told to keep it short.
        if !hearing.isBrief {
            // Draw in whoever has been quiet longest: someone not heard from yet, else the least recent speaker.
            var others = request.roster.filter { $0.id != spec.id && $0.name != addressee?.name }.map(\.name)
            if others.isEmpty { others = request.roster.filter { $0.id != spec.id }.map(\.name) }
            let heardFrom = hearing.latestByName.map(\.name)
            let unheard = others.filter { !heardFrom.contains($0) }
            let quietest = heardFrom.first { others.contains($0) }
            let other = !unheard.isEmpty ? pick(unheard, 3) : quietest ?? (others.isEmpty ? "" : pick(others, 3))
            let closer = chinese ? pick(OfflineVoice.chineseClosers, 2) : pick(OfflineVoice.closers[temperament.rawValue], 2)
            parts.append(other.isEmpty ? "" : closer.replacingAll("{other}", with: other))
        }
        return parts.filter { !$0.isEmpty }.joined(separator: chinese ? "" : " ")
    }

    /// A line that shows the agent took in what the user said.
    func acknowledgement(of d: Directive, hearing: OfflineHearing, points: [String], names: [String]) -> String? {
        let said = OfflineVoice.sentence(d.text)
        let bare = said.dropLast().description
        if chinese {
            if case .fact = d.kind { return "收到：\(bare)。" }
            return "明白：\(bare)。"
        }
        switch d.kind {
        case .fact(let blocked):
            if !blocked.isEmpty {
                let shown = blocked.map { OfflineVoice.original($0, in: d.text) }.joined(separator: " ")
                return "Noted: \(bare), so \(shown) is off the table."
            }
            if points.contains(where: { OfflineVoice.settles(d, $0) }) { return "Noted: \(bare). That settles one of my concerns." }
            return "Noted: \(bare)."
        case .avoid: return "Understood, I'll leave \(d.subject) aside."
        case .focus: return "You asked about \(d.subject)."
        case .brief: return nil
        case .specific: return "Concretely:"
        case .propose: return "My proposal:"
        case .summarise:
            let claims = hearing.latestByName.suffix(3).compactMap { h in
                Quote.claim(in: h.text, names: names, maxWords: 10).map { "\(h.name) says “\($0)”" }
            }
            return claims.isEmpty ? "Where we stand: nobody has made a case yet." : "Where we stand: " + claims.joined(separator: "; ") + ". As for me:"
        case .address: return nil
        case .concede:
            guard let h = hearing.others.last,
                  let claim = Quote.claim(in: h.text, names: names) else { return "I'll concede that the others have a point." }
            return "I'll grant \(h.name) this: “\(claim)”. My point stands:"
        case .question: return "You asked: \(said)"
        case .instruction: return "Understood: \(bare)."
        }
    }

    /// Answers a person by name, quoting what they said.
    func response(to heard: OfflineHearing.Heard, names: [String], pick: ([String], UInt64) -> String) -> String {
        let claim = Quote.claim(in: heard.text, names: names)
        if chinese {
            guard let claim else { return "\(heard.name)，我听到了。" }
            return "\(heard.name)说“\(claim)”，" + pick(OfflineVoice.chineseReactions[temperament.rawValue], 5)
        }
        guard let claim else { return "\(heard.name), I hear you." }
        let reaction = pick(OfflineVoice.reactions[temperament.rawValue], 5)
        return pick(["\(heard.name), you say “\(claim)”. \(reaction)", "“\(claim)”, says \(heard.name). \(reaction)"], 6)
    }

    /// Does what the moderator asked, when it asked this agent: grant a point, or answer.
    func answer(moderator heard: OfflineHearing.Heard, spec: AgentSpec, hearing: OfflineHearing, names: [String]) -> String {
        let lower = heard.text.lowercased()
        guard lower.contains(spec.name.lowercased()) else { return chinese ? "\(heard.name)，好的。" : "Noted, \(heard.name)." }
        if ["grant", "concede", "convince", "answer", "disagree"].contains(where: { lower.contains($0) }),
           let other = hearing.latestByName.last(where: { $0.name != heard.name && $0.name != spec.name && heard.text.contains($0.name) }),
           let claim = Quote.claim(in: other.text, names: names) {
            return chinese ? "\(heard.name)，我承认\(other.name)说的“\(claim)”有道理。但是"
                : "Fair, \(heard.name). I'll grant \(other.name) this: “\(claim)”. My point stands:"
        }
        return chinese ? "\(heard.name)，我直接回答：" : "\(heard.name), to answer you directly:"
    }

    /// The agent's view this turn: a stance it was given, or a persona point nothing has ruled out.
    func position(request: ModelRequest, hearing: OfflineHearing, points: [String], pick: ([String], UInt64) -> String) -> String {
        if let stance = OfflineStance.find(in: hearing.ownLines, points: points) {
            if chinese { return "我坚持：\(stance.core)。" }
            return pick(stance.justGiven ? OfflineStance.firstRestated : OfflineStance.restated, 7) + " " + stance.core + "."
        }
        let ruledOut = hearing.ruledOut
        let usable = points.filter { point in
            Keywords.of(point).allSatisfy { !ruledOut.contains($0) } && !hearing.facts.contains { OfflineVoice.settles($0, point) }
        }
        guard !usable.isEmpty else {
            return chinese ? "这样的话，我听大家的安排。" : "With that settled, I'll go with what the rest of you decide."
        }
        let salt = Int(DeterministicRandom.hash(request.spec.id) % 7)
        // Walk the points in turn so an agent develops its case instead of looping.
        var choice = usable[(request.turn + salt) % usable.count]
        let active = hearing.activeDirectives
        let steer = Set(active.filter { [.focus, .question, .instruction].contains($0.kind) }.flatMap(\.words))
        if !steer.isEmpty, let best = usable.max(by: { OfflineVoice.overlap($0, steer) < OfflineVoice.overlap($1, steer) }),
           OfflineVoice.overlap(best, steer) > 0 {
            choice = best
        }
        if active.contains(where: { $0.kind == .specific && $0.fresh }) {
            choice = usable.max { OfflineVoice.concreteness($0) < OfflineVoice.concreteness($1) } ?? choice
        }
        if active.contains(where: { $0.kind == .propose && $0.fresh }),
           let offer = usable.first(where: { p in OfflineVoice.offerWords.contains { p.lowercased().contains($0) } }) {
            choice = offer
        }
        return choice
    }

    static func overlap(_ text: String, _ words: Set<String>) -> Int { Set(Keywords.of(text)).intersection(words).count }

    /// Whether a fact the user gave answers one of the agent's points (two shared words or more).
    static func settles(_ fact: Directive, _ point: String) -> Bool {
        guard case .fact(let blocked) = fact.kind, blocked.isEmpty else { return false }
        return overlap(point, Set(fact.words)) >= 2
    }

    /// Numbers and named days make a point concrete.
    static func concreteness(_ text: String) -> Int {
        let lower = text.lowercased()
        let digits = text.contains { $0.isNumber } ? 3 : 0
        let named = ["one", "two", "three", "four", "five", "eleven", "twelve", "percent", "monday", "tuesday",
                     "wednesday", "thursday", "friday", "week", "day", "hour"].filter { lower.contains($0) }.count
        return digits + named
    }

    static let offerWords = ["rather", "i can", "we can", "should", "propose", "i want", "we need", "let's", "would"]

    /// The agent's talking points: its persona's sentences, or its role.
    static func points(from spec: AgentSpec, chinese: Bool) -> [String] {
        let sentences = Quote.sentences(of: spec.persona).filter { $0.count > 3 }
        // Persona lines written as instructions ("You are…") are not things to say aloud.
        let sayable = sentences.filter { !$0.lowercased().hasPrefix("you ") && !$0.hasPrefix("你是") }
            .map { s in ".!?。！？".contains(s.last!) ? s : s + (chinese ? "。" : ".") }
        if !sayable.isEmpty { return sayable }
        return chinese ? ["作为\(spec.role)，我有自己的看法。"] : ["As the \(spec.role), I see this from my own angle."]
    }

    /// A phrase as the user capitalised it.
    static func original(_ word: String, in text: String) -> String {
        if let r = text.range(of: word, options: .caseInsensitive) { return String(text[r]) }
        return word
    }

    /// Text ending in one full stop or question mark.
    static func sentence(_ text: String) -> String {
        var t = text.trimmingWhitespace
        while let last = t.last, ".!。！".contains(last) { t.removeLast() }
        if let last = t.last, "?？".contains(last) { return t }
        return t + "."
    }

    static func list(_ names: [String]) -> String {
        names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
    }

    static let openers = ["Let me open.", "Here is where I stand.", "I'll go first.", "To start us off, here is my view."]

    static let reactions: [[String]] = [
        ["I don't buy it.", "That's not the whole story.", "I see it differently."],
        ["That's fair.", "I take the point.", "I hear you."],
        ["Let's test that.", "That needs evidence.", "Fair, but look at the other side."],
        ["Bold.", "If only it were that simple.", "Optimistic."],
    ]

    static let closers: [[String]] = [
        ["{other}, tell me why I'm wrong.", "Prove me wrong, {other}.", "", "That's my line, {other}."],
        ["{other}, where do you land?", "Can we build on that together?", "", "{other}, what do you think?"],
        ["{other}, what would change your mind?", "Where's the flaw, {other}?", "", "What numbers do you have, {other}?"],
        ["Your move, {other}.", "Over to you, {other}, brave soul.", "", "{other}, surprise me."],
    ]

    static let chineseReactions: [[String]] = [
        ["我不同意。", "这不是全部。"], ["有道理。", "我理解。"], ["我们看看证据。", "这需要数据支持。"], ["说得轻巧。", "想得真乐观。"],
    ]

    static let chineseClosers = ["{other}，你怎么看？", "这一点我们能达成共识吗？", "", "{other}，你同意吗？"]
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard contains(target) else { return self }
        return components(separatedBy: target).joined(separator: replacement)
    }
}
