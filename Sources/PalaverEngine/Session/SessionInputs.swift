import Foundation

/// The files a run read when it started (its coordination problem, its learned policies), by the path the
/// session names them with, with their text as they were then. The session records them, so a replay or a
/// fork needs nothing beside the session file: it works from any directory and on another machine, and a
/// file edited since cannot make a fork differ from its parent.
public struct SessionInputs: Hashable, Sendable {
    /// Path as the session names it → the file's text.
    public private(set) var files: [String: String] = [:]

    /// Largest file a session records (a DCOP file's own limit; policy tables are smaller).
    public static let sizeLimit = 8 << 20

    public init(files: [String: String] = [:]) { self.files = files }

    public struct Failure: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// The paths a session's description reads: its coordination problem and its learned policies.
    public static func paths(for info: SessionInfo) -> [String] {
        var paths: [String] = []
        if let problem = info.coordination?.problem, !problem.isEmpty { paths.append(problem) }
        for text in info.environment?.policies ?? [] {
            if case .learned(let path)? = try? BeerPolicySpec(parsing: text), !paths.contains(path) { paths.append(path) }
        }
        return paths
    }

    /// Reads every file `info` names from disk (a live run's start). Files it cannot read are left out: the
    /// reader that needs one then says what is wrong with it, in its own words.
    public static func reading(for info: SessionInfo) -> SessionInputs {
        reading(paths: paths(for: info))
    }

    /// Reads these files from disk, leaving out those it cannot read.
    public static func reading(paths: [String]) -> SessionInputs {
        var inputs = SessionInputs()
        for path in paths {
            if let text = try? DCOPReader.text(path) { inputs.files[path] = text }
        }
        return inputs
    }

    /// The recorded text of `path`, or, for a session that holds none (older files), what `read` finds on disk.
    public func text<E: Error>(of path: String, orRead read: (String) throws(E) -> String) throws(E) -> String {
        if let text = files[path] { return text }
        return try read(path)
    }
}
