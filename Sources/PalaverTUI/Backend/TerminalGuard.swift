#if canImport(Glibc)
import Glibc
#endif

/// Puts the terminal back if the program dies while curses owns it: a crash
/// signal restores the saved terminal modes and leaves the alternate screen
/// using only async-signal-safe calls, then lets the signal take its course.
enum TerminalGuard {
    nonisolated(unsafe) static var saved = termios()
    nonisolated(unsafe) static var active = false
    static let crashSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

    static func install() {
        guard !active else { return }
        tcgetattr(STDIN_FILENO, &saved)
        active = true
        for sig in crashSignals {
            signal(sig) { sig in
                TerminalGuard.restoreFromSignal()
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
    }

    static func uninstall() {
        guard active else { return }
        active = false
        for sig in crashSignals { signal(sig, SIG_DFL) }
    }

    static func restoreFromSignal() {
        guard active else { return }
        tcsetattr(STDIN_FILENO, TCSANOW, &saved)
        // Mouse reporting off, cursor shown, attributes reset, main screen back.
        let reset = "\u{1B}[?1000l\u{1B}[?1002l\u{1B}[?1006l\u{1B}[?25h\u{1B}[0m\u{1B}[?1049l\r\n"
        reset.utf8CString.withUnsafeBufferPointer { buffer in
            _ = write(STDOUT_FILENO, buffer.baseAddress, buffer.count - 1)
        }
    }
}
