import Foundation
import Testing
import PalaverEngine

/// The built binary, headless, end to end.
@Suite struct HeadlessRunTests {
    @Test func runPrintsOneLinePerMessageAndASummaryAndRecordsTheSession() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/run.jsonl"
        let out = try PalaverProcess.run(["run", "debate", "--steps", "5", "--seed", "3", "--record", path, "--headless"],
                                         in: FileManager.default.currentDirectoryPath)
        #expect(out.status == 0)
        let lines = out.lines
        #expect(lines.first?.hasPrefix("palaver · debate · ") == true)
        #expect(lines.dropFirst().first?.hasPrefix("[  0] system → all: Motion:") == true)
        #expect(lines.contains { $0.hasPrefix("[  1] Ada → all: ") })
        #expect(lines.contains { $0.hasPrefix("[  5] Dana → all: ") || $0.hasPrefix("[  5] Ada → all: ") })
        #expect(lines.last?.hasPrefix("— ended after 5 steps (step limit reached): 6 messages,") == true)
        #expect(out.stderr.contains("session recorded to \(path)"))
        #expect(FileManager.default.fileExists(atPath: path))

        // Replaying the recording prints exactly what the live run printed.
        let replay = try PalaverProcess.run(["replay", path, "--headless"])
        #expect(replay.status == 0)
        #expect(replay.stdout == out.stdout)
    }

    @Test func withoutATerminalTheRunIsHeadlessAndRecordsIntoSessions() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Run from an empty folder: the built-in scenario needs no files.
        let out = try PalaverProcess.run(["--steps", "3"], in: dir)
        #expect(out.status == 0)
        #expect(out.lines.first?.hasPrefix("palaver · ship-it · ") == true)
        let sessions = try FileManager.default.contentsOfDirectory(atPath: dir + "/sessions")
        #expect(sessions.count == 1)
        #expect(sessions[0].hasSuffix("-ship-it.jsonl"))
    }

    @Test func theSameSeedGivesTheSameConversation() throws {
        let a = try PalaverProcess.run(["run", "--steps", "6", "--seed", "9", "--no-record"])
        let b = try PalaverProcess.run(["run", "--steps", "6", "--seed", "9", "--no-record"])
        #expect(a.status == 0)
        #expect(a.lines.count > 6)
        #expect(a.transcript == b.transcript)
    }

    @Test func wideCharactersSurviveEndToEnd() throws {
        let out = try PalaverProcess.run(["run", "bilingual", "--steps", "4", "--no-record"], in: FileManager.default.currentDirectoryPath)
        #expect(out.status == 0)
        #expect(out.stdout.contains("中德联合开发"))
        #expect(out.lines.contains { $0.contains("林晓") || $0.contains("周伟") })
    }

    @Test func listShowsScenariosAndSessions() throws {
        let out = try PalaverProcess.run(["list"], in: FileManager.default.currentDirectoryPath)
        #expect(out.status == 0)
        for name in ["ship-it", "debate", "launch-team", "bilingual", "beer-game", "dock-scheduling"] { #expect(out.stdout.contains("  \(name) ")) }
        // Every shipped scenario loads: none is listed with an error.
        let scenarios = out.stdout.components(separatedBy: "\n\n")[0]
        #expect(!scenarios.contains(" ! "), "\(scenarios)")
        #expect(out.stdout.contains("Sessions"))
        // Sessions' descriptions start in one column, whatever the length of their paths.
        let sessions = out.stdout.components(separatedBy: "Sessions (palaver replay PATH):\n").last?
            .split(separator: "\n").filter { $0.hasPrefix("  sessions/") } ?? []
        #expect(sessions.count >= 6, "the examples are listed")
        let columns = Set(sessions.compactMap { line -> Int? in
            guard let afterPath = line.range(of: ".jsonl ")?.upperBound,
                  let description = line[afterPath...].firstIndex(where: { $0 != " " }) else { return nil }
            return line.distance(from: line.startIndex, to: description)
        })
        #expect(columns.count == 1, "\(sessions)")
    }

    @Test func theHeaderSaysWhoActsAsTheRunDoes() throws {
        // The beer game's scenario says round-robin, but its environment has every stage act every week.
        let beer = try PalaverProcess.run(["replay", "sessions/examples/beer-game.jsonl", "--headless"], in: FileManager.default.currentDirectoryPath)
        #expect(beer.status == 0)
        #expect(beer.lines.first?.contains("· everyone every step (environment) ·") == true, "\(beer.lines.first ?? "")")
        let debate = try PalaverProcess.run(["replay", "sessions/examples/debate.jsonl", "--headless"], in: FileManager.default.currentDirectoryPath)
        #expect(debate.lines.first?.contains("· round-robin ·") == true, "\(debate.lines.first ?? "")")
    }

    @Test func everyCommandHasHelp() throws {
        for command in [[], ["run"], ["replay"], ["list"], ["bench"], ["train"], ["eval"], ["solve"], ["generate"]] {
            let out = try PalaverProcess.run(command + ["--help"])
            #expect(out.status == 0)
            #expect(out.stdout.contains("USAGE"))
        }
    }
}
