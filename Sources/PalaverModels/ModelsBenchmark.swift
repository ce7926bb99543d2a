import Foundation
import PalaverEngine

/// Many agents calling one endpoint at once: how long one round takes when
/// every reply needs `latency` seconds of the server's time.
public enum ModelsBenchmark {
    public struct Result: Sendable {
        public var agents: Int
        public var roundSeconds: Double
        public var requests: Int
        public var replies: Int
        /// The most calls the server was answering at once.
        public var peakConcurrency: Int
    }

    public static func run(agents: Int = 200, latency: Double = 0.1, maxInFlight: Int = 256) async throws -> Result {
        let server = try LoopbackChatServer(threads: 2)
        defer { server.shutdown() }
        server.keepsRequests = false
        server.latency = latency
        server.reply = "Noted, I will take that on."
        var catalog = ModelCatalog()
        var options = NetworkModels.Options(baseURL: server.baseURL, maxInFlight: maxInFlight)
        options.environment = ["OPENAI_API_KEY": "bench-key"]
        NetworkModels.register(into: &catalog, options: options)
        let specs = (0..<agents).map { AgentSpec(id: "a\($0)", name: "Agent \($0)", role: "worker", model: "openai:bench") }
        let scenario = Scenario(name: "bench-models", title: "one round", turnRule: .reactive, maxSteps: 1,
                                engine: EngineConfiguration(mailboxCapacity: 16, memorySize: 4, replyTo: .sender),
                                agents: specs, opening: [.init(from: .user, to: .all, text: "Everyone: one line each, please.")])
        let log = EventLog()
        let run = try SessionRun(scenario: scenario, options: .init(speed: .fastest, catalog: catalog), sinks: [log])
        let start = MonotonicClock.seconds()
        await run.runDetached()
        let seconds = MonotonicClock.seconds() - start
        let replies = log.events.filter { if case .messageSent(let m) = $0.body { return m.sender.agent != nil } else { return false } }.count
        return Result(agents: agents, roundSeconds: seconds, requests: server.requestCount, replies: replies,
                      peakConcurrency: server.peakConcurrency)
    }
}
