import Foundation
import Testing
import PalaverEngine

/// Shipped sessions, fork, diff and export through the built binary.
@Suite struct ReplayToolsTests {
    let cwd = FileManager.default.currentDirectoryPath

    static let shipped = ["ship-it", "debate", "launch-team", "bilingual", "beer-game", "dock-scheduling"]

    @Test(arguments: shipped)
    func shippedSessionsReplayToTheirEnd(name: String) throws {
        let out = try PalaverProcess.run(["replay", "sessions/examples/\(name).jsonl", "--headless"], in: cwd)
        #expect(out.status == 0)
        #expect(out.stderr.isEmpty, "no warnings: \(out.stderr)")
        #expect(out.lines.first?.hasPrefix("palaver · \(name) · ") == true)
        #expect(out.lines.last?.hasPrefix("— ended after") == true)
        #expect(out.lines.count > 8)
    }

    @Test func forkThenDiffIdenticalThenDivergent() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let parent = "sessions/examples/ship-it.jsonl"
        let same = dir + "/same.jsonl", other = dir + "/other.jsonl"
        let fork = try PalaverProcess.run(["fork", parent, "--at", "6", "--record", same, "--headless"], in: cwd)
        #expect(fork.status == 0)
        #expect(fork.stderr.contains("fork recorded to \(same)"))
        let reader = try SessionReader(path: same)
        #expect(reader.header.parent == parent && reader.header.forkStep == 6)

        let identical = try PalaverProcess.run(["diff", parent, same, "--headless"], in: cwd)
        #expect(identical.status == 0)
        #expect(identical.stdout.contains("identical"))

        _ = try PalaverProcess.run(["run", "ship-it", "--seed", "77", "--steps", "8", "--record", other, "--headless"], in: cwd)
        let differ = try PalaverProcess.run(["diff", parent, other, "--headless"], in: cwd)
        #expect(differ.status == 1)
        #expect(differ.stdout.contains("part at message"))
        #expect(differ.stdout.contains("│"))

        let bad = try PalaverProcess.run(["diff", parent, dir + "/missing.jsonl"], in: cwd)
        #expect(bad.status == 2)
    }

    @Test func forkBadStepIsBadInput() throws {
        let out = try PalaverProcess.run(["fork", "sessions/examples/debate.jsonl", "--at", "999", "--no-record", "--headless"], in: cwd)
        #expect(out.status == 2)
        #expect(out.stderr.contains("step 999"))
    }

    @Test func exportMarkdownJsonAndDot() throws {
        let path = "sessions/examples/bilingual.jsonl"
        let md = try PalaverProcess.run(["export", path, "--format", "markdown"], in: cwd)
        #expect(md.status == 0)
        #expect(md.stdout.hasPrefix("# 中德联合开发"))
        #expect(md.stdout.contains("**林晓 → all**") || md.stdout.contains("**周伟 → all**"))

        let json = try PalaverProcess.run(["export", path, "--format", "json"], in: cwd)
        #expect(json.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let agents = try #require(object?["agents"] as? [[String: Any]])
        #expect(agents.count == 4)
        for agent in agents {
            let messages = try #require(agent["messages"] as? [[String: Any]])
            #expect(messages.first?["role"] as? String == "system")
            #expect(messages.allSatisfy { ["system", "user", "assistant"].contains($0["role"] as? String ?? "") && $0["content"] is String })
            // Names sent to the API use only the characters it allows.
            for m in messages { if let name = m["name"] as? String { #expect(name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) } }
            #expect(messages.contains { $0["role"] as? String == "assistant" })
        }

        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let dotPath = dir + "/graph.dot"
        let dot = try PalaverProcess.run(["export", path, "--format", "dot", "-o", dotPath], in: cwd)
        #expect(dot.status == 0 && dot.stdout.isEmpty)
        let text = try String(contentsOfFile: dotPath, encoding: .utf8)
        #expect(text.hasPrefix("digraph palaver {") && text.hasSuffix("}\n"))
        #expect(text.components(separatedBy: "->").count - 1 >= 12)
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/dot") {
            #expect(system("/usr/bin/dot -Tsvg '\(dotPath)' -o /dev/null") == 0, "Graphviz accepts the DOT")
        }
    }
}

/// Damaged and foreign files: replay what can be replayed, refuse the rest clearly.
@Suite struct DamagedSessionTests {
    @Test func aTornSessionReplaysToItsLastCompleteEventWithANotice() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/torn.jsonl"
        var data = try Data(contentsOf: URL(fileURLWithPath: "sessions/examples/debate.jsonl"))
        data = data.prefix(data.count - 40)
        try data.write(to: URL(fileURLWithPath: path))
        let out = try PalaverProcess.run(["replay", path, "--headless"], in: FileManager.default.currentDirectoryPath)
        #expect(out.status == 0)
        #expect(out.stderr.contains("warning"))
        #expect(out.stderr.contains("incomplete"))
        #expect(out.lines.count > 5)
        // The cut-off run has no summary line.
        #expect(out.lines.last?.hasPrefix("— ended") == false)
    }
}

/// `--model replay:PATH`: a recorded run's model replies, served back in order.
@Suite struct ReplayProviderTests {
    @Test func aRecordingReRunsTheSameConversationThenFallsBack() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cwd = FileManager.default.currentDirectoryPath
        let recorded = dir + "/recorded.jsonl"
        let original = try PalaverProcess.run(["run", "debate", "--steps", "6", "--record", recorded, "--headless"], in: cwd)
        let again = try PalaverProcess.run(["run", "debate", "--steps", "6", "--model", "replay:\(recorded)", "--no-record", "--headless"], in: cwd)
        #expect(again.status == 0)
        // Same messages; only the heading (which names the model) differs.
        #expect(original.lines.count > 6)
        #expect(Array(again.transcript.dropFirst()) == Array(original.transcript.dropFirst()))

        let past = try PalaverProcess.run(["run", "debate", "--steps", "7", "--model", "replay:\(recorded)", "--no-record", "--headless"], in: cwd)
        #expect(past.stdout.contains("no more replies for chen"))
        let fallback = try PalaverProcess.run(["run", "debate", "--steps", "7", "--model", "replay:\(recorded)", "--fallback", "offline",
                                               "--no-record", "--headless", "--speed", "64"], in: cwd)
        #expect(!fallback.stdout.contains("no more replies"))
        #expect(fallback.lines.contains { $0.hasPrefix("[  7] Chen → all: ") })
    }

    @Test func aMissingRecordingIsBadInput() throws {
        let out = try PalaverProcess.run(["run", "--model", "replay:/no/such.jsonl", "--no-record", "--headless"])
        #expect(out.status == 2)
        #expect(out.stderr.contains("/no/such.jsonl"))
    }
}
