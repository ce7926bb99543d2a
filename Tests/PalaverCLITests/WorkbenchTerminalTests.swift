import Foundation
import Testing
import PalaverEngine

/// The workbench in a real terminal (tmux), as a person would use it.
@Suite(.enabled(if: Tmux.available, "tmux is not installed"), .serialized)
struct WorkbenchTerminalTests {
    let dir: String
    let binary = URL(fileURLWithPath: PalaverProcess.binary).standardizedFileURL.path
    let cwd = FileManager.default.currentDirectoryPath

    init() throws { dir = try PalaverProcess.temporaryDirectory() }

    func events(_ path: String) throws -> [Event] {
        var reader = try SessionReader(path: path)
        return try reader.readAll()
    }

    @Test func beerGameWithALearnedRetailerShowsItsPolicy() throws {
        let path = dir + "/beer.jsonl"
        let term = Tmux("cd \(cwd) && \(binary) run beer-game --speed 16 --policy retailer=learned:policies/beer-team.json --record \(path)")
        // Panes keep the stage's numbers in view; the status bar counts weeks and the team's cost.
        #expect(term.waitFor("the week and team cost") { $0.contains("week ") && $0.contains("· team $") })
        #expect(term.waitFor(text: "stock "))
        #expect(term.waitFor(text: "Ordering "))
        // Focus the retailer's pane and show its policy: states, order rules, the current state lit.
        term.keys("Tab")
        term.keys("p")
        #expect(term.waitFor(text: "Rosa · learned retailer policy"))
        #expect(term.waitFor("the current state") { $0.contains("▶ [") && $0.contains("%→") })
        term.keys("q")
        #expect(term.waitFor(text: "PALAVER_EXIT=0"))
        let actions = try events(path).filter { if case .action = $0.body { true } else { false } }
        #expect(!actions.isEmpty)
    }

    @Test func watchPauseInjectAndQuit() throws {
        let path = dir + "/watch.jsonl"
        let term = Tmux("cd \(cwd) && \(binary) run --speed 8 --steps 400 --record \(path)")
        // Agents talk: panes, log and status bar appear and messages stream in.
        #expect(term.waitFor(text: "▶ running"))
        #expect(term.waitFor("a message in the log") { $0.contains("Maya → all") })
        #expect(term.screen.contains("Who talks to whom"))

        term.keys("Space")
        #expect(term.waitFor(text: "PAUSED"))
        let stepBefore = Self.step(in: term.screen, limit: 400)
        Thread.sleep(forTimeInterval: 0.8)
        // Paused: the step counter no longer moves (the pause acts at once, mid-turn too).
        let stepAfter = Self.step(in: term.screen, limit: 400)
        #expect(stepBefore > 0)
        #expect(stepAfter == stepBefore)

        // Inject to one agent, resume, and see it arrive and get answered.
        term.keys("i")
        term.type("@ravi what exactly breaks on Friday?")
        #expect(term.waitFor(text: "inject ▸ @ravi what exactly breaks on Friday?"))
        term.keys("Enter")
        #expect(term.waitFor(text: "injected"))
        term.keys("Space")
        #expect(term.waitFor(text: "▶ running"))
        let answered = term.waitFor("Ravi to answer the injection", timeout: 20) { _ in
            guard let all = try? self.events(path) else { return false }
            guard let injected = all.first(where: { if case .injected = $0.body { return true } else { return false } }),
                  case .injected(let m) = injected.body else { return false }
            return all.contains { if case .messageSent(let r) = $0.body { return r.sender == .agent(AgentID(1)) && r.id > m.id } else { return false } }
        }
        #expect(answered)

        term.keys("q")
        #expect(term.waitFor(text: "PALAVER_EXIT=0"))
        // The terminal is back to normal: the workbench is gone from the screen.
        #expect(!term.screen.contains("Who talks to whom"))
        let all = try events(path)
        guard case .sessionEnded(let summary)? = all.last?.body else {
            Issue.record("the session does not end cleanly")
            return
        }
        #expect(summary.reason == .stopped)
    }

