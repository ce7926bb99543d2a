import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP proxy in front of a real HTTP server that keeps the body of every request passing
/// through: what Palaver actually sent, read off the wire. Bytes are forwarded unchanged both ways
/// (keep-alive and streaming included); a client that hangs up is hung up on upstream too, as it
/// would be without the proxy.
final class RecordingProxy: @unchecked Sendable {
    let port: Int
    private let upstreamPort: Int
    private let listener: Int32
    private let lock = NSLock()
    private var bodies: [String] = []

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    /// Request bodies in the order they arrived.
    var requests: [String] { lock.withLock { bodies } }

    init(upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        (listener, port) = try Loopback.listen()
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    func shutdown() {
        Glibc.shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            guard let upstream = try? Loopback.connect(port: upstreamPort) else { close(client); continue }
            // One thread a direction: requests are parsed on their way up, replies copied back as they come.
            let replied = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                Loopback.pump(from: upstream, to: client) { _ in }
                Glibc.shutdown(client, Int32(SHUT_WR))
                replied.signal()
            }
            Thread.detachNewThread { [self] in
                var parser = RequestParser()
                Loopback.pump(from: client, to: upstream) { chunk in
                    for body in parser.feed(chunk) { lock.withLock { bodies.append(body) } }
                }
                Glibc.shutdown(upstream, Int32(SHUT_RDWR))
                // Both directions done before either socket is closed, so neither thread touches a reused descriptor.
                replied.wait()
                close(upstream)
                close(client)
            }
        }
    }

    /// Splits an HTTP/1.1 request stream (bodies with Content-Length, as Palaver sends them) into bodies.
    struct RequestParser {
        private var buffer: [UInt8] = []

        mutating func feed(_ chunk: ArraySlice<UInt8>) -> [String] {
            buffer += chunk
            var found: [String] = []
            while let headEnd = Self.headEnd(in: buffer) {
                let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
                let length = head.split(separator: "\r\n").compactMap { line -> Int? in
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                    return Int(parts[1].trimmingCharacters(in: .whitespaces))
                }.first ?? 0
                let end = headEnd + 4 + length
                guard buffer.count >= end else { break }
                found.append(String(decoding: buffer[(headEnd + 4)..<end], as: UTF8.self))
                buffer.removeFirst(end)
            }
            return found
        }

        static func headEnd(in bytes: [UInt8]) -> Int? {
            guard bytes.count >= 4 else { return nil }
            for index in 0...(bytes.count - 4)
            where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
                return index
            }
            return nil
        }
    }
}

/// Blocking loopback sockets, enough for a test's proxy and for finding a free port.
enum Loopback {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func address(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// A socket listening on a port the kernel chose, and that port.
    static func listen() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = address(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && Glibc.listen(fd, 64) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { close(fd); throw Failure(description: "bind/listen on 127.0.0.1: errno \(errno)") }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A loopback port free at the moment of asking (for a server that must be told its port).
    static func freePort() throws -> Int {
        let (fd, port) = try listen()
        close(fd)
        return port
    }

    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = address(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard fd >= 0, connected else { close(fd); throw Failure(description: "connect to 127.0.0.1:\(port): errno \(errno)") }
        return fd
    }

    /// Copies bytes from one socket to another until either side ends, showing each chunk to `seen` first.
    static func pump(from source: Int32, to destination: Int32, seen: (ArraySlice<UInt8>) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(source, &buffer, buffer.count)
            if count <= 0 { return }
            seen(buffer[0..<count])
            var sent = 0
            while sent < count {
                let written = buffer[sent..<count].withUnsafeBytes { send(destination, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if written <= 0 { return }
                sent += written
            }
        }
    }
}
