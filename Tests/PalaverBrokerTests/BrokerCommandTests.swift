import Foundation
import Testing

/// How `--broker` behaves before any broker is reached.
@Suite struct BrokerCommandTests {
    @Test func brokerFlagsGiveOneLineAndNeverThePassword() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Port 1 on loopback: nothing listens there.
        let out = try PalaverProcess.run(["run", "--no-record", "--steps", "1", "--broker", "amqp://alice:hunter2@127.0.0.1:1/"], in: dir)
        #expect(out.status == 2)
        #expect(out.stderr.split(separator: "\n").count == 1, "one line: \(out.stderr)")
        #expect(!out.stderr.contains("hunter2"))
        #if Broker
        #expect(out.stderr.contains("amqp://alice@127.0.0.1:1/"), "\(out.stderr)")
        #else
        #expect(out.stderr.contains("librabbitmq-dev") && out.stderr.contains("--traits Broker"), "\(out.stderr)")
        #endif
        let bad = try PalaverProcess.run(["worker", "--broker", "http://x"], in: dir)
        #expect(bad.status == 2 && bad.stderr.split(separator: "\n").count == 1)
    }
}
