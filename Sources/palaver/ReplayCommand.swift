import ArgumentParser
import Foundation
import PalaverEngine

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a recorded session from its file, exactly as it happened.",
        discussion: "Nothing is re-run: the recording is the replay. With --headless the session prints as text, the same text its live headless run printed."
    )

    @Argument(help: "A session file (.jsonl).")
    var path: String

    @Flag(help: "Print the session as text instead of opening the workbench.")
    var headless = false

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        _ = logging.bootstrap(screenOwnsTerminal: false)
        var reader: SessionReader
        do { reader = try SessionReader(path: path) } catch { throw BadInput(error) }
        let printer = TranscriptPrinter { line in print(line) }
        do {
            try reader.forEachEvent { event in
                printer.receive(event)
                return true
            }
        } catch let error as SessionError {
            throw BadInput(error)
        }
        for warning in reader.warnings {
            FileHandle.standardError.write(Data("palaver: warning: \(warning)\n".utf8))
        }
    }
}
