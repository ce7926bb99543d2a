import Foundation
import Testing

/// A private RabbitMQ for the tests: Debian's rabbitmq-server run by
/// scripts/private-broker in a temporary directory on a free port, started once
/// per test process and stopped when it exits (or, if it is killed, by the
/// script's watcher). Tests are skipped with a note where no broker can run.
final class TestBroker: @unchecked Sendable {
    let directory: String
    let port: Int
    var url: String { "amqp://guest:guest@127.0.0.1:\(port)/" }

    static let shared: TestBroker? = {
        do {
            let broker = try TestBroker()
            atexit { TestBroker.shared?.stop() }
            return broker
        } catch {
            FileHandle.standardError.write(Data("TestBroker: \(error)\n".utf8))
            return nil
        }
    }()

    /// Whether this machine can run the broker tests at all.
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/lib/rabbitmq/bin/rabbitmq-server")
    }

    static var script: String {
        var dir = URL(fileURLWithPath: #filePath)
        while dir.path != "/" {
            dir.deleteLastPathComponent()
            let candidate = dir.appendingPathComponent("scripts/private-broker").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "scripts/private-broker"
    }

    /// Commands run inside this network namespace (a test host of its own), listening on all its addresses.
    let namespace: String?

    init(port: Int? = nil, namespace: String? = nil) throws {
        directory = NSTemporaryDirectory() + "palaver-broker-\(UUID().uuidString.prefix(8))"
        self.port = port ?? TestBroker.freePort()
        self.namespace = namespace
        try TestBroker.shell(inNamespace + [TestBroker.script, "start", directory, String(self.port), String(getpid())],
                             environment: namespace == nil ? [:] : ["PALAVER_BROKER_BIND": "0.0.0.0"])
    }

    private var inNamespace: [String] { namespace.map { ["ip", "netns", "exec", $0] } ?? [] }

    func stop() { _ = try? TestBroker.shell(inNamespace + [TestBroker.script, "stop", directory]) }

    /// Stops the broker and starts it again on the same port and data (a broker restart).
    func restart(between: () throws -> Void = {}) throws {
        stop()
        try between()
        try TestBroker.shell([TestBroker.script, "start", directory, String(port), String(getpid())])
    }

    /// A port nothing listens on, from the kernel; the broker also uses port+10000 and port+20000.
    static func freePort() -> Int {
        for _ in 0..<50 {
            let candidate = Int.random(in: 20000...25000)
            if [candidate, candidate + 10000, candidate + 20000].allSatisfy(isFree) { return candidate }
        }
        return 24672
    }

    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    @discardableResult
    static func shell(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let (status, output) = try Spawn.run(arguments, environment: environment)
        guard status == 0 else { throw Failure(description: "\(arguments.joined(separator: " ")): \(output)") }
        return output
    }
}
