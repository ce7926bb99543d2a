#if canImport(Glibc)
import Glibc
#endif

/// A terminal a workbench loop runs on: a backend to paint on, and input the
/// loop waits for in `poll()` on `inputDescriptor` and then reads without waiting.
public protocol TerminalDevice: Backend {
    /// The file descriptor input arrives on.
    var inputDescriptor: Int32 { get }
    /// The next input already at hand; nil when there is none (never waits).
    func readInput() -> TerminalInput?
    /// Forgets what is on the screen, so the next frame is drawn whole (after a resize).
    func invalidate()
    func shutdown()
}

extension NCursesBackend: TerminalDevice {
    public var inputDescriptor: Int32 { STDIN_FILENO }
    public func readInput() -> TerminalInput? { readInput(timeoutMilliseconds: 0) }
}

/// A terminal made of a pipe and a screen in memory, for running the real
/// workbench loop in tests and benchmarks: what is written to `keys` arrives
/// as key presses (UTF-8 characters and control codes, no escape sequences).
public final class PipeTerminal: TerminalDevice, @unchecked Sendable {
    public let screen: TestBackend
    public let inputDescriptor: Int32
    /// Write key presses here, from any thread.
    public let keys: Int32
    private var bytes: [UInt8] = []
    /// Called after each frame is presented, on the loop's thread.
    public var onPresent: (() -> Void)?

    public init(width: Int, height: Int) {
        screen = TestBackend(width: width, height: height)
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0, "no pipe for the test terminal")
        inputDescriptor = fds[0]
        keys = fds[1]
        _ = fcntl(inputDescriptor, F_SETFL, fcntl(inputDescriptor, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        close(inputDescriptor)
        close(keys)
    }

    /// Sends key presses as a terminal would.
    public func type(_ text: String) {
        let utf8 = Array(text.utf8)
        utf8.withUnsafeBufferPointer { _ = write(keys, $0.baseAddress, $0.count) }
    }

    public var width: Int { screen.width }
    public var height: Int { screen.height }
    public func apply(_ diff: BufferDiff) { screen.apply(diff) }
    public func present() {
        screen.present()
        onPresent?()
    }
    public func invalidate() {}
    public func shutdown() {}

    public func readInput() -> TerminalInput? {
        var chunk = [UInt8](repeating: 0, count: 256)
        let n = read(inputDescriptor, &chunk, chunk.count)
        if n > 0 { bytes += chunk[0..<n] }
        while !bytes.isEmpty {
            let length = PipeTerminal.sequenceLength(bytes[0])
            guard bytes.count >= length else { return nil }
            let scalarBytes = Array(bytes[0..<length])
            bytes.removeFirst(length)
            guard let text = String(validating: scalarBytes, as: UTF8.self), let scalar = text.unicodeScalars.first,
                  let input = TerminalInput.decode(scalar.value) else { continue }
            return input
        }
        return nil
    }

    private static func sequenceLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...: return 4
        case 0xE0...: return 3
        case 0xC0...: return 2
        default: return 1
        }
    }
}
