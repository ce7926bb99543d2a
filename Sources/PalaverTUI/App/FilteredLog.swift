import PalaverEngine

/// The positions of the log entries a filter lets through, and how much of
/// the log was read to find them. Kept in `AppState` and brought up to date
/// after each message, reading only the entries that arrived since. A filter
/// typed further (the same keys, more text) only re-reads what the shorter one
/// let through; another filter, chatter shown or hidden, an edit, or a log
/// that shrank (a replay that moved back) reads it all again. With a million
/// entries, a frame then costs what it costs without a filter.
struct FilteredLog: Sendable {
    var filter: String
    /// The filter read, or nil when it cannot be (nothing then shows).
    var parsed: LogFilter?
    var hideChatter: Bool
    var editCount: Int
    var scanned = 0
    var positions: [Int] = []

    /// Lets through no entry that `previous` kept out.
    func narrows(_ previous: FilteredLog) -> Bool {
        guard let new = parsed, let old = previous.parsed, hideChatter == previous.hideChatter,
              editCount == previous.editCount else { return false }
        return new.from == old.from && new.to == old.to && new.about == old.about && new.kinds == old.kinds
            && new.text.hasPrefix(old.text)
    }

    func admits(_ entry: LogEntry) -> Bool {
        guard let parsed else { return false }
        return !(hideChatter && LogFilter.Kind.of(entry) == .algorithm) && parsed.matches(entry)
    }
}

extension AppState {
    /// The log entries the filter lets through, as indices into the projection's log.
    public var visibleLog: LogSlice {
        let filter = logFilter.trimmingWhitespace
        guard !filter.isEmpty || hideChatter else { return LogSlice(all: projection.log.count) }
        if let cached = filteredLog, cached.filter == filter, cached.hideChatter == hideChatter,
           cached.editCount == projection.editCount, cached.scanned == projection.log.count {
            return LogSlice(filtered: cached.positions)
        }
        // Set directly (tests, benchmarks) and not yet brought up to date: read it all.
        let log = newFilteredLog(for: filter)
        return LogSlice(filtered: projection.log.positions(in: 0..<projection.log.count, where: log.admits))
    }

    private func newFilteredLog(for filter: String) -> FilteredLog {
        let parsed = try? LogFilter.parse(filter, agents: projection.info?.agents ?? []).get()
        return FilteredLog(filter: filter, parsed: parsed, hideChatter: hideChatter, editCount: projection.editCount)
    }

    /// Brings `filteredLog` up to date with the filter and the projection.
    mutating func refreshFilteredLog() {
        let filter = logFilter.trimmingWhitespace
        guard !filter.isEmpty || hideChatter else {
            filteredLog = nil
            return
        }
        let count = projection.log.count
        var log = filteredLog ?? newFilteredLog(for: filter)
        // Taken out while it grows, so its positions are appended to, not copied.
        filteredLog = nil
        if log.filter != filter || log.hideChatter != hideChatter || log.editCount != projection.editCount || log.scanned > count {
            var fresh = newFilteredLog(for: filter)
            if fresh.narrows(log), log.scanned <= count {
                fresh.positions = projection.log.positions(among: log.positions, where: fresh.admits)
                fresh.scanned = log.scanned
            }
            log = fresh
        }
        if log.scanned < count {
            log.positions += projection.log.positions(in: log.scanned..<count, where: log.admits)
            log.scanned = count
        }
        filteredLog = log
    }
}
