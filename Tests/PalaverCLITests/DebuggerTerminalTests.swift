import Foundation
import Testing
import PalaverEngine

/// Breakpoints and the call inspector in a real terminal (tmux), as a person would use them.
@Suite(.enabled(if: Tmux.available, "tmux is not installed"), .serialized)
struct DebuggerTerminalTests {
    let dir: String
    let binary = URL(fileURLWithPath: PalaverProcess.binary).standardizedFileURL.path
    let cwd = FileManager.default.currentDirectoryPath

    init() throws { dir = try PalaverProcess.temporaryDirectory() }

    @Test func aBreakpointStopsBeforeAnAgentSpeaksAndTheInspectorShowsItsLastCall() throws {
        let path = dir + "/breakpoint.jsonl"
        let term = Tmux("cd \(cwd) && \(binary) run --speed 4 --steps 400 --record \(path)")
        try #require(term.waitFor(text: "▶ running"))
        // Once Lena has spoken, break before she speaks again. Focus: log → graph → Maya → Ravi → Lena.
        try #require(term.waitFor(text: "Lena → all", timeout: 30))
        term.keys("Tab", "Tab", "Tab", "Tab", "b")
        #expect(term.waitFor(text: "stop before Lena speaks"))
        #expect(term.waitFor(text: "● BREAK", timeout: 30))
        #expect(term.screen.contains("breakpoint 1: before Lena speaks"))
        // c on her pane opens her last call: the request as sent and the reply.
        term.keys("c")
        #expect(term.waitFor(text: "Call · Lena"))
        #expect(term.screen.contains("REQUEST · "))
        #expect(term.screen.contains("system (the agent's persona and instructions)"))
        term.keys("Escape")
        #expect(term.waitFor("the inspector to close") { !$0.contains("Call · Lena") })
        term.keys("q")
        #expect(term.waitFor(text: "PALAVER_EXIT=0"))

        var reader = try SessionReader(path: path)
        let all = try reader.readAll()
        let hit = try #require(all.firstIndex { if case .breakpointHit(let h) = $0.body { h.agent == AgentID(2) } else { false } })
        #expect(all.contains { $0.body == .breakpointSet(Breakpoint(id: 1, condition: .agent(AgentID(2)))) })
        #expect(all[hit + 1].body == .control(.pause))
        // Nothing was asked of Lena's model after the stop.
        #expect(!all[hit...].contains { if case .callStarted(AgentID(2), _, _) = $0.body { true } else { false } })
    }
}
