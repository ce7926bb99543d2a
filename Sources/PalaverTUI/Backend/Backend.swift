/// Where frames go. The app loop renders a buffer, diffs it with the last
/// one, and hands the backend only the changes.
public protocol Backend: AnyObject {
    var width: Int { get }
    var height: Int { get }
    func apply(_ diff: BufferDiff)
    /// Makes what was applied visible.
    func present()
}

/// Keeps the screen in memory, for tests and benchmarks: what a real
/// terminal would show, cell for cell, after each diff.
public final class TestBackend: Backend {
    public private(set) var screen: Buffer
    public private(set) var cellsWritten = 0
    public private(set) var presents = 0

    public init(width: Int, height: Int) { screen = Buffer(width: width, height: height) }

    public var width: Int { screen.width }
    public var height: Int { screen.height }

    public func resize(width: Int, height: Int) { screen = Buffer(width: width, height: height) }

    public func apply(_ diff: BufferDiff) {
        for run in diff.runs {
            for (offset, cell) in run.cells.enumerated() where run.x + offset < screen.width {
                screen[run.x + offset, run.y] = cell
                cellsWritten += 1
            }
        }
    }

    public func present() { presents += 1 }

    public var text: String { screen.text }
}
