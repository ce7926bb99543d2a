import Foundation
import Yams

/// Reading a DCOP file's text and YAML with limits, since such files come from
/// anywhere: only regular files, at most `sizeLimit` bytes, at most
/// `aliasLimit` YAML aliases (expanding aliased keys is what makes a tiny
/// file take minutes), and errors that quote none of the file's content
/// beyond the parser's own short, cleaned description.
enum DCOPFile {
    static let sizeLimit = 8 << 20
    static let aliasLimit = 1_000

    static func text(_ path: String) throws(DCOPReader.Failure) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { throw DCOPReader.Failure(path: path, "cannot read the file") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw DCOPReader.Failure(path: path, "not a regular file") }
        guard info.st_size <= sizeLimit else {
            throw DCOPReader.Failure(path: path, "\(info.st_size) bytes is larger than a DCOP file may be (limit \(sizeLimit >> 20) MB)")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw DCOPReader.Failure(path: path, "cannot read the file") }
        // Files in /proc and the like say they are regular and empty, then read something else.
        guard data.count == Int(info.st_size) else { throw DCOPReader.Failure(path: path, "not a regular file") }
        guard data.count <= sizeLimit, let text = String(data: data, encoding: .utf8) else {
            throw DCOPReader.Failure(path: path, "not UTF-8 text")
        }
        return text
    }

    static func compose(_ text: String, path: String) throws(DCOPReader.Failure) -> Node {
        guard text.utf8.count <= sizeLimit else { throw DCOPReader.Failure(path: path, "larger than a DCOP file may be (limit \(sizeLimit >> 20) MB)") }
        // An alias is `*name` where a value or key starts (after `: `, `- `, `? `, `[`, `,`, `{`); `x * y` is not one.
        var aliases = 0
        var previous: UInt8 = 0x20, lastMark: UInt8 = UInt8(ascii: "-")
        let starts: Set<UInt8> = Set(":-?[,{".utf8)
        for byte in text.utf8 {
            if byte == UInt8(ascii: "*"), starts.contains(lastMark), previous == 0x20 || starts.contains(previous) { aliases += 1 }
            if byte != 0x20 && byte != 0x09 { lastMark = byte == 0x0A ? UInt8(ascii: "-") : byte }
            previous = byte
        }
        if aliases > aliasLimit { throw DCOPReader.Failure(path: path, "more than \(aliasLimit) YAML aliases") }
        do {
            guard let node = try Yams.compose(yaml: text) else { throw DCOPReader.Failure(path: path, "the file is empty") }
            return node
        } catch let f as DCOPReader.Failure { throw f } catch {
            // Yams' description quotes the offending line after its first line: keep the first only.
            let first = "\(error)".split(separator: "\n").first.map(String.init) ?? "syntax error"
            throw DCOPReader.Failure(path: path, "not valid YAML: \(first)")
        }
    }
}

extension DCOPReader.Failure {
    /// `path: why`, cleaned for a terminal and cut to one short line.
    init(path: String, _ why: String) {
        let line = "\(path): \(why)".sanitizedForTerminal(singleLine: true)
        self.init(reason: line.count > 400 ? String(line.prefix(399)) + "…" : line)
    }
}
