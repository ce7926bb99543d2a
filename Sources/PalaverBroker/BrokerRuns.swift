import Foundation

/// The runs a broker has seen, folded from its stream of run records.
public enum BrokerRuns {
    public struct Entry: Sendable, Equatable {
        public var run: String
        public var scenario: String
        /// running or finished
        public var state: String
        public var started: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Every run, oldest first. Reads the record stream to its current end.
    public static func list(url: BrokerURL) throws(Failure) -> [Entry] {
        #if Broker
        var entries: [Entry] = []
        var index: [String: Int] = [:]
        do throws(AMQPFailure) {
            let connection = try AMQPConnection(url: url)
            defer { connection.close() }
            try connection.declareQueue(BrokerNames.runs, arguments: [("x-queue-type", .string("stream"))])
            try connection.qos(prefetch: 1000)
            try connection.consume(queue: BrokerNames.runs, arguments: [("x-stream-offset", .string("first"))])
            while let delivery = try connection.nextDelivery(timeout: 0.5) {
                try connection.ack(delivery.deliveryTag)
                guard let record = try? RunRecord(decoding: delivery.body) else { continue }
                if let i = index[record.run] {
                    if record.state == "finished" { entries[i].state = "finished" }
                } else {
                    index[record.run] = entries.count
                    entries.append(Entry(run: record.run, scenario: record.scenario,
                                         state: record.state == "started" ? "running" : record.state, started: record.time))
                }
            }
        } catch {
            throw Failure(description: error.description)
        }
        return entries
        #else
        throw Failure(description: BrokerSupport.missing.description)
        #endif
    }
}
