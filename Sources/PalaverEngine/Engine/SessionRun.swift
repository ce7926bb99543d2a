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

        public init(seed: UInt64? = nil, maxSteps: Int? = nil, speed: Speed? = nil,
                    model: String? = nil, recordPath: String? = nil) {
            self.seed = seed
            self.maxSteps = maxSteps
            self.speed = speed
            self.model = model
            self.recordPath = recordPath
        }
    }

    public let scenario: Scenario
    public let info: SessionInfo
    public let runner: Runner
    public let writer: SessionWriter?
    public let fanout: EventFanout

    /// Builds the run; model specs and the session file are checked here, before anything starts.
    public init(scenario: Scenario, options: Options = Options(), sinks: [any EventSink] = []) throws {
        self.scenario = scenario
        info = scenario.sessionInfo(seed: options.seed, maxSteps: options.maxSteps, speed: options.speed, model: options.model)
        let catalog = ModelCatalog(offline: OfflineModel(tokensPerSecond: scenario.offline.tokensPerSecond,
                                                         firstTokenDelay: scenario.offline.firstTokenDelay))
        let providers = try catalog.providers(for: info.agents)
        fanout = EventFanout()
        if let path = options.recordPath {
            let writer = try SessionWriter(path: path)
            self.writer = writer
            fanout.add(writer)
        } else {
            writer = nil
        }
        for sink in sinks { fanout.add(sink) }
        let engine = Engine(info: info, configuration: scenario.engine, sink: fanout)
        runner = Runner(engine: engine, providers: providers, opening: scenario.openingMessages)
        runner.writer = writer
    }

    public var inbox: Inbox { runner.inbox }

    /// Runs to the end on the calling thread.
    @discardableResult
    public func run() -> Summary.Reason { runner.run() }
}
