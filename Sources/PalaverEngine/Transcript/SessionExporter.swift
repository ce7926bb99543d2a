import Foundation

/// Turns a session into other formats: a readable Markdown transcript, the
/// conversation as Chat Completions messages per agent, or the interaction
/// graph in Graphviz DOT.
public enum SessionExporter {
    public enum Format: String, CaseIterable, Sendable { case markdown, json, dot }

    public static func export(_ events: [Event], format: Format) -> String {
        switch format {
        case .markdown: return markdown(events)
        case .json: return json(events)
        case .dot: return dot(events)
        }
    }

    static func messages(_ events: [Event]) -> (SessionInfo?, [Message]) {
        var info: SessionInfo?
        var out: [Message] = []
        var index: [Int: Int] = [:]
        for event in events {
            switch event.body {
            case .sessionStarted(let i): info = i
            case .messageSent(let m), .injected(let m):
                index[m.id] = out.count
                out.append(m)
            case .edited(let id, let text, _):
                if let i = index[id] { out[i] = out[i].withText(text) }
            default: break
            }
        }
        return (info, out)
    }

    /// A readable transcript that tells what happened to each message: edits
    /// (old → new, and who read the old text), drops (for whom), injections,
    /// takeovers and hand-backs, and turns a person typed.
    static func markdown(_ events: [Event]) -> String {
        var projection = Projection()
        enum Item { case message(id: Int), takeover(AgentID, active: Bool, step: Int) }
        var items: [Item] = []
        for event in events {
            projection.apply(event)
            switch event.body {
            case .messageSent(let m), .injected(let m): items.append(.message(id: m.id))
            case .takeover(let agent, let active): items.append(.takeover(agent, active: active, step: event.step))
            default: break
            }
        }
        guard let info = projection.info else { return "" }
        func names(_ mask: AgentMask) -> String { mask.members.map { escape(info.name(of: .agent($0))) }.joined(separator: ", ") }
        func quoted(_ text: String) -> String { text.split(separator: "\n", omittingEmptySubsequences: false).map { "> " + $0 }.joined(separator: "\n") }
        var lines = ["# \(info.title)", "",
                     "Scenario `\(info.scenario)` · seed \(info.seed) · turns: \(info.turnsDescription) · \(NumberText.counted(info.agents.count, "agent"))", "",
                     "| agent | role | model |", "|---|---|---|"]
        for a in info.agents { lines.append("| \(escape(a.name)) | \(escape(a.role)) | \(escape(a.model)) |") }
        lines.append("")
        var step = -1
        func heading(_ s: Int) {
            guard s != step else { return }
            step = s
            lines.append("## Step \(step)")
            lines.append("")
        }
        for item in items {
            switch item {
            case .takeover(let agent, let active, let s):
                heading(s)
                let name = escape(info.name(of: .agent(agent)))
                lines.append(active ? "*You took over \(name).*" : "*\(name) was handed back to its model.*")
                lines.append("")
            case .message(let id):
                guard let position = projection.logPosition(of: id) else { continue }
                let entry = projection.log[position]
                let m = entry.message
                heading(m.step)
                var notes: [String] = []
                if m.kind == .injected {
                    let by = projection.injectedBy[position].map { " by \(escape($0)) from an attached workbench" } ?? ""
                    notes.append(m.sender == .user ? "injected" + by : "injected as \(escape(info.name(of: m.sender)))" + by)
                }
                if m.author == .person { notes.append("typed by a person") }
                if entry.dropped {
                    notes.append("dropped before \(names(entry.droppedFor)) read it" + (entry.readBy.isEmpty ? "" : "; \(names(entry.readBy)) had read it"))
                } else if !entry.restoredFor.isEmpty {
                    notes.append("dropped, then restored for \(names(entry.restoredFor))")
                }
                if entry.originalText != nil {
                    notes.append("edited in flight" + (entry.readBeforeEdit.isEmpty ? "" : "; \(names(entry.readBeforeEdit)) read the original"))
                }
                let note = notes.isEmpty ? "" : " *(\(notes.joined(separator: "; ")))*"
                lines.append("**\(escape(info.name(of: m.sender))) → \(escape(info.names(of: m.recipients)))**\(note)")
                lines.append("")
                if let original = entry.originalText {
                    lines.append(quoted("~~" + original + "~~"))
                    lines.append(">")
                    lines.append(quoted("→ " + m.text))
                } else {
                    lines.append(quoted(m.text))
                }
                lines.append("")
            }
        }
        if let s = projection.ended {
            lines.append("---")
            lines.append("Ended after \(NumberText.counted(s.steps, "step")) (\(s.reason.phrase)): \(NumberText.counted(s.messages, "message")), \(NumberText.counted(s.tokens, "token")).")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func escape(_ text: String) -> String {
        text.sanitizedForTerminal(singleLine: true).replacingOccurrences(of: "|", with: "\\|")
    }

    /// Each agent's conversation in the order its memory took it in: its own
    /// words when it said them, others' messages when they were delivered to it,
    /// with the text they had then (as the engine's memory keeps them).
    static func conversations(_ events: [Event]) -> (SessionInfo?, [[Message]]) {
        var info: SessionInfo?
        var current: [Int: Message] = [:]
        var seen: [[Message]] = []
        for event in events {
            switch event.body {
            case .sessionStarted(let i):
                info = i
                seen = Array(repeating: [], count: i.agents.count)
            case .messageSent(let m), .injected(let m):
                current[m.id] = m
                if let me = m.sender.agent, me.index < seen.count, m.kind.isSpeech { seen[me.index].append(m) }
            case .edited(let id, let text, _):
                if let m = current[id] { current[id] = m.withText(text) }
            case .delivered(let id, let to):
                if let m = current[id], to.index < seen.count { seen[to.index].append(m) }
            default: break
            }
        }
        return (info, seen)
    }

    /// For each agent, the conversation as it saw it, shaped as its requests are:
    /// its persona as the system message, what others said as `user` messages
    /// (with `name`), its own words as `assistant`.
    static func json(_ events: [Event]) -> String {
        let (info, conversations) = conversations(events)
        guard let info else { return "{}\n" }
        var w = JSONWriter()
        w.beginObject()
        w.key("scenario"); w.string(info.scenario)
        w.key("title"); w.string(info.title)
        w.key("agents"); w.beginArray()
        for (i, spec) in info.agents.enumerated() {
            let me = AgentID(i)
            w.beginObject()
            w.key("id"); w.string(spec.id)
            w.key("name"); w.string(spec.name)
            w.key("model"); w.string(spec.model)
            // Built as the engine builds a request, written as the request is written.
            w.key("messages")
            ChatRequest.write(ChatRequest.messages(for: me, in: info, window: conversations[i], prompt: nil), roster: info.agents, into: &w)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self) + "\n"
    }

    static func dot(_ events: [Event]) -> String {
        var projection = Projection()
        for e in events { projection.apply(e) }
        guard let info = projection.info else { return "digraph palaver {}\n" }
        func escaped(_ s: String) -> String {
            s.sanitizedForTerminal(singleLine: true).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        }
        func quote(_ s: String) -> String { "\"" + escaped(s) + "\"" }
        func node(_ p: Party) -> String {
            switch p {
            case .agent(let id): return quote(info.agents[id.index].id)
            case .user: return quote("user")
            case .system: return quote("system")
            case .environment: return quote("environment")
            }
        }
        var lines = ["digraph palaver {", "  label=\(quote(info.title));", "  node [shape=box, style=rounded];"]
        for a in info.agents { lines.append("  \(quote(a.id)) [label=\"\(escaped(a.name))\\n\(escaped(a.role))\"];") }
        let maxCount = max(1, projection.edges.values.max() ?? 1)
        for (edge, count) in projection.edges.sorted(by: { ($0.key.to.index, node($0.key.from)) < ($1.key.to.index, node($1.key.from)) }) {
            let width = 1 + 3 * Double(count) / Double(maxCount)
            lines.append("  \(node(edge.from)) -> \(quote(info.agents[edge.to.index].id)) [label=\"\(count)\", penwidth=\(String(format: "%.1f", width))];")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
