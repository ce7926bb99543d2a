/// Routes messages around a ring of agents that pass on whatever they get,
/// with no model calls: the cost of the engine itself per message.
public enum EngineBenchmark {
    public struct Result: Sendable {
        public var messages: Int
        public var seconds: Double
        /// Processor time of the engine's thread over the same loop.
        public var threadCPUSeconds: Double = 0
        /// The engine thread's page faults and kernel time over the loop.
        public var threadFaults = 0
        public var threadSystemSeconds = 0.0
        public var messagesPerSecond: Double { Double(messages) / seconds }
        public var threadNanosPerMessage: Double { threadCPUSeconds / Double(messages) * 1e9 }
        public var systemNanosPerMessage: Double { threadSystemSeconds / Double(messages) * 1e9 }
        public var faultsPerThousandMessages: Double { Double(threadFaults) / Double(messages) * 1000 }
    }

    /// Passes every delivered message on to the next agent in the ring, until
    /// `budget` messages have been passed (one step can route many, so the
    /// count asked for is met exactly).
    final class Relay: AgentBehavior {
        let count: Int
        var budget: Int
        init(count: Int, budget: Int) { self.count = count; self.budget = budget }
        func act(agent: AgentID, delivered: ArraySlice<Message>, step: Int, outgoing: inout [Outgoing]) {
            let next = AgentID((agent.index + 1) % count)
            for message in delivered where budget > 0 {
                budget -= 1
                outgoing.append(Outgoing(to: .one(next), kind: message.kind, text: message.text))
            }
        }
    }

    /// Counts events and nothing else, so the engine is what is measured.
    public final class CountingSink: EventSink {
        public var events = 0
        public init() {}
        public func receive(_ event: Event) { events &+= 1 }
    }

    public static func run(agents: Int = 64, inFlight: Int = 4096, messages target: Int = 5_000_000) -> Result {
        Loop(agents: agents, inFlight: inFlight, budget: target, sink: CountingSink()).route(target)
    }

    /// One engine routing messages around the ring, measured a stretch at a time: stretches measured
    /// with and without something added to its sink compare the same engine, with the same memory.
    public final class Loop {
        let engine: Engine
        let relay: Relay

        /// Where the engine's events go; set between stretches (as a run's fanout, not through a switch
        /// that every event would pass).
        public var sink: any EventSink {
            get { engine.sink }
            set { engine.sink = newValue }
        }

        /// - Parameter budget: messages the agents pass on in all (nil: as many as asked for).
        public init(agents: Int = 64, inFlight: Int = 4096, budget: Int? = nil, sink: any EventSink) {
            let specs = (0..<agents).map { AgentSpec(id: "a\($0)", name: "A\($0)", role: "relay") }
            let info = SessionInfo(scenario: "bench", title: "engine benchmark", seed: 1, turnRule: .reactive,
                                   agents: specs, maxSteps: 1_000_000_000, speed: .fastest)
            relay = Relay(count: agents, budget: budget ?? Int.max)
            var behaviors: [AgentID: any AgentBehavior] = [:]
            for i in 0..<agents { behaviors[AgentID(i)] = relay }
            engine = Engine(info: info, configuration: EngineConfiguration(mailboxCapacity: inFlight, memorySize: 0),
                            behaviors: behaviors, sink: sink)
            let opening = (0..<inFlight).map { i in
                (from: Party.system, message: Outgoing(to: .one(AgentID(i % agents)), kind: .chat, text: "token \(i)"))
            }
            engine.start(opening: opening)
        }

        /// Steps until at least `messages` more messages have been routed (whole steps), timing them.
        public func route(_ messages: Int) -> Result {
            let before = engine.messageCount
            let start = MonotonicClock.seconds()
            let cpuStart = MonotonicClock.threadCPUSeconds()
            let kernelStart = MonotonicClock.threadFaultsAndSystemSeconds()
            while engine.messageCount - before < messages {
                engine.beginStep()
                engine.endStep()
            }
            let cpu = MonotonicClock.threadCPUSeconds() - cpuStart
            let kernel = MonotonicClock.threadFaultsAndSystemSeconds()
            let seconds = MonotonicClock.seconds() - start
            return Result(messages: engine.messageCount - before, seconds: seconds, threadCPUSeconds: cpu,
                          threadFaults: kernel.faults - kernelStart.faults, threadSystemSeconds: kernel.systemSeconds - kernelStart.systemSeconds)
        }
    }
}
