#if canImport(Glibc)
import Glibc
#endif

/// Puts the terminal back if the program dies while curses owns it. On a
/// crash signal (a Swift trap is SIGILL or SIGTRAP, a stack overflow SIGSEGV,
/// abort() SIGABRT) the handler restores the saved terminal modes and leaves
/// the alternate screen with mouse reporting off, using only write(2) and
/// tcsetattr(2) on buffers prepared beforehand, on its own stack so a stack
/// overflow reaches it too. Then it hands the signal on to whoever had it
/// before (the Swift runtime's crash report, or the default action), which now
/// prints on the normal screen. kill -9 cannot be caught: the README says how
/// to recover by hand.
enum TerminalGuard {
    nonisolated(unsafe) static var saved = termios()
    nonisolated(unsafe) static var active = false
    static let crashSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]
    /// What each crash signal did before us, by signal number.
    nonisolated(unsafe) static var previous: [sigaction] = Array(repeating: sigaction(), count: 32)
    /// The reset bytes, prepared outside the handler (it must not allocate).
    nonisolated(unsafe) static var resetBytes: UnsafeMutableBufferPointer<UInt8> = .init(start: nil, count: 0)
    static let alternateStackSize = 64 << 10

    /// Mouse reporting off, cursor shown, attributes reset, main screen back.
    static let reset = "\u{1B}[?1000l\u{1B}[?1002l\u{1B}[?1003l\u{1B}[?1006l\u{1B}[?25h\u{1B}[0m\u{1B}[?1049l\r\n"

    static func install() {
        guard !active else { return }
        tcgetattr(STDIN_FILENO, &saved)
        if resetBytes.baseAddress == nil {
            resetBytes = .allocate(capacity: reset.utf8.count)
            _ = resetBytes.initialize(from: reset.utf8)
            // A stack of its own for the handler: a stack overflow leaves none.
            var stack = stack_t()
            stack.ss_sp = UnsafeMutableRawPointer.allocate(byteCount: alternateStackSize, alignment: 16)
            stack.ss_size = alternateStackSize
            stack.ss_flags = 0
            sigaltstack(&stack, nil)
        }
        active = true
        for sig in crashSignals {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = { sig, info, _ in
                TerminalGuard.restoreFromSignal()
                // Give the signal back to its previous owner. A fault re-faults when
                // the handler returns; a signal sent with kill(2) must be raised again.
                var old = TerminalGuard.previous[Int(sig)]
                sigaction(sig, &old, nil)
                if let info, info.pointee.si_code <= 0 { raise(sig) }
            }
            action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER
            sigemptyset(&action.sa_mask)
            sigaction(sig, &action, &previous[Int(sig)])
        }
    }

    static func uninstall() {
        guard active else { return }
        active = false
        for sig in crashSignals { sigaction(sig, &previous[Int(sig)], nil) }
    }

    static func restoreFromSignal() {
        guard active else { return }
        active = false
        tcsetattr(STDIN_FILENO, TCSANOW, &saved)
        _ = write(STDOUT_FILENO, resetBytes.baseAddress, resetBytes.count)
    }
}
