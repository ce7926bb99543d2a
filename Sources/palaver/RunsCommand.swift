import ArgumentParser
import Foundation
import PalaverBroker

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the runs a broker has seen, running and finished.",
        discussion: "Attach to one with 'palaver attach URL RUN', or copy it with 'palaver pull RUN -o FILE'."
    )

    @OptionGroup var broker: BrokerOptions

    func run() throws {
        let url = try broker.url()
        let runs: [BrokerRuns.Entry]
        do { runs = try BrokerRuns.list(url: url) } catch { throw BadInput(error) }
        guard !runs.isEmpty else { return print("no runs on \(url)") }
        let width = max(3, runs.map(\.run.count).max() ?? 3)
        print("RUN".padding(toLength: width, withPad: " ", startingAt: 0) + "  STATE     STARTED               SCENARIO")
        for entry in runs {
            print(entry.run.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                  + entry.state.padding(toLength: 8, withPad: " ", startingAt: 0) + "  "
                  + entry.started.padding(toLength: 20, withPad: " ", startingAt: 0) + "  " + entry.scenario)
        }
    }
}
