import ArgumentParser
import Foundation
import PalaverBroker
import PalaverEngine

struct PullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Copy a run's event stream from the broker to a session file.",
        discussion: """
            The file is the session the run records: replay, fork, diff and export take it as usual. \
            A run still going is followed to its end unless --no-follow is given.
            """
    )

    @Argument(help: "The run's id (see 'palaver runs').")
    var runID: String

    @Option(name: .shortAndLong, help: "The session file to write.")
    var output: String

    @Flag(help: "Stop at the last event there is now instead of following the run to its end.")
    var noFollow = false

    @OptionGroup var broker: BrokerOptions

    func run() throws {
        let url = try broker.url()
        guard let file = FileHandle(forWritingAtPath: output) ?? {
            FileManager.default.createFile(atPath: output, contents: nil) ? FileHandle(forWritingAtPath: output) : nil
        }() else { throw BadInput("\(output): cannot write") }
        file.truncateFile(atOffset: 0)
        defer { try? file.close() }
        let reader: EventStreamReader
        do { reader = try EventStreamReader(url: url, run: runID) } catch { throw BadInput(error) }
        var lines = 0
        let ended: Bool
        do {
            ended = try reader.read(idle: noFollow ? 1 : nil) { batch in
                file.write(Data(batch))
                lines += batch.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                return true
            }
        } catch {
            throw BadInput(error)
        }
        let events = max(0, lines - 1)
        FileHandle.standardError.write(Data("palaver: \(events) event\(events == 1 ? "" : "s") of run \(runID) written to \(output)\(ended ? "" : " (the run is still going)")\n".utf8))
    }
}
