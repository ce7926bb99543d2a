import Foundation

/// Where a command's text goes: `-o FILE`, or standard output.
enum TextOutput {
    static func emit(_ text: String, to output: String?) throws {
        guard let output else { return print(text, terminator: "") }
        do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch {
            throw BadInput("\(output): cannot write: \(error.localizedDescription)")
        }
    }
}
