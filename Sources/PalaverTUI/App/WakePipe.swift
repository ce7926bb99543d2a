#if canImport(Glibc)
import Glibc
#endif

/// Wakes a loop blocked in `poll()`: anything (an event source on another
/// thread, a signal handler) writes a byte; the loop polls `readDescriptor`
/// and drains it. Both ends are non-blocking, so a full pipe only means the
/// loop is already due to wake.
final class WakePipe: @unchecked Sendable {
    let readDescriptor: Int32
    let writeDescriptor: Int32

    init() {
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0, "no pipe to wake the workbench loop")
        readDescriptor = fds[0]
        writeDescriptor = fds[1]
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }

    func wake() {
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }

    func drain() {
        var sink = [UInt8](repeating: 0, count: 64)
        while read(readDescriptor, &sink, sink.count) > 0 {}
    }
}

/// The one way signals reach a workbench: SIGINT, SIGTERM and SIGHUP are
/// noted and wake the loop through its pipe (a write is async-signal-safe),
/// and the loop turns them into a message. Dispositions are restored after.
enum SignalWake {
    static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    nonisolated(unsafe) static var descriptor: Int32 = -1
    nonisolated(unsafe) static var raised: sig_atomic_t = 0

    static func install(waking pipe: WakePipe) {
        descriptor = pipe.writeDescriptor
        raised = 0
        for sig in handled {
            signal(sig) { sig in
                SignalWake.raised = sig
                var byte: UInt8 = 1
                _ = write(SignalWake.descriptor, &byte, 1)
            }
        }
    }

    /// The signal that arrived since the last call, if any.
    static func take() -> Int32? {
        let sig = raised
        guard sig != 0 else { return nil }
        raised = 0
        return sig
    }

    static func uninstall() {
        for sig in handled { signal(sig, SIG_DFL) }
        descriptor = -1
    }
}
