/// The message log, stored in fixed-size chunks. Copying it (to keep a
/// snapshot for seeking) shares every chunk; appending or changing an entry
/// afterwards copies one chunk, never the whole log.
public struct ChunkedLog: RandomAccessCollection, MutableCollection, Sendable {
    static let chunkSize = 1024
    private var chunks: [[LogEntry]] = []
    public private(set) var count = 0

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> LogEntry {
        get { chunks[position / Self.chunkSize][position % Self.chunkSize] }
        set { chunks[position / Self.chunkSize][position % Self.chunkSize] = newValue }
    }

    public mutating func append(_ entry: LogEntry) {
        if count % Self.chunkSize == 0 {
            var chunk: [LogEntry] = []
            chunk.reserveCapacity(Self.chunkSize)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(entry)
        count += 1
    }
}
