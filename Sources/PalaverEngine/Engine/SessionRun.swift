import Foundation

/// Everything one run of a scenario needs, wired together: the engine, its
/// models, the runner that paces it, and the session file it records to.
/// The command line, the workbench and the tests all start runs through here.
public final class SessionRun {
    public struct Options: Sendable {
        public var seed: UInt64?
        public var maxSteps: Int?
        public var speed: Speed?
        /// A model spec for every agent, overriding the scenario's.
        public var model: String?
        /// Where to record the session; nil records nothing.
        public var recordPath: String?
        /// Providers beyond the offline model (HTTP, replay), registered by the caller.
        public var catalog: ModelCatalog?
        /// The session file's first line; a run also published elsewhere shares it, so both copies are the same.
        public var header = SessionHeader()
        /// With `recordPath`: takes the session file's lines as they are written (the broker's event stream).
        public var recordedLines: (any EncodedLinesSink)?

        public init(seed: UInt64? = nil, maxSteps: Int? = nil, speed: Speed? = nil,
                    model: String? = nil, recordPath: String? = nil, catalog: ModelCatalog? = nil) {
            self.catalog = catalog
            self.seed = seed
            self.maxSteps = maxSteps
            self.speed = speed
            self.model = model
            self.recordPath = recordPath
        }
    }

    /// The scenario, for runs started from one; nil for forks.
    public let scenario: Scenario?
    public let info: SessionInfo
    /// For a fork: where the recording it was rebuilt from ended, in seconds.
    private let resumeTime: Double?
    /// For a fork: the recorded events it grew from, already in its session file.
    public let history: [Event]
    public let runner: Runner
    public let writer: SessionWriter?
    public let fanout: EventFanout

    /// Builds the run; model specs and the session file are checked here, before anything starts.
    public init(scenario: Scenario, options: Options = Options(), sinks: [any EventSink] = []) throws {
        self.scenario = scenario
        var info = scenario.sessionInfo(seed: options.seed, maxSteps: options.maxSteps, speed: options.speed, model: options.model)
        info.inputs = SessionInputs.reading(for: info)
        self.info = info
        let attachments = try EngineAttachments(for: info)
        resumeTime = nil
        history = []
        var catalog = options.catalog ?? ModelCatalog()
        catalog.offline = OfflineModel(settings: info.offline)
        let providers = try catalog.providers(for: info.agents)
        fanout = EventFanout()
        if let path = options.recordPath {
            let writer = try SessionWriter(path: path, header: options.header)
            writer.linesSink = options.recordedLines
            self.writer = writer
            fanout.add(writer)
        } else {
            writer = nil
        }
        for sink in sinks { fanout.add(sink) }
        let engine = Engine(info: info, behaviors: attachments.behaviors, environment: attachments.environment, sink: fanout)
        runner = Runner(engine: engine, providers: providers, opening: scenario.openingMessages)
        runner.writer = writer
    }

    public var inbox: Inbox { runner.inbox }

    /// A live run that continues a recorded session from the end of `step`:
    /// the engine is rebuilt exactly from the recording, the new session file
    /// starts with the recording's events up to there (its header naming the
    /// parent and the step), and the run goes on from that point.
    /// - Parameter handBack: give taken-over agents back to their models (no one is at the keyboard in headless runs).
    public init(forking path: String, at step: Int, options: Options = Options(), sinks: [any EventSink] = [],
                handBack: Bool = false) throws {
        var reader = try SessionReader(path: path)
        var events: [Event] = []
        try reader.forEachEvent { event in
            guard event.step <= step else { return false }
            events.append(event)
            return true
        }
        var info = reader.info
        var catalog = options.catalog ?? ModelCatalog()
        if let model = options.model {
            // One model for all, or per agent (`maya=ollama:llama3`).
            do {
                try ModelChoice.parse(model, agents: info.agents, prefixes: catalog.knownPrefixes.filter { $0 != "offline" }).apply(to: &info.agents)
            } catch {
                throw ModelCatalog.Failure(spec: model, reason: error.reason)
            }
        }
        if let steps = options.maxSteps { info.maxSteps = steps }
        if let speed = options.speed { info.speed = speed }
        guard step < info.maxSteps else {
            throw SessionRebuilder.Failure(reason: "step \(step) is at or past the run's step limit (\(info.maxSteps)); give --steps to go further")
        }
        catalog.offline = OfflineModel(settings: info.offline)
        let providers = try catalog.providers(for: info.agents)
        let rebuilt = try SessionRebuilder.rebuild(from: events, through: step, info: info)
        scenario = nil
        self.info = info
        resumeTime = rebuilt.time
        fanout = EventFanout()
        if let record = options.recordPath {
            let writer = try SessionWriter(path: record, header: SessionHeader(parent: path, forkStep: step))
            writer.linesSink = options.recordedLines
            self.writer = writer
            fanout.add(writer)
        } else {
            writer = nil
        }
        for sink in sinks { fanout.add(sink) }
        // The new session begins with the history it grew from.
        history = rebuilt.events.map { event in
            if case .sessionStarted = event.body { return Event(step: event.step, time: event.time, .sessionStarted(info)) }
            return event
        }
        for event in history { fanout.receive(event) }
        rebuilt.engine.sink = fanout
        if handBack {
            for i in 0..<rebuilt.engine.agentCount where rebuilt.engine.isTakenOver(AgentID(i)) {
                rebuilt.engine.apply(.handBack(AgentID(i)))
            }
        }
        runner = Runner(engine: rebuilt.engine, providers: providers)
        runner.writer = writer
    }

    /// Runs to the end on a thread of its own, without holding up the caller's
    /// (async code must not block the few threads that model calls run on).
    @discardableResult
    public func runDetached() async -> Summary.Reason {
        nonisolated(unsafe) let run = self
        return await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: run.run()) }
            thread.name = "palaver-engine"
            thread.start()
        }
    }

    /// Runs to the end on the calling thread.
    @discardableResult
    public func run() -> Summary.Reason {
        if let resumeTime { return runner.resume(at: resumeTime) }
        return runner.run()
    }
}
