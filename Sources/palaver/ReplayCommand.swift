import ArgumentParser
import Foundation
import PalaverEngine
import PalaverModels
import PalaverTUI

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a recorded session from its file, exactly as it happened.",
        discussion: """
            Nothing is re-run: the recording is the replay. In a terminal it opens the workbench: space plays \
            and pauses, . and , step one event, → and ← one step, } and { jump 10 %, :goto STEP or :goto MM:SS, \
            and f forks a live run from where you are. With --headless the session prints as text, the same \
            text its live headless run printed.
            """
    )

    @Argument(help: "A session file (.jsonl).")
    var path: String

    @Flag(help: "Print the session as text instead of opening the workbench.")
    var headless = false

    @Option(help: "Playback speed: 0.25 to 64 times as recorded, or max.", transform: Speed.parseArgument)
    var speed: Speed?

    @Option(help: "Colour theme for the workbench.")
    var theme: String?

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let interactive = !headless && isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1
        _ = logging.bootstrap(screenOwnsTerminal: interactive)
        if interactive { return try replayOnScreen() }
        var reader: SessionReader
        do { reader = try SessionReader(path: path) } catch { throw BadInput(error) }
        let printer = TranscriptPrinter { line in HeadlessOutput.line(line) }
        do {
            try reader.forEachEvent { event in
                printer.receive(event)
                return true
            }
        } catch let error as SessionError {
            throw BadInput(error)
        }
        for warning in reader.warnings {
            Palaver.warn(warning)
        }
    }

    private func replayOnScreen() throws {
        let player: SessionPlayer
        do { player = try SessionPlayer(path: path) } catch { throw BadInput(error) }
        defer { if let warning = player.warning { Palaver.warn(warning) } }
        let (chosen, themeProblem) = WorkbenchTheme.choose(theme)
        var playing = true
        // A theme that cannot be used is said on the first screen, as in a live run.
        var problem: String? = themeProblem
        // A fork that cannot start (a model server not running, a bad spec) returns to the replay
        // where it was, saying why, instead of ending the session.
        while true {
            let recording = RecordingSource(player: player, speed: speed ?? .factor(1), playing: playing)
            let workbench = Workbench(recording: recording, options: .init(theme: chosen, noColor: WorkbenchTheme.noColor,
                                                                           sessionPath: path, startupNotice: problem))
            guard case .fork(let step) = workbench.start() else { return }
            // What the fork form asked for: models (all or per agent) and more steps, as fork --model --steps.
            let request = workbench.state.forkRequest ?? ForkRequest()
            let recordPath = SessionFiles.newPath(for: player.info.scenario + "-fork")
            try SessionFiles.prepareDirectory(for: recordPath)
            let run: SessionRun
            do {
                let models = try ModelOptions.parse([])
                run = try SessionRun(forking: path, at: step, options: .init(maxSteps: request.moreSteps.map { step + $0 }, model: request.model,
                                                                             recordPath: recordPath, catalog: models.catalog))
                if let refusal = NetworkModels.unreachableEndpoint(among: run.runner.providers) {
                    run.writer?.close()
                    try? FileManager.default.removeItem(atPath: recordPath)
                    throw BadInput("\(refusal): start the server, or fork with another model")
                }
            } catch {
                problem = "cannot fork at step \(step): " + ((error as? BadInput)?.message ?? "\(error)")
                playing = false
                try? player.seek(toStep: step + 1)
                continue
            }
            var changes: [String] = []
            if let model = request.model { changes.append("models \(model)") }
            if let more = request.moreSteps { changes.append("\(more) more steps") }
            LiveRunPresenter.present(run, interactive: true, theme: theme, recordPath: recordPath,
                                     welcome: "forked from \(path) at step \(step)" + (changes.isEmpty ? "" : " (\(changes.joined(separator: ", ")))") + ": you are live now",
                                     recordedNote: "fork recorded to \(recordPath) (parent \(path), step \(step))")
            return
        }
    }
}
