import Foundation
import Testing
@testable import PalaverEngine

/// What `call_started` records is enough to rebuild each request exactly as
/// the engine sent it — trimmed windows, edits after reading, a turn's own
/// prompt — and a replay honours breakpoints.
@Suite struct CallInspectionTests {
    @Test func eachRecordedCallRebuildsTheRequestTheEngineSent() throws {
        var info = Fixtures.info(3)
        // A small window for agent 2, so older turns are left out of its requests.
        info.agents[2].contextTokens = 100
        info.agents[1].endpoint.temperature = 0.4
        let log = EventLog()
        let engine = Engine(info: info, configuration: EngineConfiguration(memorySize: 8), sink: log)
        engine.start(opening: [(.system, Outgoing(to: .all, text: "Decide whether to ship on Friday."))])
        var sent: [(AgentID, [ChatMessage])] = []
        func step(_ reply: String) {
            let turns = engine.beginStep()
            for turn in turns { if case .model(let request) = turn.kind { sent.append((turn.agent, request.messages)) } }
            Fixtures.answerAll(engine, turns) { _ in reply }
        }
        step("Maya here: the flow is ready and tested on three devices.")
        step("Ravi here: legal has not signed off the consent text yet.")
        engine.apply(.inject(text: "Legal blocked Friday.", from: .user, to: .all))
        step("Lena here: then we move the launch and tell support today.")
        // Agent 2 has read the injection; agents 0 and 1 still wait for it, and get the edited text.
        let injection = try #require(log.events.sentMessages.last { $0.kind == .injected })
        engine.apply(.edit(messageID: injection.id, text: "Legal blocked Friday; Monday is possible."))
        for _ in 0..<6 { step("Another long turn about the launch plan, the risk, the support load and the date.") }

        var projection = Projection()
        for event in log.events { projection.apply(event) }
        let records = Array(projection.calls.records)
        #expect(records.count == sent.count)
        for (record, (agent, messages)) in zip(records, sent) {
            #expect(record.agent == agent)
            #expect(projection.request(of: record)?.messages == messages)
            #expect(projection.request(of: record)?.missing == [])
        }
        // The window was trimmed for agent 2, and its later requests show the text it read, not the edit.
        #expect(records.contains { $0.agent == AgentID(2) && ($0.context?.trimmed ?? 0) > 0 })
        let lenaSaw = sent.last { $0.0 == AgentID(2) }?.1.map(\.content) ?? []
        #expect(!lenaSaw.contains("Legal blocked Friday; Monday is possible."))
        let mayaSaw = sent.last { $0.0 == AgentID(0) }?.1.map(\.content) ?? []
        #expect(mayaSaw.contains("Legal blocked Friday; Monday is possible."))
        // Replies are linked to the call that produced them.
        let reply = try #require(log.events.sentMessages.last { $0.sender == .agent(AgentID(1)) })
        #expect(projection.call(producing: reply.id)?.agent == AgentID(1))
        #expect(projection.call(producing: injection.id) == nil)
    }

    @Test func theRequestSurvivesTheSessionFile() throws {
        let path = NSTemporaryDirectory() + "palaver-inspect-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try SessionRun(scenario: .builtIn, options: .init(maxSteps: 8, speed: .fastest, recordPath: path))
        run.run()
        var reader = try SessionReader(path: path)
        var fromFile = Projection()
        for e in try reader.readAll() { fromFile.apply(e) }
        // Every call has a window, and the system prompt is rebuilt from the recorded roster.
        #expect(fromFile.calls.records.count == 8)
        for record in fromFile.calls.records {
            let request = try #require(fromFile.request(of: record))
            #expect(request.missing.isEmpty)
            #expect(request.messages.first?.role == .system)
            #expect(request.messages.count == (record.context?.window.count ?? -1) + 1)
            #expect(record.reply != nil && record.usage != nil)
        }
    }

    @Test func aReplayStopsWhereTheRunStoppedAndAtItsOwnBreakpoints() throws {
        let path = NSTemporaryDirectory() + "palaver-replay-break-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let watch = RunnerTests.Watch()
        let run = try SessionRun(scenario: .builtIn, options: .init(maxSteps: 12, speed: .fastest, recordPath: path), sinks: [watch])
        run.inbox.post(.setBreakpoint(.agent(AgentID(3))))
        nonisolated(unsafe) let unsafeRun = run
        Thread { unsafeRun.run() }.start()
        #expect(watch.wait { $0.last?.body == .control(.pause) })
        run.inbox.post(.clearBreakpoint(id: 1))
        run.inbox.post(.resume)
        #expect(watch.wait(until: RunnerTests.ended))
        var reader = try SessionReader(path: path)
        let events = try reader.readAll()

        let player = try SessionPlayer(path: path)
        player.scan()
        let source = RecordingSource(player: player, speed: .fastest)
        let first = source.take(now: 0)
        // Playing stops just after the recorded stop, and says which.
        let recordedHit = try #require(events.firstIndex { if case .breakpointHit = $0.body { true } else { false } })
        #expect(player.position == recordedHit + 1)
        let status = try #require(first.playback)
        #expect(status.stop?.hit == BreakpointHit(id: 1, agent: AgentID(3)))
        #expect(!status.playing)

        // A breakpoint set while watching stops before agent 1's next call.
        #expect(source.perform(.playback(.setBreakpoint(.agent(AgentID(1))))) == .done)
        #expect(source.perform(.playback(.togglePlay)) == .done)
        _ = source.take(now: 0.2)
        let next = events[player.position]
        #expect(next.body.isCall(of: AgentID(1)))
        #expect(!player.projection.agents[1].status.isBusy)
        // Playing on lets that call through and runs to the end (agent 1 speaks no more than twice in 12 steps).
        #expect(source.perform(.playback(.clearBreakpoint(id: 2))) == .done)
        #expect(source.perform(.playback(.togglePlay)) == .done)
        _ = source.take(now: 0.3)
        #expect(player.position == player.eventCount)
    }
}

extension Event.Body {
    func isCall(of agent: AgentID) -> Bool {
        if case .callStarted(let a, _, _) = self { return a == agent }
        return false
    }
}

extension AgentStatus {
    var isBusy: Bool { self == .thinking || self == .streaming }
}
