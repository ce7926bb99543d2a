import Foundation
import Testing
@testable import PalaverEngine

/// Numbers in files are untrusted: absurd ones are refused with the field
/// named, never converted into a trap, and what is shown never overflows.
@Suite struct AbsurdNumberTests {
    static let roster = #"{"type":"session_started","step":0,"t":0,"scenario":"s","title":"t","seed":1,"turns":"round-robin","max_steps":5,"speed":"1.0","agents":[{"id":"a","name":"A","role":"r"},{"id":"b","name":"B","role":"r"}]}"#

    func decode(_ lines: [String]) -> Result<[Event], EventDecoder.Failure> {
        var decoder = EventDecoder()
        var events: [Event] = []
        for line in [Self.roster] + lines {
            do throws(EventDecoder.Failure) { events.append(try decoder.decode(line: line)) } catch { return .failure(error) }
        }
        return .success(events)
    }

    func expectRefused(_ line: String, naming field: String, sourceLocation: SourceLocation = #_sourceLocation) {
        switch decode([line]) {
        case .success: Issue.record("\(line) was accepted", sourceLocation: sourceLocation)
        case .failure(let f): #expect(f.reason.contains(field), "\(f.reason)", sourceLocation: sourceLocation)
        }
    }

    @Test func hugeTimesDurationsAndLatenciesAreRefused() {
        for t in ["1e300", "-1e300", "1e308", "-1"] {
            expectRefused(#"{"type":"step","step":1,"t":\#(t)}"#, naming: "'t'")
            expectRefused(#"{"type":"session_ended","step":1,"t":1,"reason":"steps","steps":1,"messages":1,"tokens":1,"duration":\#(t)}"#, naming: "'duration'")
            expectRefused(#"{"type":"call_finished","step":1,"t":1,"agent":"a","model":"m","prompt_tokens":1,"completion_tokens":1,"latency_ms":\#(t)}"#, naming: "'latency_ms'")
            expectRefused(#"{"type":"message","step":1,"t":1,"id":1,"from":"a","to":"all","kind":"chat","text":"x","model":"m","latency_ms":\#(t)}"#, naming: "'latency_ms'")
        }
    }

    @Test func tokenCountsStepsAndIdsNearIntMaxAreRefused() {
        let big = "9223372036854775807"
        expectRefused(#"{"type":"call_finished","step":1,"t":1,"agent":"a","model":"m","prompt_tokens":\#(big),"completion_tokens":1,"latency_ms":1}"#, naming: "'prompt_tokens'")
        expectRefused(#"{"type":"message","step":1,"t":1,"id":1,"from":"a","to":"all","kind":"chat","text":"x","model":"m","completion_tokens":\#(big)}"#, naming: "'completion_tokens'")
        expectRefused(#"{"type":"session_ended","step":1,"t":1,"reason":"steps","steps":1,"messages":1,"tokens":\#(big),"duration":1}"#, naming: "'tokens'")
        expectRefused(#"{"type":"step","step":\#(big),"t":1}"#, naming: "'step'")
        expectRefused(#"{"type":"step","step":-3,"t":1}"#, naming: "'step'")
    }

    @Test func readingsAndRewardsMustBeFiniteAndSensible() {
        expectRefused(#"{"type":"observation","step":1,"t":1,"agent":"a","readings":[["week",1e300]]}"#, naming: "reading")
        expectRefused(#"{"type":"reward","step":1,"t":1,"agent":"a","value":-1e300}"#, naming: "'value'")
    }

    @Test func aSecondRosterIsRefused() {
        expectRefused(Self.roster.replacingOccurrences(of: #",{"id":"b","name":"B","role":"r"}"#, with: ""), naming: "only one session_started")
    }

    @Test func anOutOfRangeSpeedIsRefused() {
        expectRefused(#"{"type":"control","step":1,"t":1,"control":"speed","speed":"1e308"}"#, naming: "speed")
    }

    @Test func sensibleNumbersStillDecode() throws {
        let events = try decode([#"{"type":"call_finished","step":1,"t":12.5,"agent":"a","model":"m","prompt_tokens":1000000,"completion_tokens":7,"latency_ms":1500}"#,
                                 #"{"type":"observation","step":1,"t":13,"agent":"b","readings":[["week",3],["cost",-12.5]]}"#]).get()
        #expect(events.count == 3)
        guard case .callFinished(_, let usage) = events[1].body else { Issue.record("not a call"); return }
        #expect(usage.promptTokens == 1_000_000 && usage.latencyMs == 1500)
    }

    @Test func checkedConversionsNeverTrap() {
        #expect(CheckedNumber.int(exactly: 1e300, in: 0...Int.max) == nil)
        #expect(CheckedNumber.int(exactly: Double(Int.max), in: 0...Int.max) == nil)
        #expect(CheckedNumber.int(exactly: .nan, in: 0...10) == nil)
        #expect(CheckedNumber.int(exactly: 4, in: 0...10) == 4)
        #expect(CheckedNumber.int(exactly: 4.5, in: 0...10) == nil)
        #expect(CheckedNumber.int(JSONValue.integer(Int64.max)) == nil)
        #expect(CheckedNumber.double("nan", in: -1...1) == nil)
        #expect(CheckedNumber.double("inf", in: 0...Double.greatestFiniteMagnitude) == nil)
        #expect(CheckedNumber.int("999999999999999999999", in: 0...Int.max) == nil)
        #expect(CheckedNumber.clamped(1e300, to: 0...100) == 100)
        #expect(CheckedNumber.clamped(-.infinity, to: 0...100) == 0)
        #expect(CheckedNumber.clamped(.nan, to: -5...5) == -5)
        #expect(CheckedNumber.clamped(1e300, to: Int.min...Int.max) == Int.max)
        #expect(CheckedNumber.sum(Int.max, 1) == Int.max)
        #expect(CheckedNumber.sum(Int.min, -1) == Int.min)
    }

    @Test func shownTotalsSaturateInsteadOfOverflowing() {
        var projection = Projection()
        projection.apply(Event(step: 0, time: 0, .sessionStarted(Fixtures.info(2))))
        let big = CheckedNumber.count.upperBound
        for _ in 0..<20_000 {
            projection.apply(Event(step: 1, time: 1, .callFinished(agent: AgentID(0), usage: Usage(model: "m", promptTokens: big, completionTokens: big, latencyMs: 1))))
        }
        #expect(projection.totalTokens > 0)
        projection.apply(Event(step: 1, time: 1, .observed(agent: AgentID(0), readings: [Reading("week", 1e300)])))
        #expect(projection.environmentWeek == Int(Int32.max))
        #expect(TranscriptPrinter.duration(1e300).hasSuffix(" s"))
        #expect(TranscriptPrinter.duration(12.34) == "12.3 s")
        #expect(TranscriptPrinter.duration(125) == "2 min 5 s")
    }
}
