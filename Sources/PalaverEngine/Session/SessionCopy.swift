import Foundation

/// `:save PATH`: a copy of a session file as it stands, whole lines only (a
/// live run may be mid-write), to a new file — never over an existing one.
public enum SessionCopy {
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// Copies `source` to `destination` and returns the bytes written.
    @discardableResult
    public static func copy(_ source: String, to destination: String) throws(Failure) -> Int {
        let target = (destination as NSString).expandingTildeInPath
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) {
            throw Failure(description: isDirectory.boolValue
                ? "\(destination) is a directory: give a file name (e.g. \(destination)/run.jsonl)"
                : "\(destination) already exists: choose another name (nothing was overwritten)")
        }
        if (target as NSString).standardizingPath == (source as NSString).standardizingPath {
            throw Failure(description: "\(destination) is the session file itself")
        }
        guard let input = FileHandle(forReadingAtPath: source) else {
            throw Failure(description: "cannot read the session file \(source)")
        }
        defer { try? input.close() }
        // O_EXCL: a file that appears meanwhile is not overwritten either.
        let fd = open(target, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            let folder = (destination as NSString).deletingLastPathComponent
            throw Failure(description: "cannot write \(destination): \(reason.lowercased())" + (errno == ENOENT && !folder.isEmpty ? " (no folder \(folder))" : ""))
        }
        let output = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        var written = 0
        var carry = Data()
        do {
            while true {
                let chunk = try input.read(upToCount: 1 << 20) ?? Data()
                if chunk.isEmpty { break }
                carry.append(chunk)
                // Write up to the last newline; keep the rest for the next chunk.
                if let last = carry.lastIndex(of: UInt8(ascii: "\n")) {
                    let whole = carry[carry.startIndex...last]
                    try output.write(contentsOf: whole)
                    written += whole.count
                    carry = Data(carry[(last + 1)...])
                }
            }
            try output.synchronize()
        } catch {
            try? output.close()
            unlink(target)
            throw Failure(description: "cannot write \(destination): \(error.localizedDescription)")
        }
        try? output.close()
        return written
    }
}
