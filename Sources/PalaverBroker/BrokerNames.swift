/// The queues and streams a run uses on the broker; every process derives them from the run's id.
public enum BrokerNames {
    /// The work queue all workers share: turn requests from every run.
    public static let turns = "palaver.turns"
    /// Where rejected (malformed or foreign) messages go, to be looked at, not lost.
    public static let deadLetterExchange = "palaver.dead"
    public static let deadLetters = "palaver.dead"
    /// A stream of run records (started, finished), read by `palaver runs`.
    public static let runs = "palaver.runs"

    /// The run's events, in order, as a stream any reader can start at the first event.
    public static func events(_ run: String) -> String { "palaver.run.\(run).events" }
    /// Replies from workers to this run's engine.
    public static func replies(_ run: String) -> String { "palaver.run.\(run).replies" }
    /// Commands for this run's engine (inject, pause…), from attached workbenches.
    public static func commands(_ run: String) -> String { "palaver.run.\(run).commands" }

    /// Run ids become parts of queue names: letters, digits, `-`, `_` and `.` only, at most 200 bytes.
    public static func isValidRun(_ run: String) -> Bool {
        !run.isEmpty && run.utf8.count <= 200 && run.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)
        }
    }
}
