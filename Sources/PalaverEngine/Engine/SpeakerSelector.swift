/// The offline selector: picks who speaks next by relevance to the last
/// message — being named in it counts most, then words it shares with the
/// agent's role and persona — plus a pull towards whoever has been quiet
/// longest, so nobody is left out for good; ties are broken by the seed.
public struct SpeakerSelector: Sendable {
    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    /// - Parameter lastSpoke: the step each agent last spoke in (0 for never).
    public func choose(after last: Message?, among agents: [AgentSpec], muted: [Bool], lastSpoke: [Int], step: Int) -> AgentID? {
        let lastSpeaker = last?.sender.agent
        var candidates = agents.indices.filter { !muted[$0] }
        if candidates.count > 1, let speaker = lastSpeaker { candidates.removeAll { $0 == speaker.index } }
        guard !candidates.isEmpty else { return nil }
        let words = Set(Keywords.of(last?.text ?? ""))
        var best: (score: Int, tie: UInt64, index: Int)?
        for i in candidates {
            let spec = agents[i]
            var score = 0
            let lowered = (last?.text ?? "").lowercased()
            if lowered.contains("@" + spec.id.lowercased()) || lowered.contains(spec.name.lowercased()) { score += 30 }
            let shared = Set(Keywords.of(spec.role + " " + spec.persona)).intersection(words).count
            score += min(shared, 10) * 3
            score += min(step - lastSpoke[i], 10) * 4
            let tie = DeterministicRandom.value(seed, UInt64(step), UInt64(i))
            if best == nil || score > best!.score || (score == best!.score && tie > best!.tie) {
                best = (score, tie, i)
            }
        }
        return best.map { AgentID($0.index) }
    }
}

/// Content words of a text, lowercased: what relevance is measured on.
enum Keywords {
    static let stopwords: Set<String> = [
        "the", "and", "for", "that", "this", "with", "you", "your", "are", "was", "but", "not", "have",
        "has", "had", "our", "their", "they", "them", "what", "which", "who", "will", "would", "can",
        "could", "should", "about", "from", "into", "than", "then", "there", "here", "just", "also",
        "very", "more", "most", "some", "any", "all", "its", "it's", "i'm", "we're", "let", "let's",
        "how", "why", "when", "where", "does", "did", "been", "being", "were", "because", "only",
        "nothing", "something", "anything", "everything", "rather", "really", "think", "thing", "things",
        "going", "want", "need", "like", "make", "still", "even", "much", "many", "every", "each",
        "behind", "before", "after", "again", "other", "these", "those", "while", "without", "within", "through",
    ]

    static func of(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previous: Character?
        func flush() {
            if current.count >= 3, !stopwords.contains(current) { words.append(current) }
            current = ""
        }
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber || ch == "'" || ch == "-" {
                // CJK text has no spaces: pairs of ideographs stand in for words.
                if ch.unicodeScalars.first.map({ $0.value >= 0x3400 && $0.value <= 0x9FFF }) == true {
                    flush()
                    if let previous, previous.unicodeScalars.first.map({ $0.value >= 0x3400 && $0.value <= 0x9FFF }) == true {
                        words.append(String([previous, ch]))
                    }
                } else {
                    current.append(ch)
                }
            } else {
                flush()
            }
            previous = ch
        }
        flush()
        return words
    }
}
