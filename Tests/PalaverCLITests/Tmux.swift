import Foundation
import Testing

/// A real terminal for end-to-end tests: the built binary running inside a
/// private tmux server, driven by send-keys and read by capture-pane.
final class Tmux {
    let socket = "palaver-test-\(UUID().uuidString.prefix(8))"
    let session = "t"

    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/tmux")
    }

    /// Runs a tmux command and returns what it printed. Through the shell
    /// and a file, not Foundation's Process and a pipe: the tmux server forks
    /// off and keeps inherited descriptors open, and Process would wait for it
    /// for ever.
    @discardableResult
    func tmux(_ arguments: [String]) -> String {
        let output = NSTemporaryDirectory() + "\(socket)-\(UUID().uuidString.prefix(8)).out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let quoted = (["tmux", "-L", socket] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        _ = system(quoted.joined(separator: " ") + " > '\(output)' 2>/dev/null < /dev/null")
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    /// Starts `command` in a width × height terminal; when it exits the pane shows its exit status.
    init(_ command: String, width: Int = 120, height: Int = 40) {
        tmux(["new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)",
              "export TERM=xterm-256color LANG=C.UTF-8; \(command); echo PALAVER_EXIT=$?; sleep 600"])
    }

    deinit { tmux(["kill-server"]) }

    func keys(_ keys: String...) { tmux(["send-keys", "-t", session] + keys) }
    func type(_ text: String) { tmux(["send-keys", "-t", session, "-l", text]) }
    func resize(width: Int, height: Int) { tmux(["resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)"]) }
    var screen: String { tmux(["capture-pane", "-t", session, "-p"]) }

    /// Polls the screen until `condition` holds, up to a deadline.
    @discardableResult
    func waitFor(_ what: String, timeout: Double = 15, _ condition: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(screen) { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("timed out waiting for \(what); the screen was:\n\(screen)")
        return false
    }

    func waitFor(text: String, timeout: Double = 15) -> Bool {
        waitFor("“\(text)”", timeout: timeout) { $0.contains(text) }
    }
}