    @Test func takeOverAnAgentAndAnswerAsIt() throws {
        let path = dir + "/takeover.jsonl"
        let term = Tmux("cd \(cwd) && \(binary) run --speed 4 --steps 400 --record \(path)")
        try #require(term.waitFor(text: "▶ running"))
        // Focus moves log → graph → Maya → Ravi → Lena.
        term.keys("Tab", "Tab", "Tab", "Tab", "t")
        #expect(term.waitFor(text: "you are Lena now"))
        #expect(term.waitFor(text: "YOUR TURN", timeout: 25))
        #expect(term.screen.contains("Press r to reply as Lena"))
        term.keys("r")
        term.type("Lena here, typed by a person: ship Tuesday.")
        term.keys("Enter")
        #expect(term.waitFor(text: "Lena here, typed by a person"))
        term.keys("t")
        term.keys("q")
        #expect(term.waitFor(text: "PALAVER_EXIT=0"))
        let all = try events(path)
        #expect(all.contains { if case .messageSent(let m) = $0.body { return m.sender == .agent(AgentID(2)) && m.author == .person } else { return false } })
        #expect(all.contains { $0.body == .takeover(agent: AgentID(2), active: false) })
    }

    @Test func resizeDownTo40x12AndBack() throws {
        let term = Tmux("cd \(cwd) && \(binary) run --speed 2 --steps 400 --no-record")
        try #require(term.waitFor(text: "▶ running"))
        term.resize(width: 40, height: 12)
        #expect(term.waitFor(text: "Agents"))
        let small = term.screen
        #expect(small.split(separator: "\n").allSatisfy { $0.count <= 40 })
        term.resize(width: 30, height: 10)
        #expect(term.waitFor(text: "terminal too small"))
        term.resize(width: 120, height: 40)
        #expect(term.waitFor(text: "Who talks to whom"))
        #expect(!term.screen.contains("terminal too small"))
        term.keys("q")
        #expect(term.waitFor(text: "PALAVER_EXIT=0"))
    }

