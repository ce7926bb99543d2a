/// How an offline moderator talks: it does not argue a side. It opens the
/// floor once, then recaps the last two speakers in their own words and puts
/// them to each other, calls on whoever has not spoken, and raises its
/// persona's agenda (concessions, evidence, who pays) with named people.
struct OfflineModerator {
    let request: ModelRequest
    let hearing: OfflineHearing
    /// The moderator's agenda: its persona's sentences.
    let points: [String]
    let attempt: UInt64

    func compose() -> String {
        let spec = request.spec
        let names = request.roster.map(\.name)
        let participants = request.roster.filter { $0.id != spec.id }.map(\.name)
        let salt = DeterministicRandom.hash(spec.id)
        func pick<T>(_ options: [T], _ slot: UInt64) -> T {
            options[DeterministicRandom.index(options.count, request.seed, salt, UInt64(request.turn), slot, attempt)]
        }
        let voice = OfflineVoice.for(spec)
        var parts: [String] = []
        for d in hearing.freshDirectives.suffix(2) where d.kind != .summarise {
            if let ack = voice.acknowledgement(of: d, hearing: hearing, points: points, names: names) { parts.append(ack) }
        }
        let spoken = hearing.latestByName
        guard hearing.conversationStarted, !participants.isEmpty else {
            // The first word: set the question and give the floor, once.
            let agenda = points.first.map { " " + $0 } ?? ""
            let opener = hearing.hasSpoken ? "" : "Welcome. The question before us: \(request.scenarioTitle)"
            let floor = participants.first.map { " \($0), please open." } ?? ""
            return (parts + [opener + agenda + floor]).joined(separator: " ").trimmingWhitespace
        }
        let silent = participants.filter { name in !spoken.contains { $0.name == name } }
        let claims = spoken.compactMap { h in Quote.claim(in: h.text, names: names, maxWords: 16).map { (h.name, $0) } }
        let asked = hearing.freshDirectives.contains { $0.kind == .summarise }
        let move = asked ? 0 : (request.turn + Int(salt % 3)) % 3
        if !asked, let quiet = silent.first {
            parts.append("We haven't heard from \(quiet) yet. \(quiet), where do you stand?")
        } else if move == 0 || asked, claims.count >= 2 {
            let (a, claimA) = claims[claims.count - 2], (b, claimB) = claims[claims.count - 1]
            parts.append(pick(["Let me sum up.", "Where we are:", "To recap:"], 1))
            parts.append("\(a): “\(claimA)”. \(b): “\(claimB)”.")
            parts.append(pick(["\(a), answer \(b)'s point directly.", "\(b), what would it take to convince \(a)?",
                               "\(a), \(b): where exactly do you disagree?"], 2))
        } else if let agenda = agenda(for: move), claims.count >= 2 {
            let a = claims[claims.count - 1].0, b = claims[claims.count - 2].0
            parts.append(agenda)
            parts.append(pick(["\(a), what do you grant \(b)?", "\(a) and \(b), take that on.", "\(b), you first, then \(a)."], 2))
        } else if let (name, claim) = claims.last {
            parts.append("\(name) says “\(claim)”. Who disagrees, and why?")
        } else {
            parts.append("\(participants.joined(separator: ", ")): the floor is open.")
        }
        return parts.joined(separator: " ")
    }

    /// One of the moderator's persona lines to put to the room, by turn.
    private func agenda(for move: Int) -> String? {
        guard !points.isEmpty else { return nil }
        return points[(request.turn / 3 + move) % points.count]
    }
}
