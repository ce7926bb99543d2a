import Foundation
import Logging
import PalaverBroker
import PalaverEngine

/// What `run --broker` adds to a run: its events published to the run's stream,
/// and its agents' turns sent to the workers.
final class BrokerRunLink {
    let run: String
    let events: EventStreamPublisher
    let turns: RemoteTurns
    let commands: RemoteCommands
    private let logger: Logger

    init(broker url: BrokerURL, run: String?, scenario: Scenario, header: SessionHeader, logger: Logger) throws {
        let id = run ?? BrokerRunLink.newRunID(scenario.name)
        self.run = id
        let report = BrokerStatusLog.reporter(logger)
        self.logger = logger
        do {
            events = try EventStreamPublisher(url: url, run: id, header: header, scenario: scenario.name, report: report)
            turns = try RemoteTurns(url: url, run: id, offline: scenario.offline, report: report,
                                    log: { line in logger.warning("\(line)") })
            commands = try RemoteCommands(url: url, run: id)
        } catch {
            throw BadInput("\(error)")
        }
        FileHandle.standardError.write(Data("palaver: run \(id) on \(url) (copy it: palaver pull \(id) -o FILE --broker \(url))\n".utf8))
    }

    var dispatch: @Sendable (AgentSpec) -> any ModelProvider {
        let turns = self.turns
        return { agent in turns.model(for: agent) }
    }

    /// Takes commands from attached workbenches (`palaver attach`) into the run's inbox.
    func listen(to run: SessionRun) {
        let logger = self.logger
        commands.listen(inbox: run.inbox, agents: run.info.agents.map(\.id), report: BrokerStatusLog.reporter(logger),
                        log: { line in logger.warning("\(line)") })
    }

    /// Waits until every event is on the broker, then lets go of the connections.
    func finish() {
        if !events.finish(timeout: 120) {
            FileHandle.standardError.write(Data("palaver: the broker did not confirm every event of run \(run); the local session file has them all\n".utf8))
        }
        turns.close()
        commands.close()
    }

    static func newRunID(_ scenario: String) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let safe = String(scenario.unicodeScalars.map { BrokerNames.isValidRun(String($0)) ? Character($0) : "-" })
        return "\(safe.prefix(60))-\(formatter.string(from: Date()))-\(String(UInt16.random(in: 0...UInt16.max), radix: 16))"
    }
}
