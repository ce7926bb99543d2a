import ArgumentParser
import Foundation
import Logging
import PalaverBroker

/// `--broker URL` (else PALAVER_BROKER), checked and parsed; the password is never printed.
struct BrokerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("RabbitMQ broker: amqp://USER:PASSWORD@HOST:PORT/VHOST or amqps://… (else PALAVER_BROKER; a missing user or password comes from PALAVER_BROKER_USER / PALAVER_BROKER_PASSWORD).",
                               valueName: "URL"))
    var broker: String?

    var given: Bool { broker != nil || !(ProcessInfo.processInfo.environment["PALAVER_BROKER"] ?? "").isEmpty }

    /// The broker's URL, or bad input saying what is wrong (and how to get broker support in a build without it).
    func url() throws -> BrokerURL {
        guard BrokerSupport.available else { throw BadInput(BrokerSupport.missing) }
        guard let text = broker ?? ProcessInfo.processInfo.environment["PALAVER_BROKER"], !text.isEmpty else {
            throw BadInput("no broker: give --broker amqp://HOST or set PALAVER_BROKER")
        }
        do { return try BrokerURL(parsing: text) } catch { throw BadInput("--broker: \(error)") }
    }
}

/// Logs how the link to the broker stands; the screen's status line shows it too when one is attached.
enum BrokerStatusLog {
    static func reporter(_ logger: Logger) -> @Sendable (BrokerStatus) -> Void {
        { status in
            // Said only after an outage: whoever saw the warning should see it end.
            logger.warning("\(status.description)")
        }
    }
}
