/// The cells that changed between two frames, as runs along a row, so a
/// backend writes only what changed, and a run never starts on the right half
/// of a wide character.
public struct BufferDiff: Sendable {
    public struct Run: Sendable, Equatable {
        public var x: Int
        public var y: Int
        public var cells: [Cell]
    }

    public private(set) var runs: [Run] = []

    public var isEmpty: Bool { runs.isEmpty }
    public var changedCells: Int { runs.reduce(0) { $0 + $1.cells.count } }

    /// The changes that turn `old` into `new`; everything when the sizes differ.
    public init(from old: Buffer?, to new: Buffer) {
        let full = old == nil || old!.width != new.width || old!.height != new.height
        for y in 0..<new.height {
            var x = 0
            while x < new.width {
                let i = y * new.width + x
                if !full, old!.cells[i] == new.cells[i] { x += 1; continue }
                // Start on the left half of a wide character.
                var start = x
                if new.cells[i].isContinuation, start > 0 { start -= 1 }
                var end = x + 1
                while end < new.width {
                    let j = y * new.width + end
                    if !full && old!.cells[j] == new.cells[j] && !new.cells[j].isContinuation { break }
                    end += 1
                }
                if let last = runs.last, last.y == y, last.x + last.cells.count > start {
                    // Overlaps the previous run (a wide character's halves): extend it.
                    let from = last.x + last.cells.count
                    if end > from {
                        runs[runs.count - 1].cells.append(contentsOf: new.cells[(y * new.width + from)..<(y * new.width + end)])
                    }
                } else {
                    runs.append(Run(x: start, y: y, cells: Array(new.cells[(y * new.width + start)..<(y * new.width + end)])))
                }
                x = end
            }
        }
    }
}
