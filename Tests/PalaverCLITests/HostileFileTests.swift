import Foundation
import Testing

/// Files from others (sessions, scenarios) cannot take over the terminal,
/// crash the command or write outside sessions/.
@Suite struct HostileFileTests {
    static let example = "sessions/examples/ship-it.jsonl"

    /// ship-it with escape sequences and a bidi override in its title, scenario name and messages.
    static func injectedSession(in dir: String) throws -> String {
        let lines = try String(contentsOfFile: example, encoding: .utf8).split(separator: "\n").map(String.init)
        let attack = #"\u001b]52;c;ZXZpbA==\u0007\u001b[2J\u001b]0;pwned\u0007\u202e\u009b31m"#
        let changed = lines.map { line -> String in
            var l = line
            l = l.replacingOccurrences(of: #""title":""#, with: #""title":"\#(attack)"#)
            l = l.replacingOccurrences(of: #""scenario":""#, with: #""scenario":"\#(attack)"#)
            l = l.replacingOccurrences(of: #""text":""#, with: #""text":"\#(attack)"#)
            return l
        }
        let path = dir + "/injected.jsonl"
        try (changed.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func hasTerminalControls(_ text: String) -> Bool {
        text.unicodeScalars.contains { s in
            (s.value < 0x20 && s != "\n" && s != "\t") || (0x7F..<0xA0).contains(s.value)
                || (0x202A...0x202E).contains(s.value) || (0x2066...0x2069).contains(s.value)
        }
    }

    @Test func exportsAndReplayPrintNoControls() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try Self.injectedSession(in: dir)
        for arguments in [["export", path, "--format", "markdown"], ["export", path, "--format", "json"],
                          ["export", path, "--format", "dot"], ["replay", path, "--headless"],
                          ["diff", path, Self.example, "--headless"]] {
            let out = try PalaverProcess.run(arguments)
            #expect(out.status == 0 || (arguments[0] == "diff" && out.status == 1), "\(arguments): \(out.stderr)")
            #expect(!out.stdout.isEmpty)
            #expect(!Self.hasTerminalControls(out.stdout), "\(arguments) printed a control")
            #expect(!Self.hasTerminalControls(out.stderr))
        }
        // Written to a file, the text stays, but no control sequence does.
        let file = dir + "/t.md"
        let out = try PalaverProcess.run(["export", path, "--format", "markdown", "-o", file])
        #expect(out.status == 0)
        let written = try String(contentsOfFile: file, encoding: .utf8)
        #expect(written.contains("Ship the new onboarding flow") && !Self.hasTerminalControls(written))
    }

    @Test func errorsQuoteUntrustedTextCleanedAndShort() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = try String(contentsOfFile: Self.example, encoding: .utf8).split(separator: "\n").prefix(2).map(String.init)
        let hostile = #"\u001b[2J\u202e"# + String(repeating: "x", count: 50_000)
        let cases = [
            #"{"type":"\#(hostile)","step":1,"t":1}"#,
            #"{"type":"message","step":1,"t":1,"id":9,"from":"\#(hostile)","to":"all","kind":"chat","text":"x"}"#,
        ]
        for (i, bad) in cases.enumerated() {
            let path = dir + "/bad\(i).jsonl"
            try (lines + [bad]).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
            let out = try PalaverProcess.run(["replay", path, "--headless"])
            #expect(out.status == 2)
            #expect(out.stderr.contains("\(path):3:"), "\(out.stderr.prefix(300))")
            #expect(!Self.hasTerminalControls(out.stderr.replacingOccurrences(of: "\n", with: "")))
            #expect(out.stderr.count < 3000, "the message quotes the whole line")
        }
    }

    @Test func endlessFilesAndEndlessLinesAreRefused() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for arguments in [["replay", "/dev/zero", "--headless"], ["export", "/dev/zero"], ["run", "/dev/zero", "--headless", "--no-record"]] {
            let out = try PalaverProcess.run(arguments)
            #expect(out.status == 2, "\(arguments): \(out.stderr)")
            #expect(out.stderr.contains("/dev/zero") && out.stderr.contains("not a regular file"), "\(out.stderr)")
        }
        let scenario = dir + "/replayer.yaml"
        try "name: r\nagents:\n  - name: A\n    role: r\n    model: replay:/dev/zero\n".write(toFile: scenario, atomically: true, encoding: .utf8)
        let model = try PalaverProcess.run(["run", scenario, "--headless", "--no-record", "--steps", "1"])
        #expect(model.status == 2 && model.stderr.contains("not a regular file"), "\(model.stderr)")

        let long = dir + "/long.jsonl"
        let lines = try String(contentsOfFile: Self.example, encoding: .utf8).split(separator: "\n").prefix(2).joined(separator: "\n")
        try (lines + "\n" + String(repeating: "x", count: 17 << 20) + "\n").write(toFile: long, atomically: true, encoding: .utf8)
        let out = try PalaverProcess.run(["replay", long, "--headless"])
        #expect(out.status == 2)
        #expect(out.stderr.contains("\(long):3: the line is longer than 16 MB"), "\(out.stderr)")
    }

    @Test func aProblemFileFromProcIsNeverEchoed() throws {
        let out = try PalaverProcess.run(["solve", "/proc/self/environ"])
        #expect(out.status == 2)
        #expect(out.stderr.contains("not a regular file"), "\(out.stderr)")
        #expect(!out.stderr.contains("PATH="), "the environment reached the error")
    }

    @Test func aScenarioNameCannotLeaveTheSessionsFolder() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let scenario = dir + "/escape.yaml"
        try "name: ../../outside/../x/evil\nagents:\n  - name: A\n    role: r\n".write(toFile: scenario, atomically: true, encoding: .utf8)
        let out = try PalaverProcess.run(["run", scenario, "--headless", "--steps", "1"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        let made = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(made == ["escape.yaml", "sessions"])
        let recorded = try FileManager.default.contentsOfDirectory(atPath: dir + "/sessions")
        #expect(recorded.count == 1 && recorded[0].hasSuffix("-outside-x-evil.jsonl"), "\(recorded)")
    }
}

/// A recording that cannot be written any more (a full disk, a file-size
/// limit) stops the run at once, says so, and exits non-zero; what was
/// written before still replays.
@Suite struct FullDiskTests {
    @Test func aFileSizeLimitMidRunStopsTheRunAndSaysSo() throws {
        let dir = try PalaverProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/run.jsonl"
        let binary = URL(fileURLWithPath: PalaverProcess.binary).standardizedFileURL.path
        // 16 KB of file: the header and the first steps fit, the rest does not.
        let out = try PalaverProcess.run(["-c", "ulimit -f 16; exec '\(binary)' run --headless --speed max --steps 400 --record '\(path)'"],
                                         executable: "/bin/sh")
        #expect(out.status == 1, "\(out.stderr)")
        #expect(out.stdout.contains("can't record"), "the transcript says so where the run is watched")
        #expect(out.stderr.contains("cannot write"))
        #expect(!out.stdout.contains("step limit reached"), "the run stopped instead of going on unrecorded")
        let reread = try PalaverProcess.run(["replay", path, "--headless"])
        #expect(reread.status == 0, "\(reread.stderr)")
        #expect(reread.lines.count > 3)
    }

    @Test func anUnwritableFileFromTheStartIsBadInput() throws {
        let out = try PalaverProcess.run(["run", "--headless", "--steps", "2", "--record", "/dev/full"])
        #expect(out.status != 0)
        #expect(out.stderr.contains("/dev/full"))
    }
}
