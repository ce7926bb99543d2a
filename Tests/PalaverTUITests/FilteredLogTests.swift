import Testing
@testable import PalaverEngine
@testable import PalaverTUI

/// The filtered log is kept up to date as entries arrive, reading only the
/// new ones; whatever happens — typing, new messages, an edit, chatter hidden,
/// a replay that moved back — it must be the log a full read would give.
@Suite struct FilteredLogTests {
    /// The visible log as reading the whole log, entry by entry, gives it.
    func fullRead(_ state: AppState) -> [Int] {
        let filter = state.logFilter.trimmingWhitespace
        let log = state.projection.log
        guard !filter.isEmpty || state.hideChatter else { return Array(0..<log.count) }
        guard case .success(let parsed) = LogFilter.parse(filter, agents: state.projection.info?.agents ?? []) else { return [] }
        return log.indices.filter { !(state.hideChatter && LogFilter.Kind.of(log[$0]) == .algorithm) && parsed.matches(log[$0]) }
    }

    @Test func theKeptFilteredLogIsAlwaysTheOneAFullReadGives() throws {
        let log = EventLog()
        let run = try SessionRun(scenario: .builtIn, options: .init(maxSteps: 30, speed: .fastest), sinks: [log])
        run.run()
        let events = log.events
        var state = AppState(width: 120, height: 40)
        var checked = 0
        var halfway: Projection?
        for (i, event) in events.enumerated() {
            _ = state.update(.source(SourceUpdate(events: [event])))
            if i == events.count / 2 { halfway = state.projection }
            switch i {
            case 5: for key in [Key.char("/"), .char("f"), .char("l"), .char("a")] { _ = state.update(.key(key)) }
            case 12: _ = state.update(.key(.char("g")))  // "flag"
            case 20: _ = state.update(.key(.backspace))
            case 30: _ = state.update(.key(.enter))
            case 40:
                // An edit changes what the filter matches.
                if let first = state.projection.log.first?.message {
                    _ = state.update(.source(SourceUpdate(events: [Event(step: first.step, time: 0,
                                                                        .edited(messageID: first.id, text: "FLAG raised", original: nil))])))
                }
            case 50: for key in [Key.char("/"), .escape] { _ = state.update(.key(key)) }
            case 55: for key in "/from:maya".map(Key.char) { _ = state.update(.key(key)) }
            default: break
            }
            #expect(Array(state.visibleLog) == fullRead(state), "after event \(i)")
            if state.filteredLog != nil { checked += 1 }
        }
        #expect(checked > events.count / 2, "the kept log was used")
        #expect(!state.visibleLog.isEmpty && state.visibleLog.count < state.projection.log.count)
        // A replay that moved back shows a shorter log: read again, not extended.
        _ = state.update(.source(SourceUpdate(projection: halfway)))
        #expect(Array(state.visibleLog) == fullRead(state))
        #expect(state.visibleLog.allSatisfy { $0 < state.projection.log.count })
    }

    @Test func textIsFoundWhateverItsCaseAsLowercasingWouldFindIt() {
        var random = SeededGenerator(seed: 31)
        let pieces = ["a", "B", "flag", "FLAG", "Ship", " ", "é", "É", "ß", "中", "x"]
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0...8, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let needle = (0..<Int.random(in: 0...3, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined().lowercased()
            #expect(LogFilter.contains(needle, inLowercased: text) == text.lowercased().contains(needle),
                    "\(needle.debugDescription) in \(text.debugDescription)")
        }
    }
}
