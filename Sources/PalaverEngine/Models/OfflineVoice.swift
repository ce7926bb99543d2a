import Foundation

/// How one offline agent talks: a temperament (chosen from the agent's id, so
/// different agents sound different) and a language.
struct OfflineVoice {
    enum Temperament: Int, CaseIterable { case blunt, warm, analytical, wry }

    let temperament: Temperament
    let chinese: Bool

    static func `for`(_ spec: AgentSpec) -> OfflineVoice {
        let t = Temperament(rawValue: Int(DeterministicRandom.hash(spec.id) % 4))!
        return OfflineVoice(temperament: t, chinese: spec.language.lowercased().hasPrefix("zh"))
    }

    func compose(request: ModelRequest, heard: ChatMessage?, attempt: UInt64) -> String {
        let spec = request.spec
        let salt = DeterministicRandom.hash(spec.id)
        func pick<T>(_ options: [T], _ slot: UInt64) -> T {
            options[DeterministicRandom.index(options.count, request.seed, salt, UInt64(request.turn), slot, attempt)]
        }
        let points = OfflineVoice.points(from: spec, chinese: chinese)
        // Walk the talking points in turn so an agent develops its case instead of looping.
        let point = points[(request.turn + Int(salt % 7) + Int(attempt)) % points.count]
        // Answer people by name; a system prompt or the user is not someone to argue with.
        let heardPerson = heard.flatMap { $0.name == "system" || $0.name == "you" ? nil : $0 }
        let fromUser = heard?.name == "you"
        let who = heardPerson?.name ?? ""
        let names = request.roster.map { $0.name.lowercased() }
        let topic = heard.map { OfflineVoice.topic(of: $0.content, chinese: chinese, ignoring: names) } ?? ""
        // Hand the floor to someone other than the one being answered, when there is anyone.
        var others = request.roster.filter { $0.id != spec.id && $0.name != heardPerson?.name }
        if others.isEmpty { others = request.roster.filter { $0.id != spec.id } }
        let other = others.isEmpty ? "" : pick(others, 3).name

        func fill(_ template: String) -> String {
            template.replacingAll("{who}", with: who).replacingAll("{topic}", with: topic)
                .replacingAll("{other}", with: other).replacingAll("{role}", with: spec.role)
                .replacingAll("{title}", with: request.scenarioTitle)
        }

        if chinese {
            let opener = fromUser ? fill(pick(OfflineVoice.chineseUserOpeners, 1))
                : heardPerson == nil ? "关于“\(request.scenarioTitle)”，" : fill(pick(OfflineVoice.chineseOpeners[temperament.rawValue], 1))
            let closer = fill(pick(OfflineVoice.chineseClosers, 2))
            return opener + point + closer
        }
        let opener = fromUser ? fill(pick(OfflineVoice.userOpeners, 1))
            : heardPerson == nil ? fill(pick(OfflineVoice.firstOpeners, 1))
            : fill(pick(OfflineVoice.openers[temperament.rawValue], 1))
        let body = fill(pick(OfflineVoice.framings, 4)).replacingAll("{point}", with: point)
        let closer = fill(pick(OfflineVoice.closers[temperament.rawValue], 2))
        return [opener, body, closer].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// The agent's talking points: its persona's sentences, or its role.
    static func points(from spec: AgentSpec, chinese: Bool) -> [String] {
        let separators: Set<Character> = chinese ? ["。", "！", "？", ".", "!", "?"] : [".", "!", "?", "。"]
        var sentences: [String] = []
        var current = ""
        for ch in spec.persona {
            current.append(ch)
            if separators.contains(ch) {
                let s = current.trimmingWhitespace
                if s.count > 3 { sentences.append(s) }
                current = ""
            }
        }
        let tail = current.trimmingWhitespace
        if tail.count > 3 { sentences.append(tail + (chinese ? "。" : ".")) }
        // Persona lines written as instructions ("You are…") are not things to say aloud.
        let sayable = sentences.filter { !$0.lowercased().hasPrefix("you ") && !$0.hasPrefix("你是") }
        if !sayable.isEmpty { return sayable }
        return chinese ? ["作为\(spec.role)，我有自己的看法。"] : ["As the \(spec.role), I see this from my own angle."]
    }

    /// What the last message was about: its most telling word, or for CJK a short phrase.
    static func topic(of text: String, chinese: Bool, ignoring names: [String] = []) -> String {
        let isCJK: (Character) -> Bool = { $0.unicodeScalars.first.map { $0.value >= 0x3400 && $0.value <= 0x9FFF } ?? false }
        let cjkCount = text.reduce(0) { $0 + (isCJK($1) ? 1 : 0) }
        if cjkCount > 0 && (chinese || cjkCount > text.count / 3) {
            // The longest clause that names nobody is the substance; its opening words are the topic.
            let clauses = text.split { "，。！？；：,.!?;:“”\"".contains($0) }.map { String($0.filter(isCJK)) }
            let substantive = clauses.filter { clause in !names.contains { !$0.isEmpty && clause.lowercased().contains($0) } }
            var best = substantive.max { $0.count < $1.count } ?? clauses.max { $0.count < $1.count } ?? ""
            for lead in ["我们", "我", "关于", "作为"] where best.hasPrefix(lead) { best.removeFirst(lead.count) }
            if !best.isEmpty { return String(best.prefix(4)) }
        }
        let words = Keywords.of(text).filter {
            $0.count >= 4 && !$0.contains("'") && !templateWords.contains($0) && !names.contains($0)
        }
        // The longest word usually carries the subject; the first of equals wins.
        var best: String?
        for word in words where word.count > (best?.count ?? 0) { best = word }
        guard let best else { return "this" }
        // Keep the speaker's own capitalisation (Friday, not friday).
        if let range = text.range(of: best, options: .caseInsensitive) { return String(text[range]) }
        return best
    }

    /// Words our own templates use: never mistaken for what a message is about.
    static let templateWords: Set<String> = {
        let all = (firstOpeners + userOpeners + openers.flatMap { $0 } + framings + closers.flatMap { $0 }).joined(separator: " ")
        return Set(Keywords.of(all))
    }()

    static let firstOpeners = [
        "Let me open.", "Here is where I stand.", "To start us off:", "Before anyone else weighs in:",
    ]

    /// Answers to the person at the keyboard, who stepped in to ask.
    static let userOpeners = [
        "You asked about {topic}, so here is my straight answer.", "Fair question on {topic}.",
        "Since you ask about {topic}:", "On your point about {topic}:",
    ]

    static let chineseUserOpeners = ["你问到“{topic}”，我直说：", "好问题。", "关于你说的“{topic}”，"]

    static let openers: [[String]] = [
        // blunt
        ["{who}, I don't buy it.", "No, {who}: {topic} is the wrong place to start.",
         "Let's be direct about {topic}.", "{who} is half right.", "That argument about {topic} won't hold."],
        // warm
        ["I like where {who} is going with {topic}.", "Thanks, {who}, that helps.",
         "{who}, fair point about {topic}.", "I hear you, {who}.", "Good, {who} raised {topic}."],
        // analytical
        ["Let's break {topic} down.", "Two things about {topic}, {who}.",
         "The evidence on {topic} points one way.", "If we follow {who}'s logic on {topic}, then:",
         "Let me separate the claims about {topic}."],
        // wry
        ["Ah, {topic} again.", "Well, {who}, that's one way to see it.", "Bold of you, {who}.",
         "Everyone loves talking about {topic}.", "{who}, I admire the optimism."],
    ]

    static let framings = [
        "{point}", "As the {role}, I keep coming back to this: {point}", "My view hasn't changed. {point}",
        "Here's what matters to me. {point}", "{point}",
    ]

    static let closers: [[String]] = [
        ["{other}, tell me why I'm wrong.", "Prove me wrong, {other}.", "", "That's my line, {other}."],
        ["{other}, where do you land?", "Can we build on that together?", "", "{other}, what do you think?"],
        ["{other}, what would change your mind?", "Where's the flaw, {other}?", "", "What numbers do you have, {other}?"],
        ["Your move, {other}.", "Over to you, {other}, brave soul.", "", "{other}, surprise me."],
    ]

    static let chineseOpeners: [[String]] = [
        ["{who}，我不同意。", "直说吧，关于“{topic}”，", "{who}只说对了一半。"],
        ["{who}说得有道理。", "谢谢{who}，", "我理解{who}的意思，"],
        ["我们把“{topic}”拆开来看。", "关于“{topic}”，有两点。", "按{who}的逻辑，"],
        ["又是“{topic}”。", "{who}，这也是一种看法。", "有意思，{who}。"],
    ]

    static let chineseClosers = ["{other}，你怎么看？", "这一点我们能达成共识吗？", "", "{other}，你同意吗？", "Over to you, {other}."]
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard contains(target) else { return self }
        return components(separatedBy: target).joined(separator: replacement)
    }
}
