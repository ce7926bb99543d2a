#if Broker
import Foundation

/// Keeps one connection up for one thread: connects, runs the caller's setup
/// (declarations, consumers), and after a loss reconnects with exponential
/// backoff (0.1 s doubling to 5 s), saying so once per outage.
final class ConnectionKeeper {
    let url: BrokerURL
    private let setup: (AMQPConnection) throws(AMQPFailure) -> Void
    private let report: @Sendable (BrokerStatus) -> Void
    private(set) var connection: AMQPConnection?
    private var backoff = 0.1
    private var nextTry = 0.0
    private var down = false
    private(set) var generation = 0

    init(url: BrokerURL, report: @escaping @Sendable (BrokerStatus) -> Void,
         setup: @escaping (AMQPConnection) throws(AMQPFailure) -> Void) {
        self.url = url
        self.report = report
        self.setup = setup
    }

    /// The connection, connecting first if it is due; nil while the broker is unreachable.
    func current() -> AMQPConnection? {
        if let connection { return connection }
        let now = MonotonicSeconds.now()
        guard now >= nextTry else { return nil }
        do {
            let made = try AMQPConnection(url: url)
            try setup(made)
            connection = made
            generation += 1
            backoff = 0.1
            if down { down = false; report(.connected(url.description)) }
            return made
        } catch {
            markDown(error)
            return nil
        }
    }

    /// Seconds until the next connection attempt (0 when connected).
    var secondsUntilRetry: Double { connection == nil ? max(0, nextTry - MonotonicSeconds.now()) : 0 }

    func lost(_ error: AMQPFailure) {
        connection = nil
        markDown(error)
    }

    private func markDown(_ error: AMQPFailure) {
        nextTry = MonotonicSeconds.now() + backoff
        backoff = min(5, backoff * 2)
        if !down { down = true; report(.unreachable(error.description)) }
    }

    func close() {
        connection?.close()
        connection = nil
    }
}
#endif

/// How a process's link to the broker stands, for logs and the workbench's status line.
public enum BrokerStatus: Sendable, Equatable, CustomStringConvertible {
    case connected(String)
    case unreachable(String)

    public var description: String {
        switch self {
        case .connected(let url): return "broker \(url) reachable again"
        case .unreachable(let reason): return "broker unreachable — reconnecting (\(reason))"
        }
    }
}
