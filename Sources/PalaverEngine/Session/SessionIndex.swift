/// Where each step starts in a session file, found by one pass that looks
/// only at the start of each line: seeking reads from the nearest step
/// instead of from the beginning.
public struct SessionIndex: Sendable {
    /// `stepOffsets[k]` is the byte offset of the line that starts step k+1.
    public private(set) var stepOffsets: [Int] = []
    /// The line number of each step's first line, parallel to `stepOffsets`.
    public private(set) var stepLines: [Int] = []
    public private(set) var eventCount = 0
    public private(set) var byteCount = 0

    public var stepCount: Int { stepOffsets.count }

    /// Indexes a session file. `progress` is called now and then with the bytes read so far.
    public static func build(path: String, progress: ((Int) -> Void)? = nil) throws -> SessionIndex {
        var index = SessionIndex()
        var reader = try LineReader(path: path)
        defer { reader.close() }
        let prefix = Array(#"{"type":"step","step":"#.utf8)
        var nextReport = 1 << 26
        try reader.forEachLine { bytes, number, offset, _ in
            index.byteCount = offset + bytes.count + 1
            if number == 1 || bytes.isEmpty { return true }
            index.eventCount += 1
            if bytes.count > prefix.count, Self.hasPrefix(bytes, prefix) {
                index.stepOffsets.append(offset)
                index.stepLines.append(number)
            }
            if let progress, offset >= nextReport {
                progress(offset)
                nextReport += 1 << 26
            }
            return true
        }
        return index
    }

    @inline(__always)
    private static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8]) -> Bool {
        for i in 0..<prefix.count where bytes[i] != prefix[i] { return false }
        return true
    }

    /// The offset and line to start reading from to reach `step`.
    public func position(ofStep step: Int) -> (offset: Int, line: Int)? {
        guard step >= 1, step <= stepOffsets.count else { return nil }
        return (stepOffsets[step - 1], stepLines[step - 1])
    }
}
