/// What an offline agent takes in from its request before it answers: who
/// said what, what the user told it, the stance it holds, and where the
/// conversation is (has anyone spoken yet, has it).
struct OfflineHearing {
    struct Heard {
        var name: String
        var text: String
        var fresh: Bool
    }

    /// Messages from other agents, oldest first.
    var others: [Heard] = []
    /// What the user told this agent, oldest first.
    var directives: [Directive] = []
    /// What the agent itself said (its replies, and lines put in its mouth with `as:`), oldest first.
    var ownLines: [String] = []
    /// Someone other than the system has spoken, so there is nothing left to open.
    var conversationStarted = false
    var hasSpoken = false

    init(_ request: ModelRequest) {
        let names = Set(request.roster.map(\.name))
        let freshFrom = request.messages.count - max(0, request.unread)
        for (i, message) in request.messages.enumerated() {
            let fresh = i >= freshFrom
            switch message.role {
            case .system: continue
            case .assistant:
                ownLines.append(message.content)
                conversationStarted = true
            case .user:
                guard let name = message.name else { continue }
                if name == "you" {
                    if let d = Directive.parse(message.content, for: request.spec, roster: request.roster, fresh: fresh) {
                        directives.append(d)
                    }
                } else if names.contains(name) {
                    others.append(Heard(name: name, text: message.content, fresh: fresh))
                    conversationStarted = true
                }
            }
        }
        hasSpoken = request.turn > 0 || !ownLines.isEmpty
    }

    var freshDirectives: [Directive] { directives.filter(\.fresh) }
    /// Instructions in force: the lasting ones remembered, and the fresh ones.
    var activeDirectives: [Directive] { directives.filter { $0.fresh || $0.lasting } }
    var ruledOut: Set<String> { Set(activeDirectives.flatMap(\.ruledOut)) }
    var isBrief: Bool { activeDirectives.contains { $0.kind == .brief } }

    /// Facts the user gave that settle one of the agent's points (they share two or more words with it).
    var facts: [Directive] { activeDirectives.filter { if case .fact = $0.kind { return true } else { return false } } }

    /// The message to answer: a fresh one naming the agent, else the latest fresh one, else the latest.
    func mostPressing(for spec: AgentSpec) -> Heard? {
        let fresh = others.filter(\.fresh)
        let name = spec.name.lowercased(), id = "@" + spec.id.lowercased()
        if let naming = fresh.last(where: { $0.text.lowercased().contains(name) || $0.text.lowercased().contains(id) }) {
            return naming
        }
        return fresh.last ?? others.last
    }

    /// The latest thing each other agent said, in the order they last spoke.
    var latestByName: [Heard] {
        var seen = Set<String>()
        var result: [Heard] = []
        for heard in others.reversed() where !seen.contains(heard.name) {
            seen.insert(heard.name)
            result.append(heard)
        }
        return result.reversed()
    }
}

/// A short, whole piece of what someone said, to quote back: never a word torn
/// out of its sentence.
enum Quote {
    /// The most substantive sentence of a text (not a question, naming nobody,
    /// quoting nobody), cut to a clause of at most `maxWords` words.
    static func claim(in text: String, names: [String], maxWords: Int = 14) -> String? {
        let sentences = Quote.sentences(of: text)
        let candidates = sentences.filter { s in
            !s.hasSuffix("?") && !s.hasSuffix("？") && !s.contains("“") && !s.contains("\"")
                && !names.contains { !$0.isEmpty && s.contains($0) } && !s.hasSuffix(":")
        }
        var best: String?
        var bestScore = 0
        for s in candidates {
            let score = Keywords.of(s).count
            if score > bestScore { best = s; bestScore = score }
        }
        guard var claim = best else { return nil }
        while let last = claim.last, ".!。！".contains(last) { claim.removeLast() }
        let words = claim.split(separator: " ")
        if words.count > maxWords {
            // Cut at a clause boundary when one leaves enough to stand on its own.
            let clauses = claim.split(separator: ",").map { String($0).trimmingWhitespace }
            if let first = clauses.first, (4...maxWords).contains(first.split(separator: " ").count) { return first }
            return words.prefix(maxWords).joined(separator: " ") + "…"
        }
        if claim.count > 60, !claim.contains(" ") {
            // CJK text has no spaces: cut at a clause mark.
            let clauses = claim.split { "，；".contains($0) }
            if let first = clauses.first, first.count >= 4 { return String(first) }
            return String(claim.prefix(30)) + "…"
        }
        return claim
    }

    static func sentences(of text: String) -> [String] {
        var result: [String] = []
        var current = ""
        for ch in text {
            current.append(ch)
            if ".!?。！？".contains(ch) {
                let s = current.trimmingWhitespace
                if !s.isEmpty { result.append(s) }
                current = ""
            }
        }
        let tail = current.trimmingWhitespace
        if !tail.isEmpty { result.append(tail) }
        return result
    }
}
