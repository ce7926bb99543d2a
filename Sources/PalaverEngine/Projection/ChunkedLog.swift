/// A growing list stored in fixed-size chunks. Copying it (to keep a
/// snapshot for seeking) shares every chunk; appending or changing an entry
/// afterwards copies one chunk, never the whole list.
public struct ChunkedArray<Element: Sendable>: RandomAccessCollection, MutableCollection, Sendable {
    static var chunkSize: Int { 1024 }
    private var chunks: [[Element]] = []
    public private(set) var count = 0

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> Element {
        get { chunks[position / Self.chunkSize][position % Self.chunkSize] }
        set { chunks[position / Self.chunkSize][position % Self.chunkSize] = newValue }
    }

    /// The positions in `range` whose element passes `test`, read chunk by chunk (no element copied out).
    public func positions(in range: Range<Int>, where test: (Element) -> Bool) -> [Int] {
        var found: [Int] = []
        var position = range.lowerBound
        while position < range.upperBound {
            let chunk = position / Self.chunkSize, offset = position % Self.chunkSize
            let end = Swift.min(Self.chunkSize, offset + range.upperBound - position)
            chunks[chunk].withUnsafeBufferPointer { elements in
                for i in offset..<end where test(elements[i]) { found.append(chunk * Self.chunkSize + i) }
            }
            position += end - offset
        }
        return found
    }

    /// Those of `positions` whose element passes `test`, in order.
    public func positions(among positions: [Int], where test: (Element) -> Bool) -> [Int] {
        positions.filter { position in
            chunks[position / Self.chunkSize].withUnsafeBufferPointer { test($0[position % Self.chunkSize]) }
        }
    }

    public mutating func append(_ entry: Element) {
        if count % Self.chunkSize == 0 {
            var chunk: [Element] = []
            chunk.reserveCapacity(Self.chunkSize)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(entry)
        count += 1
    }
}

/// The message log.
public typealias ChunkedLog = ChunkedArray<LogEntry>
