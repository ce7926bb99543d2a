import Foundation
import PalaverEngine

/// Reads a run's stream from its first event: the session header, then batches
/// of event lines in order, each batch once (a batch republished after a
/// reconnect is dropped by its number). Blocks the calling thread, which must
/// not be one of Swift's cooperative threads.
public final class EventStreamReader: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let url: BrokerURL
    public let run: String
    /// Batches read so far.
    public private(set) var batches = 0

    public init(url: BrokerURL, run: String) throws(Failure) {
        guard BrokerNames.isValidRun(run) else { throw Failure(description: "'\(run)' is not a run id (letters, digits, - _ . only)") }
        self.url = url
        self.run = run
    }

    /// Calls `body` with each new batch of whole lines (the header line first), until the run's last
    /// batch, `body` returns false, or nothing new comes for `idle` seconds (nil waits for the end).
    /// Returns true when the run's end was read.
    @discardableResult
    public func read(idle: Double?, _ body: ([UInt8]) -> Bool) throws(Failure) -> Bool {
        #if Broker
        var seen: Int64 = -1
        var unacked = 0
        var reachedEnd = false
        var lastArrival = MonotonicSeconds.now()
        let connection: AMQPConnection
        do {
            connection = try AMQPConnection(url: url)
        } catch { throw Failure(description: error.description) }
        defer { connection.close() }
        do {
            _ = try connection.queueDepth(BrokerNames.events(run))
        } catch {
            throw Failure(description: "no run '\(run)' on \(url)")
        }
        do throws(AMQPFailure) {
            // A passive declare that fails closes the channel: read on a fresh connection.
            let reader = try AMQPConnection(url: url)
            defer { reader.close() }
            try reader.qos(prefetch: 500)
            try reader.consume(queue: BrokerNames.events(run), arguments: [("x-stream-offset", .string("first"))])
            while true {
                guard let delivery = try reader.nextDelivery(timeout: 0.2) else {
                    if unacked > 0 { try reader.ack(0, multiple: true); unacked = 0 }
                    if let idle, MonotonicSeconds.now() - lastArrival >= idle { return false }
                    continue
                }
                lastArrival = MonotonicSeconds.now()
                unacked += 1
                if unacked >= 100 { try reader.ack(delivery.deliveryTag, multiple: true); unacked = 0 }
                guard case .int(let number)? = delivery.headers["palaver-batch"] else { continue }
                guard number > seen else { continue }
                seen = number
                batches += 1
                if !delivery.body.isEmpty, !body(delivery.body) { return reachedEnd }
                if delivery.headers["palaver-last"] != nil {
                    reachedEnd = true
                    return true
                }
            }
        } catch {
            throw Failure(description: "reading run '\(run)': \(error.description)")
        }
        #else
        throw Failure(description: BrokerSupport.missing.description)
        #endif
    }
}
