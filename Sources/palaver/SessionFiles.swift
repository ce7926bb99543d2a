import Foundation
import PalaverEngine

/// Where sessions live and what they are called.
enum SessionFiles {
    static let directory = "sessions"

    /// `sessions/20261124-213000-debate.jsonl`, unique within the folder.
    static func newPath(for scenario: String) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        let stamp = formatter.string(from: Date())
        let name = fileName(scenario)
        var path = "\(directory)/\(stamp)-\(name).jsonl"
        var n = 2
        while FileManager.default.fileExists(atPath: path) {
            path = "\(directory)/\(stamp)-\(name)-\(n).jsonl"
            n += 1
        }
        return path
    }

    /// A scenario's name comes from a file (a scenario, or the session a fork
    /// continues): only letters, digits, - and _ reach the path, so `../`
    /// or `/` cannot place a recording outside sessions/.
    static func fileName(_ scenario: String) -> String {
        let kept = scenario.unicodeScalars.prefix(64).map { s -> Character in
            s.isASCII && (s.properties.isAlphabetic || s.properties.numericType != nil || s == "-" || s == "_") ? Character(s) : "-"
        }
        let name = String(kept).split(separator: "-", omittingEmptySubsequences: true).joined(separator: "-")
        return name.isEmpty ? "session" : name
    }

    static func prepareDirectory(for path: String) throws {
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw BadInput("\(dir): cannot create the folder for the session: \(error.localizedDescription)")
        }
    }
}
