#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file line by line in fixed-size chunks, so memory stays flat
/// however large the file is. Hands out each line's bytes (without the
/// newline), its 1-based number, its byte offset, and whether it ended with a newline.
/// Only regular files are read (a device or FIFO never ends), and a line may
/// be at most `maxLineLength` bytes, so `/dev/zero` cannot fill memory.
struct LineReader {
    /// Far above any real event (a whole model answer), far below trouble.
    static let maxLineLength = 16 << 20

    let path: String
    private let fd: Int32
    private var chunk: [UInt8]
    private var carry: [UInt8] = []
    private var fileOffset: Int

    init(path: String, from offset: Int = 0, chunkSize: Int = 1 << 20) throws(SessionError) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SessionError(path: path, reason: .cannotOpen(String(cString: strerror(errno)))) }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG {
            Glibc.close(fd)
            throw SessionError(path: path, reason: .cannotOpen((st.st_mode & S_IFMT) == S_IFDIR ? "it is a directory" : "not a regular file"))
        }
        if offset > 0 { lseek(fd, off_t(offset), SEEK_SET) }
        fileOffset = offset
        chunk = [UInt8](repeating: 0, count: chunkSize)
    }

    func close() { _ = Glibc.close(fd) }

    private func checkLength(_ length: Int, line: Int) throws(SessionError) {
        guard length <= LineReader.maxLineLength else {
            throw SessionError(path: path, line: line, reason: .malformed("the line is longer than \(LineReader.maxLineLength >> 20) MB (not a session, or a damaged one)"))
        }
    }

    /// Calls `body` for each line until it returns false or the file ends.
    /// `firstLine` is the number of the line at the starting offset.
    mutating func forEachLine(firstLine: Int = 1,
                              _ body: (UnsafeBufferPointer<UInt8>, _ number: Int, _ offset: Int, _ terminated: Bool) throws -> Bool) throws {
        var lineNumber = firstLine
        var lineStartOffset = fileOffset
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SessionError(path: path, reason: .cannotOpen(String(cString: strerror(errno))))
            }
            if n == 0 { break }
            fileOffset += n
            let keepGoing: Bool = try chunk.withUnsafeBufferPointer { whole in
                let buf = UnsafeBufferPointer(rebasing: whole[0..<n])
                var start = 0
                while start < n {
                    guard let hit = memchr(buf.baseAddress! + start, 0x0A, n - start) else { break }
                    let end = buf.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    let goOn: Bool
                    let length: Int
                    if carry.isEmpty {
                        length = end - start
                        goOn = try body(UnsafeBufferPointer(rebasing: buf[start..<end]), lineNumber, lineStartOffset, true)
                    } else {
                        try checkLength(carry.count + end - start, line: lineNumber)
                        carry.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<end]))
                        length = carry.count
                        goOn = try carry.withUnsafeBufferPointer { try body($0, lineNumber, lineStartOffset, true) }
                        carry.removeAll(keepingCapacity: true)
                    }
                    lineStartOffset += length + 1
                    lineNumber += 1
                    start = end + 1
                    if !goOn { return false }
                }
                if start < n {
                    try checkLength(carry.count + n - start, line: lineNumber)
                    carry.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<n]))
                }
                return true
            }
            if !keepGoing { return }
        }
        if !carry.isEmpty {
            _ = try carry.withUnsafeBufferPointer { try body($0, lineNumber, lineStartOffset, false) }
            carry.removeAll()
        }
    }
}
