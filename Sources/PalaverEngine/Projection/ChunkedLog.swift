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
