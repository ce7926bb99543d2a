import Foundation
import Testing

/// Compares text with a snapshot checked in under Tests/PalaverTUITests/Snapshots.
/// Run with PALAVER_RECORD_SNAPSHOTS=1 to write new snapshots after a deliberate change.
func assertSnapshot(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    let file = directory.appendingPathComponent(name + ".txt")
    if ProcessInfo.processInfo.environment["PALAVER_RECORD_SNAPSHOTS"] == "1" {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? (text + "\n").write(to: file, atomically: true, encoding: .utf8)
        return
    }
    guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
        Issue.record("no snapshot \(name).txt; record it with PALAVER_RECORD_SNAPSHOTS=1 swift test", sourceLocation: sourceLocation)
        return
    }
    if expected != text + "\n" {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = (text + "\n").split(separator: "\n", omittingEmptySubsequences: false)
        let line = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
        Issue.record("""
            snapshot \(name) differs at line \(line + 1):
              expected: \(line < a.count ? String(a[line]) : "<end>")
              actual:   \(line < b.count ? String(b[line]) : "<end>")
            whole screen:
            \(text)
            """, sourceLocation: sourceLocation)
    }
}
