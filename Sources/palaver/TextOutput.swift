import Foundation
import PalaverEngine

/// Where a command's text goes: `-o FILE`, or standard output. Exports carry
/// text from session files, which are untrusted: either way no escape
/// sequence or bidi override gets through (JSON keeps them, as \u escapes).
enum TextOutput {
    static func emit(_ text: String, to output: String?, json: Bool = false) throws {
        let safe = json ? text.escapingTerminalControlsInJSON : text.sanitizedForTerminal()
        guard let output else { return print(safe, terminator: "") }
        do { try safe.write(toFile: output, atomically: true, encoding: .utf8) } catch {
            throw BadInput("\(output.excerpt(200)): cannot write: \(error.localizedDescription)")
        }
    }
}
