import ArgumentParser
import Foundation
import PalaverBroker
import PalaverEngine
import PalaverTUI

struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Open the workbench on a run going on elsewhere, through its broker.",
        discussion: """
            The screen and keys are those of a local run: it catches up from the run's first event, and what \
            you type (inject, edit, drop, pause, step, speed, mute, take over…) goes to the run's engine, \
            which records it with your name (--as). q detaches; the run goes on. With --watch nothing you \
            type changes the run. When stdout is not a terminal the run prints as text, as run --headless does, \
            until it ends.
            """
    )

    @Argument(help: ArgumentHelp("The broker: amqp://USER:PASSWORD@HOST:PORT/VHOST or amqps://… (a missing user or password comes from PALAVER_BROKER_USER / PALAVER_BROKER_PASSWORD).", valueName: "URL"))
    var url: String

    @Argument(help: "The run's id (see 'palaver runs'); default: the newest run still going.")
    var runID: String?

    @Flag(help: "Watch only: keys that would change the run are refused.")
    var watch = false

    @Option(name: .customLong("as"), help: ArgumentHelp("The name your commands are recorded under (default: USER@HOST).", valueName: "NAME"))
    var sender: String?

    @Option(help: "Colour theme for the workbench.")
    var theme: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let sender {
            let clean = CommandMessage.cleanSender(sender)
            guard !clean.isEmpty, clean == sender else {
                throw ValidationError("--as '\(sender.excerpt(40))': one line of at most \(CommandMessage.senderLimit) printable characters")
            }
        }
        if let runID, !BrokerNames.isValidRun(runID) { throw ValidationError("'\(runID.excerpt(40))' is not a run id (letters, digits, - _ . only)") }
    }

    func run() throws {
        let interactive = isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1
        _ = logging.bootstrap(screenOwnsTerminal: interactive)
        guard BrokerSupport.available else { throw BadInput(BrokerSupport.missing) }
        let broker: BrokerURL
        do { broker = try BrokerURL(parsing: url) } catch { throw BadInput("\(url.excerpt(40)): \(error)") }
        let run = try runID ?? newestRunning(on: broker)
        let attached: AttachedRun
        do {
            attached = try AttachedRun(url: broker, run: run, sender: sender ?? AttachCommand.defaultSender(), readOnly: watch)
        } catch {
            throw BadInput(error)
        }
        if interactive {
            let (chosen, problem) = WorkbenchTheme.choose(theme)
            let welcome = watch ? "watching run \(run) on \(broker) (read-only)" : "attached to run \(run) on \(broker) as \(attached.sender): q detaches, the run goes on"
            Workbench(source: attached, controls: attached,
                      options: .init(theme: chosen, noColor: WorkbenchTheme.noColor, sessionPath: "broker: \(run)",
                                     startupNotice: problem, welcome: welcome)).start()
        } else {
            follow(attached)
        }
    }

    /// Prints the run as text until it ends (or Ctrl-C / SIGTERM detaches); link notices go to stderr.
    private func follow(_ attached: AttachedRun) {
        let signal = DispatchSemaphore(value: 0)
        let printer = TranscriptPrinter { line in HeadlessOutput.line(line) }
        let detach = SignalDetacher { signal.signal() }
        attached.start(wake: { signal.signal() })
        var detached = false
        while true {
            let update = attached.take(now: 0)
            for notice in update.notices { HeadlessOutput.notice(notice.text) }
            for event in update.events { printer.receive(event) }
            if attached.runIsOver || detached { break }
            signal.wait()
            detached = detach.fired
        }
        detach.cancel()
        attached.stop()
        while !attached.isFinished { signal.wait() }
    }

    /// The newest run the broker lists as still going.
    private func newestRunning(on broker: BrokerURL) throws -> String {
        let runs: [BrokerRuns.Entry]
        do { runs = try BrokerRuns.list(url: broker) } catch { throw BadInput(error) }
        guard let newest = runs.last(where: { $0.state == "running" }) else {
            throw BadInput("no run is going on \(broker) (palaver runs --broker \(broker) lists the finished ones; name one to attach to it)")
        }
        return newest.run
    }

    /// USER@HOST: who is typing, as the recording names them. Never taken from the broker's credentials.
    static func defaultSender() -> String {
        let user = ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "user"
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count) == 0 ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
        return CommandMessage.cleanSender("\(user)@\(host)")
    }
}

/// Ctrl-C and SIGTERM end a text attach (the run goes on).
private final class SignalDetacher: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private let lock = NSLock()
    private var didFire = false

    init(_ onSignal: @escaping @Sendable () -> Void) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in
                lock.withLock { didFire = true }
                onSignal()
            }
            source.resume()
            sources.append(source)
        }
    }

    var fired: Bool { lock.withLock { didFire } }

    func cancel() { sources.forEach { $0.cancel() } }
}
