import Foundation

/// The first line of every session file.
public struct SessionHeader: Sendable, Equatable {
    /// The format this Palaver writes. It reads this one and every older one (v1 through a mapping to the typed events).
    public static let formatVersion = 2
    public static let oldestReadable = 1

    public var version: Int
    /// When the session was created, ISO 8601 in UTC.
    public var created: String
    /// The session this one was forked from, and the step it was forked at.
    public var parent: String?
    public var forkStep: Int?

    public init(version: Int = SessionHeader.formatVersion, created: String = SessionHeader.now(),
                parent: String? = nil, forkStep: Int? = nil) {
        self.version = version
        self.created = created
        self.parent = parent
        self.forkStep = forkStep
    }

    public static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }

    /// The header as its JSON line, without the newline.
    public var line: [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("palaver"); w.string("session")
        w.key("version"); w.int(version)
        w.key("created"); w.string(created)
        w.key("parent"); if let parent { w.string(parent) } else { w.null() }
        w.key("fork_step"); if let forkStep { w.int(forkStep) } else { w.null() }
        w.endObject()
        return w.bytes
    }

    /// Reads a header line; the error says what is wrong, without file or line.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(SessionError.Reason) -> SessionHeader {
        guard let value = try? JSONParser.parse(bytes), let o = value.object, o["palaver"]?.string == "session" else {
            throw .notASession
        }
        guard let version = o["version"]?.int else { throw .malformed("the header has no version") }
        guard (oldestReadable...formatVersion).contains(version) else { throw .unsupportedVersion(version) }
        return SessionHeader(version: version, created: o["created"]?.string ?? "",
                             parent: o["parent"]?.string, forkStep: o["fork_step"]?.int)
    }
}

/// Why a session file cannot be read, naming the file and line.
public struct SessionError: Error, CustomStringConvertible, Equatable {
    public enum Reason: Error, Equatable {
        case cannotOpen(String)
        case empty
        case notASession
        case unsupportedVersion(Int)
        case malformed(String)
        case cannotWrite(String)
    }

    public let path: String
    public let line: Int?
    public let reason: Reason

    public init(path: String, line: Int? = nil, reason: Reason) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    public var description: String {
        let place = line.map { "\(path):\($0)" } ?? path
        switch reason {
        case .cannotOpen(let why): return "\(place): cannot open: \(why)"
        case .empty: return "\(place): empty file, not a Palaver session"
        case .notASession: return "\(place): not a Palaver session (the first line is not a session header)"
        case .unsupportedVersion(let v):
            return v > SessionHeader.formatVersion
                ? "\(place): session format version \(v) is newer than this Palaver reads (up to \(SessionHeader.formatVersion)); upgrade Palaver"
                : "\(place): session format version \(v) is not one this Palaver reads (\(SessionHeader.oldestReadable) to \(SessionHeader.formatVersion))"
        case .malformed(let why): return "\(place): \(why)"
        case .cannotWrite(let why): return "\(place): cannot write: \(why)"
        }
    }
}
