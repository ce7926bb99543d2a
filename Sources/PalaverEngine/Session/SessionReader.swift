/// Reads a session file as a stream of events. Memory does not grow with the
/// file: lines are read in chunks and decoded one at a time. A torn last line
/// (a run killed mid-write) is reported as a warning and the rest kept; any
/// other bad line is an error naming the file and line.
public struct SessionReader {
    public let path: String
    public let header: SessionHeader
    public let info: SessionInfo
    /// Byte offset and line number of the first event (`session_started`).
    let firstEventOffset: Int
    /// Problems that did not stop reading (a torn last line), for the user.
    public private(set) var warnings: [String] = []

    public init(path: String) throws(SessionError) {
        self.path = path
        var reader = try LineReader(path: path)
        defer { reader.close() }
        var header: SessionHeader?
        var info: SessionInfo?
        var offset = 0
        var failure: SessionError?
        do {
            try reader.forEachLine { bytes, number, lineOffset, _ in
                if number == 1 {
                    do throws(SessionError.Reason) { header = try SessionHeader.parse(bytes) } catch {
                        failure = SessionError(path: path, line: 1, reason: error)
                        return false
                    }
                    return true
                }
                var decoder = EventDecoder(version: header?.version ?? SessionHeader.formatVersion)
                do throws(EventDecoder.Failure) {
                    let event = try decoder.decode(bytes)
                    guard case .sessionStarted(let i) = event.body else {
                        failure = SessionError(path: path, line: number, reason: .malformed("the first event must be session_started"))
                        return false
                    }
                    info = i
                    offset = lineOffset
                } catch {
                    failure = SessionError(path: path, line: number, reason: .malformed(error.reason))
                }
                return false
            }
        } catch let error as SessionError {
            throw error
        } catch {
            throw SessionError(path: path, reason: .cannotOpen("\(error)"))
        }
        if let failure { throw failure }
        guard let header else { throw SessionError(path: path, line: 1, reason: .empty) }
        guard let info else { throw SessionError(path: path, line: 2, reason: .malformed("the session has no session_started event")) }
        self.header = header
        self.info = info
        self.firstEventOffset = offset
    }

    /// Calls `body` with every event in order, from the start or from a byte
    /// offset the index gave. Returns early when `body` returns false.
    public mutating func forEachEvent(from offset: Int? = nil, firstLine: Int = 2,
                                      _ body: (Event) throws -> Bool) throws {
        let start = offset ?? firstEventOffset
        var reader = try LineReader(path: path, from: start)
        defer { reader.close() }
        // Starting past session_started, the decoder still needs the roster.
        var decoder = start == firstEventOffset ? EventDecoder(version: header.version) : EventDecoder(roster: info, version: header.version)
        let path = self.path
        var torn: String?
        try reader.forEachLine(firstLine: start == firstEventOffset ? 2 : firstLine) { bytes, number, _, terminated in
            if bytes.isEmpty { return true }
            let event: Event
            do throws(EventDecoder.Failure) {
                event = try decoder.decode(bytes)
            } catch {
                if !terminated {
                    torn = "\(path):\(number): the last line is incomplete (the run was cut off); replaying up to the line before"
                    return false
                }
                throw SessionError(path: path, line: number, reason: .malformed(error.reason))
            }
            return try body(event)
        }
        if let torn { warnings.append(torn) }
    }

    /// Every event in the file, in memory. For small sessions and tests.
    public mutating func readAll() throws -> [Event] {
        var events: [Event] = []
        try forEachEvent { events.append($0); return true }
        return events
    }
}
