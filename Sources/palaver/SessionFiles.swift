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
        var path = "\(directory)/\(stamp)-\(scenario).jsonl"
        var n = 2
        while FileManager.default.fileExists(atPath: path) {
            path = "\(directory)/\(stamp)-\(scenario)-\(n).jsonl"
            n += 1
        }
        return path
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
