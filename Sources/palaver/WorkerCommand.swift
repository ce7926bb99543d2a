import ArgumentParser
import Foundation
import PalaverBroker
import PalaverEngine

struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Take agents' turns from a broker's work queue (any number of workers, on any machines).",
        discussion: """
            A worker answers turn requests from every run that uses the broker, with the model each agent names \
            (or --model for all), streams the reply back to the run, then acknowledges the request. A worker that \
            dies mid-turn loses nothing: the broker hands the request to another. Stops on Ctrl-C or SIGTERM.
            """
    )

    @OptionGroup var broker: BrokerOptions
    @OptionGroup var models: ModelOptions

    @Option(help: "Turns answered at once (the broker's prefetch).")
    var concurrency = 4

    @Option(help: "Touch this file every few seconds while connected to the broker (for a liveness probe).")
    var aliveFile: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if concurrency < 1 || concurrency > 10_000 { throw ValidationError("--concurrency must be 1 to 10000 (got \(concurrency))") }
    }

    func run() throws {
        let url = try broker.url()
        let logger = logging.bootstrap(screenOwnsTerminal: false)
        let catalog = models.catalog
        let override = models.model
        if let override {
            var probe = AgentSpec(id: "probe", name: "probe", role: "probe")
            probe.model = override
            do { _ = try catalog.provider(for: probe) } catch { throw BadInput("--model: \(error)") }
        }
        let worker = BrokerWorker(url: url, concurrency: concurrency, models: { turn in
            var spec = turn.request.spec
            if let override { spec.model = override }
            var own = catalog
            own.offline = OfflineModel(settings: turn.offline)
            return try own.provider(for: spec)
        }, log: { line in logger.warning("\(line)") })
        worker.aliveFile = aliveFile
        let signals = [SIGINT, SIGTERM].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { worker.stop() }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        FileHandle.standardError.write(Data("palaver worker: taking turns from \(url) (concurrency \(concurrency))\n".utf8))
        do {
            try worker.run(report: BrokerStatusLog.reporter(logger))
        } catch {
            throw BadInput("\(error)")
        }
        FileHandle.standardError.write(Data("palaver worker: stopped after \(worker.answered) turn\(worker.answered == 1 ? "" : "s")\n".utf8))
    }
}