    @Test func ctrlCAndSigtermRestoreTheTerminal() throws {
        let term = Tmux("cd \(cwd) && \(binary) run --speed 2 --steps 400 --no-record")
        #expect(term.waitFor(text: "▶ running"))
        term.keys("C-c")
        #expect(term.waitFor(text: "PALAVER_EXIT=0"))
        #expect(!term.screen.contains("▶ running"))

        let other = Tmux("cd \(cwd) && \(binary) run --speed 2 --steps 400 --no-record")
        #expect(other.waitFor(text: "▶ running"))
        let shell = other.tmux(["display-message", "-p", "-t", other.session, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(!shell.isEmpty)
        _ = system("pkill -TERM -P \(shell)")
        #expect(other.waitFor(text: "PALAVER_EXIT="))
        #expect(!other.screen.contains("▶ running"))
    }

    /// A crash (a Swift trap is SIGILL, abort() SIGABRT, a stack overflow SIGSEGV)
    /// still leaves the alternate screen and turns mouse reporting off.
    @Test(arguments: ["ILL", "ABRT", "SEGV"]) func crashSignalsRestoreTheTerminal(signal: String) throws {
        let term = Tmux("cd \(cwd) && SWIFT_BACKTRACE=enable=no \(binary) run --speed 2 --steps 400 --no-record")
        #expect(term.waitFor(text: "▶ running"))
        func flag(_ name: String) -> String {
            term.tmux(["display-message", "-p", "-t", term.session, "#{\(name)}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(flag("alternate_on") == "1")
        let shell = flag("pane_pid")
        try #require(!shell.isEmpty)
        _ = system("pkill -\(signal) -P \(shell)")
        #expect(term.waitFor(text: "PALAVER_EXIT="))
        #expect(!term.screen.contains("PALAVER_EXIT=0"))
        #expect(flag("alternate_on") == "0")
        #expect(flag("mouse_any_flag") == "0")
        #expect(flag("cursor_flag") == "1")
    }

    @Test func replayPauseStepBackForkInjectAndQuit() throws {
        // From a folder of its own: the fork is recorded under sessions/ there, not in the checkout.
        try FileManager.default.createDirectory(atPath: dir + "/sessions", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: cwd + "/sessions/examples/ship-it.jsonl", toPath: dir + "/sessions/ship-it.jsonl")
        let term = Tmux("cd \(dir) && HOME=\(dir) \(binary) replay sessions/ship-it.jsonl --speed 4")
        try #require(term.waitFor(text: "REPLAY"))
        #expect(term.waitFor(text: "f fork here"))
        #expect(term.waitFor("the replay to reach step 4") { $0.range(of: #"step ([4-9]|1\d)/16"#, options: .regularExpression) != nil })
        term.keys("Space")
        #expect(term.waitFor(text: "⏸ REPLAY"))
        let stepBefore = Self.step(in: term.screen)
        term.keys("Left")
        #expect(term.waitFor("one step back") { Self.step(in: $0) == stepBefore - 1 })
        term.keys(",")
        #expect(term.waitFor("one event back") { $0.contains("event ") })
        // f asks for models and more steps first: a bad model is said in the form, a good one forks.
        term.keys("f")
        #expect(term.waitFor(text: "fork after step"))
        term.type("ollama")
        term.keys("Enter")
        #expect(term.waitFor(text: "! unknown model 'ollama'"))
        term.keys("C-u")
        term.type("offline")
        term.keys("Tab")
        term.type("20")
        term.keys("Enter")
        #expect(term.waitFor(text: "you are live now"))
        #expect(term.waitFor(text: "▶ running"))
        term.keys("i")
        term.type("@otto is support ready for Friday?")
        term.keys("Enter")
        #expect(term.waitFor(text: "injected"))
        term.keys("q")
        #expect(term.waitFor(text: "PALAVER_EXIT=0"))
        #expect(term.screen.contains("fork recorded to"))
        let forks = try FileManager.default.contentsOfDirectory(atPath: dir + "/sessions").filter { $0.hasSuffix("-ship-it-fork.jsonl") }
        #expect(forks.count == 1)
        // The fork runs 20 steps past where it began.
        let fork = try SessionReader(path: dir + "/sessions/" + (forks.first ?? ""))
        #expect(fork.info.maxSteps == (fork.header.forkStep ?? -100) + 20)
    }

    @Test func aForkWhoseServerIsDownReturnsToTheReplay() throws {
        try FileManager.default.createDirectory(atPath: dir + "/sessions", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: cwd + "/sessions/examples/ship-it.jsonl", toPath: dir + "/sessions/ship-it.jsonl")
        // Nothing listens on port 9 here: the fork cannot start.
        let term = Tmux("cd \(dir) && HOME=\(dir) OLLAMA_HOST=http://127.0.0.1:9 \(binary) replay sessions/ship-it.jsonl --speed max")
        try #require(term.waitFor(text: "REPLAY"))
        term.keys("f")
        #expect(term.waitFor(text: "fork after step"))
        term.type("maya=ollama:llama3")
        term.keys("Tab")
        term.type("5")
        term.keys("Enter")
        #expect(term.waitFor(text: "cannot fork at step"))
        #expect(term.waitFor(text: "⏸ REPLAY"), "back in the replay, paused where it was")
        let forks = try FileManager.default.contentsOfDirectory(atPath: dir + "/sessions").filter { $0.contains("-fork") }
        #expect(forks.isEmpty, "no half-made fork file is left")
        term.keys("q")
        #expect(term.waitFor(text: "PALAVER_EXIT=0"))
    }

    /// Space while an agent streams pauses in the middle of its reply: the
    /// recording shows the pause between two tokens of one turn, and the
    /// same turn goes on from there on resume.
    @Test func pauseWhileAnAgentStreamsStopsItMidReply() throws {
        let path = dir + "/midturn.jsonl"
        let term = Tmux("cd \(cwd) && \(binary) run --speed 1 --steps 400 --record \(path)")
        try #require(term.waitFor(text: "streaming"))
        term.keys("Space")
        #expect(term.waitFor(text: "PAUSED"))
        term.keys("Space")
        #expect(term.waitFor(text: "▶ running"))
        // Wait for the interrupted reply to finish in the recording.
        #expect(term.waitFor("the reply to finish after the pause") { _ in
            guard let all = try? self.events(path), let pause = all.firstIndex(where: { $0.body == .control(.pause) }) else { return false }
            return all[pause...].contains { if case .callFinished = $0.body { true } else { false } }
        })
        term.keys("q")
        #expect(term.waitFor(text: "PALAVER_EXIT=0"))
        let all = try events(path)
        guard let pause = all.firstIndex(where: { $0.body == .control(.pause) }) else {
            Issue.record("no pause in the recording")
            return
        }
        // Between the last call start before the pause and its finish lies the pause: mid-turn.
        let started = all[..<pause].lastIndex { if case .callStarted = $0.body { true } else { false } }
        let finished = all[pause...].firstIndex { if case .callFinished = $0.body { true } else { false } }
        let tokensBefore = all[(started ?? 0)..<pause].filter { if case .tokenDelta = $0.body { true } else { false } }.count
        let tokensAfter = all[pause..<(finished ?? all.count)].filter { if case .tokenDelta = $0.body { true } else { false } }.count
        #expect(started != nil && finished != nil)
        #expect(tokensBefore > 0, "the reply had begun")
        #expect(tokensAfter > 0, "and went on after the pause")
    }

    /// Handing back an agent whose turn waits for you lets its model answer: no error.
    @Test func handBackWhileItsTurnWaitsLetsTheModelAnswer() throws {
        let path = dir + "/handback.jsonl"
        let term = Tmux("cd \(cwd) && \(binary) run --speed 8 --steps 400 --record \(path)")
        try #require(term.waitFor(text: "▶ running"))
        term.keys("Tab", "Tab", "Tab", "t")
        // The notice is brief; on a loaded machine the turn that waits may already have replaced it.
        #expect(term.waitFor("Ravi taken over") { $0.contains("you are Ravi now") || $0.contains("YOUR TURN") })
        #expect(term.waitFor(text: "YOUR TURN", timeout: 25))
        term.keys("t")
        #expect(term.waitFor("Ravi to speak for himself again") { !$0.contains("YOUR TURN") })
        #expect(term.waitFor("Ravi's model to answer the waiting turn") { _ in
            guard let all = try? self.events(path),
                  let handBack = all.firstIndex(where: { $0.body == .takeover(agent: AgentID(1), active: false) }) else { return false }
            return all[handBack...].contains { if case .messageSent(let m) = $0.body { m.sender == .agent(AgentID(1)) } else { false } }
        })
        #expect(!term.screen.contains("✗"), "no error mark on the screen")
        term.keys("q")
        #expect(term.waitFor(text: "PALAVER_EXIT=0"))
        let all = try events(path)
        #expect(!all.contains { if case .agentError = $0.body { true } else { false } })
        guard let handBack = all.firstIndex(where: { $0.body == .takeover(agent: AgentID(1), active: false) }) else {
            Issue.record("no hand-back in the recording")
            return
        }
        // The turn that waited is answered by the model.
        #expect(all[handBack...].contains { if case .messageSent(let m) = $0.body { m.sender == .agent(AgentID(1)) && m.author == .model } else { false } })
    }

    /// Mute and unmute while a taken-over turn waits: both take effect at once, none is lost.
    @Test func muteDuringATakeoverSticks() throws {
        let path = dir + "/mute.jsonl"
        let term = Tmux("cd \(cwd) && \(binary) run --speed 8 --steps 400 --record \(path)")
        try #require(term.waitFor(text: "▶ running"))
        term.keys("Tab", "Tab", "Tab", "Tab", "t")
        #expect(term.waitFor(text: "you are Lena now"))
        #expect(term.waitFor(text: "YOUR TURN", timeout: 25))
        term.keys("m")
        #expect(term.waitFor(text: "muted"))
        term.keys("m")
        #expect(term.waitFor("Lena unmuted") { !$0.contains("muted") })
        term.keys("m")
        #expect(term.waitFor(text: "muted"))
        term.keys("q")
        #expect(term.waitFor(text: "PALAVER_EXIT=0"))
        let controls = try events(path).compactMap { e -> Control? in if case .control(let c) = e.body { c } else { nil } }
        let lena = AgentID(2)
        #expect(controls.filter { $0 == .mute(lena) || $0 == .unmute(lena) } == [.mute(lena), .unmute(lena), .mute(lena)])
    }

    static func step(in screen: String, limit: Int = 16) -> Int {
        guard let r = screen.range(of: "step \\d+/\(limit)", options: .regularExpression) else { return -1 }
        return Int(screen[r].dropFirst(5).prefix { $0.isNumber }) ?? -1
    }
}
