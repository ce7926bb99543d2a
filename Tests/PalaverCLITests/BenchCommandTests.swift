import Foundation
import Testing

/// `palaver bench` speaks to people (a table against the targets) and to scripts (`--json`).
@Suite struct BenchCommandTests {
    @Test func engineBenchHonoursCountAndPrintsATableAgainstTheTarget() throws {
        let out = try PalaverProcess.run(["bench", "engine", "--count", "1000"])
        #expect(out.status == 0, "\(out.stderr)")
        let lines = out.lines
        #expect(lines.first == "bench engine")
        #expect(lines.contains { $0.contains("messages routed") && $0.contains("1,000") })
        let routing = lines.first { $0.contains("routing, no model calls") }
        #expect(routing?.contains("≥ 2,000,000 messages/s") == true)
        #expect(routing.map { $0.hasSuffix("✓") || $0.hasSuffix("✗") } == true)
        #expect(lines.last?.contains("target") == true)
        #if DEBUG
        // A debug build's figures mislead: one line on stderr says so, stdout stays the report.
        #expect(out.stderr.split(separator: "\n").count == 1)
        #expect(out.stderr.contains("debug build"))
        #endif
    }

    @Test func jsonGivesOneLineWithTheCountAskedFor() throws {
        for count in ["1", "777", "5000"] {
            let out = try PalaverProcess.run(["bench", "engine", "--count", count, "--json"])
            #expect(out.status == 0, "\(out.stderr)")
            #expect(out.lines.count == 1)
            #expect(out.stdout.hasPrefix(#"{"bench":"engine","messages":\#(count),"#), "\(out.stdout)")
        }
    }
}
