import ArgumentParser
import Foundation
import PalaverEngine
import PalaverTUI

struct ForkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fork",
        abstract: "Continue a recorded session live from any step.",
        discussion: """
            The engine is rebuilt exactly from the recording up to the end of STEP, and the run goes on \
            from there, recorded as a new session whose header names its parent and the fork step. \
            With the offline model and no intervention, a fork repeats its parent exactly.
            """
    )

    @Argument(help: "The session file to fork.")
    var path: String

    @Option(help: "Fork at the end of this step (0: before the first step).")
    var at: Int

    @Option(help: "Stop at this step (default: the parent's limit).")
    var steps: Int?

    @Option(help: "Clock speed: 0.25 to 64, or max. Headless runs default to max.", transform: Speed.parseArgument)
    var speed: Speed?

    @Option(help: "Where to record the fork (default: sessions/TIME-SCENARIO-fork.jsonl).")
    var record: String?

    @Flag(help: "Do not record the fork.")
    var noRecord = false

    @Flag(help: "Print the conversation as text instead of opening the workbench.")
    var headless = false

    @Option(help: "Colour theme for the workbench.")
    var theme: String?

    @OptionGroup var models: ModelOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if at < 0 { throw ValidationError("--at must be a step, 0 or more (got \(at))") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1 (got \(steps))") }
        if let steps, steps > Scenario.stepLimit { throw ValidationError("--steps must be at most \(Scenario.stepLimit) (got \(steps))") }
        if noRecord && record != nil { throw ValidationError("--record and --no-record contradict each other") }
    }

    func run() throws {
        let interactive = !headless && isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1
        _ = logging.bootstrap(screenOwnsTerminal: interactive)
        let parent: SessionReader
        do { parent = try SessionReader(path: path) } catch { throw BadInput(error) }
        let recordPath = noRecord ? nil : (record ?? SessionFiles.newPath(for: parent.info.scenario + "-fork"))
        if let recordPath { try SessionFiles.prepareDirectory(for: recordPath) }
        let options = SessionRun.Options(maxSteps: steps, speed: speed ?? (interactive ? nil : .fastest), model: models.model, recordPath: recordPath, catalog: models.catalog)
        let run: SessionRun
        do {
            run = try SessionRun(forking: path, at: at, options: options, sinks: LiveRunPresenter.sinks(interactive: interactive), handBack: !interactive)
        } catch let error as SessionRebuilder.Failure {
            throw BadInput("\(path): \(error)")
        } catch let error as ModelCatalog.Failure {
            throw BadInput(error)
        } catch let error as SessionError {
            throw BadInput(error)
        }
        LiveRunPresenter.present(run, interactive: interactive, theme: theme, recordPath: recordPath,
                                 welcome: "forked from \(path) at step \(at): you are live now",
                                 recordedNote: "fork recorded to \(recordPath ?? "") (parent \(path), step \(at))")
    }
}
