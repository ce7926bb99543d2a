import PalaverEngine

/// What `/` typed picks out of the log: `from:NAME`, `to:NAME`, `@NAME`
/// (from or to), `kind:K` (`chat`, `injected`, `algorithm`, `observation`,
/// `system`, `error`; several as `kind:chat|injected`), and any other words
/// as text the message must contain. Everything given must hold; the same
/// key given twice means either (`from:otto from:ravi`).
public struct LogFilter: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case chat, injected, algorithm, observation, system, error

        /// What kind of entry the log shows: algorithm traffic is DCOP values and MGM gains;
        /// errors are what the engine says went wrong (model failures, refused deliveries).
        public static func of(_ entry: LogEntry) -> Kind {
            if entry.message.coordination != nil || entry.message.author == .algorithm && entry.message.kind != .chat { return .algorithm }
            switch entry.message.kind {
            case .chat: return .chat
            case .injected: return .injected
            case .action, .coordination: return .algorithm
            case .observation: return .observation
            case .system: return .system
            case .error: return .error
            }
        }
    }

    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    public var from: Set<Party> = []
    public var to: Set<AgentID> = []
    /// `@name`: sent by or to any of these.
    public var about: Set<AgentID> = []
    public var kinds: Set<Kind> = []
    /// Lower-cased text every match contains (the words left once keys are taken out, as typed).
    public var text = ""

    public init() {}

    public var isEmpty: Bool { from.isEmpty && to.isEmpty && about.isEmpty && kinds.isEmpty && text.isEmpty }

    /// Reads a filter. Keys still being typed (`from:` with no name yet) are skipped, not errors.
    public static func parse(_ input: String, agents: [AgentSpec]) -> Result<LogFilter, Failure> {
        var filter = LogFilter()
        var words: [Substring] = []
        for word in input.split(separator: " ", omittingEmptySubsequences: true) {
            let lowered = word.lowercased()
            if let key = ["from:", "to:", "kind:"].first(where: { lowered.hasPrefix($0) }) {
                let value = String(lowered.dropFirst(key.count))
                guard !value.isEmpty else { continue }
                switch key {
                case "from:":
                    guard let party = party(named: value, agents: agents) else { return .failure(unknown(value, agents)) }
                    filter.from.insert(party)
                case "to:":
                    guard case .agent(let id)? = party(named: value, agents: agents) else { return .failure(unknown(value, agents, parties: false)) }
                    filter.to.insert(id)
                default:
                    for name in value.split(whereSeparator: { $0 == "|" || $0 == "," }) {
                        guard let kind = Kind(rawValue: String(name)) else {
                            return .failure(Failure(reason: "no kind '\(name)' (kinds: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")))"))
                        }
                        filter.kinds.insert(kind)
                    }
                }
            } else if lowered.hasPrefix("@"), lowered.count > 1 {
                guard case .agent(let id)? = party(named: String(lowered.dropFirst()), agents: agents) else {
                    return .failure(unknown(String(lowered.dropFirst()), agents, parties: false))
                }
                filter.about.insert(id)
            } else {
                words.append(word)
            }
        }
        filter.text = words.joined(separator: " ").lowercased()
        return .success(filter)
    }

    static func party(named name: String, agents: [AgentSpec]) -> Party? {
        switch name {
        case "you", "user": return .user
        case "system": return .system
        case "environment": return .environment
        default: return InjectionParser.agent(named: name, in: agents).map(Party.agent)
        }
    }

    static func unknown(_ name: String, _ agents: [AgentSpec], parties: Bool = true) -> Failure {
        Failure(reason: "no agent '\(name)' (agents: \(agents.map(\.id).joined(separator: ", "))\(parties ? ", you, system" : ""))")
    }

    public func matches(_ entry: LogEntry) -> Bool {
        let m = entry.message
        if !from.isEmpty && !from.contains(m.sender) { return false }
        if !to.isEmpty && !to.contains(where: { m.recipients.includes($0) && m.sender != .agent($0) }) { return false }
        if !about.isEmpty && !about.contains(where: { m.sender == .agent($0) || m.recipients.includes($0) }) { return false }
        if !kinds.isEmpty && !kinds.contains(Kind.of(entry)) { return false }
        if !text.isEmpty && !LogFilter.contains(text, inLowercased: m.text) { return false }
        return true
    }

    /// Whether `text.lowercased()` contains `needle` (already lower-cased), compared as UTF-8 bytes:
    /// a filter reads a million messages, so ASCII text (most of it) is searched without making
    /// its lower-cased copy, and no text goes through Foundation's slower search.
    static func contains(_ needle: String, inLowercased text: String) -> Bool {
        // As `String.contains`: nothing is found in anything.
        guard !needle.isEmpty else { return false }
        var haystack = text
        if let found = haystack.withUTF8({ bytes -> Bool? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            return needle.utf8.allSatisfy({ $0 < 0x80 }) && occurs(needle, in: bytes, lowering: true)
        }) {
            return found
        }
        var lowered = text.lowercased()
        return lowered.withUTF8 { occurs(needle, in: $0, lowering: false) }
    }

    /// Whether the bytes of `needle` occur in `bytes` (with ASCII capitals read as small letters when `lowering`).
    private static func occurs(_ needle: String, in bytes: UnsafeBufferPointer<UInt8>, lowering: Bool) -> Bool {
        var needle = needle
        return needle.withUTF8 { pattern in
            guard pattern.count <= bytes.count else { return false }
            for start in 0...(bytes.count - pattern.count) {
                var k = 0
                while k < pattern.count {
                    let b = bytes[start + k]
                    guard (lowering && b >= 0x41 && b <= 0x5A ? b | 0x20 : b) == pattern[k] else { break }
                    k += 1
                }
                if k == pattern.count { return true }
            }
            return false
        }
    }

    /// Completes the agent name being typed after `from:`, `to:` or `@` at the end of `input`.
    public static func complete(_ input: String, agents: [AgentSpec]) -> String {
        let start = input.lastIndex(of: " ").map { input.index(after: $0) } ?? input.startIndex
        let token = input[start...]
        guard let key = ["from:", "to:"].first(where: { token.lowercased().hasPrefix($0) }) else {
            return InjectionParser.complete(input, agents: agents)
        }
        let completed = InjectionParser.complete("@" + token.dropFirst(key.count), agents: agents)
        return String(input[..<start]) + key + completed.dropFirst()
    }

    /// Where `text` occurs in `line` (case-insensitive), as character offsets, for highlighting.
    public static func occurrences(of text: String, in line: String) -> [Range<Int>] {
        guard !text.isEmpty else { return [] }
        let haystack = Array(line.lowercased()), needle = Array(text)
        // Lower-casing can change a string's length (rare letters); then nothing is marked rather than the wrong cells.
        guard haystack.count == line.count, needle.count <= haystack.count else { return [] }
        var out: [Range<Int>] = []
        var i = 0
        while i + needle.count <= haystack.count {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) {
                out.append(i..<(i + needle.count))
                i += needle.count
            } else {
                i += 1
            }
        }
        return out
    }
}

extension AppState {
    /// The text the log filter looks for (to highlight), if any.
    var filterText: String? {
        guard !logFilter.isEmpty, case .success(let filter) = LogFilter.parse(logFilter, agents: projection.info?.agents ?? []) else { return nil }
        return filter.text.isEmpty ? nil : filter.text
    }

    /// What is wrong with the filter as typed, if anything.
    public var filterProblem: String? {
        guard !logFilter.isEmpty, case .failure(let failure) = LogFilter.parse(logFilter, agents: projection.info?.agents ?? []) else { return nil }
        return failure.reason
    }
}
