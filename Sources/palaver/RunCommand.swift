import ArgumentParser
import Foundation
import Logging
import PalaverBroker
import PalaverEngine
import PalaverTUI

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario live, recording it as a session.",
        discussion: """
            SCENARIO is a name from scenarios/ (see 'palaver list') or a path to a YAML file; \
            without one the built-in '\(Scenario.defaultName)' scenario runs. With --headless, or when \
            stdout is not a terminal, the conversation is printed as plain text, one line per message.
            """
    )

    @Argument(help: "Scenario name or path to a scenario YAML file.")
    var scenario: String?

    @Option(help: "Seed for everything random in the run (same seed, same run).")
    var seed: UInt64?

    @Option(help: "Clock speed: 0.25 to 64 times real time, or max. Headless runs default to max.",
            transform: Speed.parseArgument)
    var speed: Speed?

    @Option(help: "Stop after this many steps (default: the scenario's max_steps).")
    var steps: Int?

    @Option(help: "Where to record the session (default: sessions/TIME-SCENARIO.jsonl).")
    var record: String?

    @Flag(help: "Do not record a session file.")
    var noRecord = false

    @Flag(help: "Print the conversation as text instead of opening the workbench.")
    var headless = false

    @Option(help: "Colour theme: a name from themes/ or ~/.config/palaver/themes, or a path (see 'palaver list').")
    var theme: String?

    @OptionGroup var models: ModelOptions

    @Option(name: .customLong("policy"), help: ArgumentHelp(
        "For scenarios with an environment (beer-game): AGENT=SPEC, repeatable; AGENT is an agent id or all, SPEC is \(BeerPolicySpec.forms).",
        valueName: "AGENT=SPEC"))
    var policies: [String] = []

    @OptionGroup var broker: BrokerOptions

    @Option(help: "With --broker: the run's id on the broker (default: SCENARIO-TIME-RANDOM).")
    var runID: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let runID, !BrokerNames.isValidRun(runID) { throw ValidationError("--run-id '\(runID)': use letters, digits, - _ . only") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1 (got \(steps))") }
        if let steps, steps > Scenario.stepLimit { throw ValidationError("--steps must be at most \(Scenario.stepLimit) (got \(steps))") }
        if noRecord && record != nil { throw ValidationError("--record and --no-record contradict each other") }
    }

    func run() throws {
        let interactive = !headless && isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1
        let logger = logging.bootstrap(screenOwnsTerminal: interactive)
        var scenario: Scenario
        do { scenario = try ScenarioLoader().load(self.scenario) } catch { throw BadInput(error) }
        try applyPolicies(to: &scenario)
        let recordPath = noRecord ? nil : (record ?? SessionFiles.newPath(for: scenario.name))
        if let recordPath { try SessionFiles.prepareDirectory(for: recordPath) }

        var options = SessionRun.Options(seed: seed, maxSteps: steps, speed: speed ?? (interactive ? nil : .fastest),
                                         model: models.model, recordPath: recordPath, catalog: models.catalog)
        var sinks = LiveRunPresenter.sinks(interactive: interactive)
        let link = broker.given ? try BrokerRunLink(broker: try broker.url(), run: runID, scenario: scenario, header: options.header, logger: logger) : nil
        if let link {
            options.catalog?.dispatch = link.dispatch
            // A recorded run's lines are encoded once, for the file, and the stream gets the same bytes.
            if recordPath != nil { options.recordedLines = link.events } else { sinks.append(link.events) }
        }
        defer { link?.finish() }
        let run: SessionRun
        do {
            run = try SessionRun(scenario: scenario, options: options, sinks: sinks)
        } catch let error as ModelCatalog.Failure {
            throw BadInput(error)
        } catch let error as SessionError {
            throw BadInput(error)
        } catch let error as EngineAttachments.Failure {
            throw BadInput(error)
        }
        link?.listen(to: run)
        logger.info("running \(scenario.name)", metadata: ["seed": "\(run.info.seed)", "record": "\(recordPath ?? "none")"])
        LiveRunPresenter.present(run, interactive: interactive, theme: theme, recordPath: recordPath,
                                 recordedNote: "session recorded to \(recordPath ?? "") (replay: palaver replay \(recordPath ?? ""))")
    }
}

extension RunCommand {
    /// `--policy AGENT=SPEC`: changes how agents act in the scenario's environment.
    func applyPolicies(to scenario: inout Scenario) throws {
        guard !policies.isEmpty else { return }
        guard var env = scenario.environment else {
            throw BadInput("--policy: scenario '\(scenario.name)' has no environment to act in (try beer-game)")
        }
        for text in policies {
            let who: String, spec: BeerPolicySpec
            do { (who, spec) = try BeerPolicySpec.split(text) } catch { throw BadInput("--policy \(error)") }
            let targets = who == "all" ? Array(scenario.agents.indices) : scenario.agents.indices.filter { scenario.agents[$0].id.lowercased() == who || scenario.agents[$0].role.lowercased() == who }
            guard !targets.isEmpty else {
                throw BadInput("--policy '\(text)': no agent '\(who)' (agents: \(scenario.agents.map(\.id).joined(separator: ", ")), or all)")
            }
            for i in targets { env.policies[i] = spec.description }
        }
        scenario.environment = env
    }
}

/// Turns Ctrl-C and SIGTERM into a stop command, so the session ends cleanly and its file is complete.
final class SignalStopper {
    private let sources: [any DispatchSourceSignal]

    init(inbox: Inbox) {
        sources = [SIGINT, SIGTERM].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { inbox.post(.stop) }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
