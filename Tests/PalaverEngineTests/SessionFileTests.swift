import Foundation
import Testing
@testable import PalaverEngine

@Suite struct SessionFileTests {
    static func temporaryPath(_ name: String = #function) -> String {
        NSTemporaryDirectory() + "palaver-test-\(getpid())-\(name.filter { $0.isLetter }).jsonl"
    }

    /// A short real run, recorded.
    static func record(to path: String, scenario: Scenario = .builtIn, steps: Int = 6) throws -> [Event] {
        let log = EventLog()
        let run = try SessionRun(scenario: scenario, options: .init(maxSteps: steps, speed: .fastest, recordPath: path), sinks: [log])
        run.run()
        return log.events
    }

    /// Keeps what a session writer hands on, taking each buffer as the broker's publisher does.
    final class LinesTap: EncodedLinesSink, @unchecked Sendable {
        var bytes: [UInt8] = []
        var events = 0
        var lasts: [Bool] = []
        func receive(lines: inout [UInt8], events: Int, last: Bool) {
            bytes += lines
            self.events += events
            lasts.append(last)
            var taken: [UInt8] = []
            swap(&lines, &taken)
        }
    }

    @Test func aRecordedRunHandsOnTheFileAfterItsHeaderEachLineOnce() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tap = LinesTap()
        var options = SessionRun.Options(maxSteps: 6, speed: .fastest, recordPath: path)
        options.recordedLines = tap
        _ = try SessionRun(scenario: .builtIn, options: options).run()
        let file = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let headerEnd = try #require(file.firstIndex(of: 0x0A))
        #expect(tap.bytes == Array(file[(headerEnd + 1)...]))
        #expect(tap.events == file.filter { $0 == 0x0A }.count - 1)
        // The session's end is said once, with the last lines.
        #expect(tap.lasts.last == true)
        #expect(tap.lasts.dropLast().allSatisfy { !$0 })
    }

    @Test func everyEventSurvivesTheRoundTrip() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let info = Fixtures.info(2)
        let writer = try SessionWriter(path: path, header: SessionHeader(parent: "p.jsonl", forkStep: 3))
        let message = Message(id: 1, step: 1, time: 0.25, sender: .agent(AgentID(0)), recipients: .some([AgentID(1), AgentID(0)]),
                              kind: .chat, text: "quote \" backslash \\ newline \n tab \t 中文 🎉 \u{1B}[31m",
                              metadata: MessageMetadata(promptTokens: 5, completionTokens: 7, latencyMs: 12.5, model: "offline"),
                              author: .model)
        func said(_ id: Int, _ text: String, by author: Author, _ fact: CoordinationFact? = nil) -> Event.Body {
            // Each at its own position in the list below (id + 1), so its time is the event's.
            .messageSent(Message(id: id, step: 1, time: Double(id + 1) * 0.125, sender: .agent(AgentID(1)), recipients: .one(AgentID(0)),
                                 kind: fact == nil ? .chat : .action, text: text, author: author, coordination: fact))
        }
        let bodies: [Event.Body] = [
            .sessionStarted(info), .stepStarted, .messageSent(message),
            .injected(Message(id: 2, step: 1, time: 0.375, sender: .user, recipients: .all, kind: .injected, text: "hi")),
            said(3, "typed", by: .person),
            said(4, "truck1 = 109 (dock 1 09:00)", by: .algorithm, .assignment(variable: "truck1", value: .number(109), label: "dock 1 09:00")),
            said(5, "x = 0.5", by: .algorithm, .assignment(variable: "x", value: .number(0.5), label: nil)),
            said(6, "colour = red", by: .algorithm, .assignment(variable: "colour", value: .text("red"), label: nil)),
            said(7, "flag = True", by: .algorithm, .assignment(variable: "flag", value: .bool(true), label: nil)),
            said(8, "gain truck1 2.125", by: .algorithm, .gain(variable: "truck1", amount: 2.125)),
            .delivered(messageID: 1, to: AgentID(1)), .edited(messageID: 2, text: "hey", original: "hi"), .dropped(messageID: 2, from: [AgentID(1), AgentID(0)]),
            .mailboxFull(agent: AgentID(1), messageID: 2), .callStarted(agent: AgentID(0), model: "offline"),
            .tokenDelta(agent: AgentID(0), text: " word"),
            .callFinished(agent: AgentID(0), usage: Usage(model: "offline", promptTokens: 5, completionTokens: 7, latencyMs: 12.5, estimated: true)),
            .action(agent: AgentID(1), action: EnvironmentAction(value: 4, text: "order 4", valid: true)),
            .action(agent: AgentID(0), action: EnvironmentAction(value: 12, text: "order 12", valid: false)), .reward(agent: AgentID(1), value: -0.125),
            .control(.pause), .control(.resume), .control(.stepOnce), .control(.speed(.factor(0.25))), .control(.speed(.fastest)),
            .control(.mute(AgentID(1))), .control(.unmute(AgentID(1))), .control(.stop),
            .takeover(agent: AgentID(0), active: true), .takeover(agent: AgentID(0), active: false), .agentError(agent: AgentID(1), message: "timeout"),
            .rejected(command: "drop", reason: "gone"),
            .sessionEnded(Summary(reason: .stopped, steps: 1, messages: 2, tokens: 12, durationSeconds: 1.25)),
        ]
        let events = bodies.enumerated().map { Event(step: 1, time: Double($0.offset) * 0.125, $0.element) }
        for event in events { writer.receive(event) }
        writer.close()

        var reader = try SessionReader(path: path)
        #expect(reader.header.parent == "p.jsonl")
        #expect(reader.header.forkStep == 3)
        #expect(reader.info == info)
        let back = try reader.readAll()
        #expect(back == events)
        #expect(reader.warnings.isEmpty)
        // Decoding then encoding v2 gives back the file's lines, byte for byte.
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst().map(String.init)
        var encoder = EventEncoder()
        #expect(back.map { encoder.line($0) } == lines)
    }

    @Test(arguments: ["ship-it", "debate", "bilingual", "launch-team", "beer-game", "dock-scheduling"])
    func eachShippedExampleDecodesAndEncodesToItsOwnLines(name: String) throws {
        let path = "sessions/examples/\(name).jsonl"
        var reader = try SessionReader(path: path)
        #expect(reader.header.version == SessionHeader.formatVersion)
        let events = try reader.readAll()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst().map(String.init)
        var encoder = EventEncoder()
        #expect(events.count == lines.count)
        for (event, line) in zip(events, lines) {
            let again = encoder.line(event)
            if again != line {
                Issue.record("\(name): \(line) encodes back as \(again)")
                break
            }
        }
    }

    @Test func aTornLastLineIsDroppedWithAWarning() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let events = try Self.record(to: path)
        let handle = FileHandle(forWritingAtPath: path)!
        handle.seekToEndOfFile()
        handle.write(Data(#"{"type":"message","step":7,"t":1.2,"id":99,"fr"#.utf8))
        handle.closeFile()
        var reader = try SessionReader(path: path)
        let back = try reader.readAll()
        #expect(back.count == events.count)
        #expect(reader.warnings.count == 1)
        #expect(reader.warnings[0].contains("\(path):\(events.count + 2)"))
    }

    @Test func garbageInTheMiddleIsAnErrorNamingFileAndLine() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try Self.record(to: path)
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[4] = "this is not json"
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        var reader = try SessionReader(path: path)
        #expect(throws: SessionError.self) { try reader.readAll() }
        do { _ = try reader.readAll() } catch {
            #expect("\(error)".hasPrefix("\(path):5: invalid JSON"))
        }
    }

    @Test func aFileThatIsNotASessionIsRefused() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "name: debate\nagents: []\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: SessionError(path: path, line: 1, reason: .notASession)) { try SessionReader(path: path) }
        try "".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: SessionError(path: path, line: 1, reason: .empty)) { try SessionReader(path: path) }
        #expect(throws: SessionError.self) { try SessionReader(path: path + ".missing") }
    }

    @Test func anUnknownVersionIsRefusedClearly() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"palaver":"session","version":9,"created":"x"}"#.appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try SessionReader(path: path)
            Issue.record("a version 9 file was accepted")
        } catch {
            #expect(error.description == "\(path):1: session format version 9 is newer than this Palaver reads (up to 2); upgrade Palaver")
        }
    }

    @Test func theIndexFindsEveryStepAndReadingFromAStepResumesThere() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let events = try Self.record(to: path, steps: 8)
        let index = try SessionIndex.build(path: path)
        #expect(index.eventCount == events.count)
        #expect(index.stepCount == 8)
        var reader = try SessionReader(path: path)
        let position = try #require(index.position(ofStep: 5))
        var fromFive: [Event] = []
        try reader.forEachEvent(from: position.offset, firstLine: position.line) { fromFive.append($0); return true }
        let expected = Array(events.drop { !($0.step == 5 && $0.body == .stepStarted) })
        #expect(fromFive == expected)
    }

    @Test func everyCompleteLineOfAFileCutAtAnyPointIsReadable() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try Self.record(to: path, steps: 4)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let cutPath = path + ".cut"
        defer { try? FileManager.default.removeItem(atPath: cutPath) }
        // Cut the file at many byte offsets after the session's start, as a kill mid-write could.
        let secondNewline = data.indices.filter { data[$0] == 0x0A }[1]
        for cut in stride(from: secondNewline + 1, to: data.count, by: max(1, data.count / 40)) {
            try data.prefix(cut).write(to: URL(fileURLWithPath: cutPath))
            var reader = try SessionReader(path: cutPath)
            let complete = data.prefix(cut).split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().count - 1
            let events = try reader.readAll()
            #expect(events.count == complete || events.count == complete + 1)
        }
    }

    /// `palaver bench session` writes a session and reads it back: what it writes must be readable.
    @Test func theSessionBenchmarksFileReadsBack() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try SessionBenchmark.run(events: 3_000, path: path)
        #expect(result.events == 3_000)
    }
}
