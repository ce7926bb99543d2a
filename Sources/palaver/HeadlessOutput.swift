import Foundation

/// Plain-text output for pipes and logs. Through `print`, stdout is
/// block-buffered when it is not a terminal, so a long headless run showed
/// nothing for minutes and lost its text when killed. Each line here goes out
/// in one write of its own, so it is there at once, and a notice on stderr
/// can only ever land between two lines.
enum HeadlessOutput {
    /// Writes `text` and a newline to stdout now.
    static func line(_ text: String) {
        write(Array((text + "\n").utf8), to: STDOUT_FILENO)
    }

    /// `palaver: TEXT` on stderr.
    static func notice(_ text: String) {
        write(Array("palaver: \(text)\n".utf8), to: STDERR_FILENO)
    }

    private static func write(_ bytes: [UInt8], to descriptor: Int32) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
