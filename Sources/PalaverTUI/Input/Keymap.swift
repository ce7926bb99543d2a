/// Everything a key can do in the workbench.
public enum Action: Hashable, Sendable {
    case togglePause, stepOnce, faster, slower
    case focusNext, focusPrevious
    case scrollDown, scrollUp, pageDown, pageUp, scrollTop, scrollBottom
    case openMessage, filter, compose, reply, editMessage, dropMessage
    case mute, takeOver, toggleGraph, bullwhip, cycleTheme, commandMode, help, quit
    case inspectCall, toggleBreakpoint, breakpointList
    case eventBack, stepForward, stepBack, nextMessage, previousMessage, jumpForward, jumpBack, fork
    case restoreMessage, mailboxes, toggleChatter
}

/// The workbench's keys, in one table: key handling and the `?` help overlay
/// are both generated from it, so they cannot disagree.
public struct Keymap: Sendable {
    public struct Binding: Sendable {
        public var keys: [Key]
        /// How the keys are shown in help, when not simply listed.
        public var label: String?
        public var action: Action
        public var help: String
        public var section: String
        /// What the key does in a replay, when that differs; "" leaves it out of a replay's help.
        public var replayHelp: String?

        init(keys: [Key], label: String? = nil, action: Action, help: String, section: String, replayHelp: String? = nil) {
            self.keys = keys
            self.label = label
            self.action = action
            self.help = help
            self.section = section
            self.replayHelp = replayHelp
        }
    }

    /// Sections whose keys mean something only live, or only in a replay: help leaves out the other kind.
    static let liveSections: Set<String> = ["Step in"]
    static let replaySections: Set<String> = ["Replay"]

    public let bindings: [Binding]

    public static let standard = Keymap(bindings: [
        Binding(keys: [.char(" ")], action: .togglePause, help: "pause / resume", section: "Run", replayHelp: "play / pause"),
        Binding(keys: [.char(".")], action: .stepOnce, help: "step once (pauses)", section: "Run", replayHelp: ""),
        Binding(keys: [.char("+"), .char("=")], label: "+ -", action: .faster, help: "faster / slower", section: "Run",
                replayHelp: "faster / slower (0.25× to 64×; :speed max)"),
        Binding(keys: [.char("-"), .char("_")], action: .slower, help: "", section: "Run"),
        Binding(keys: [.char("i")], action: .compose, help: "inject: @name text, @a @b text, text (all), as:name text", section: "Step in"),
        Binding(keys: [.char("r")], action: .reply, help: "reply as the agent you took over", section: "Step in"),
        Binding(keys: [.char("t")], action: .takeOver, help: "take over / hand back the focused agent", section: "Step in"),
        Binding(keys: [.char("m")], action: .mute, help: "mute / unmute the focused agent", section: "Step in"),
        Binding(keys: [.char("e")], label: "e d u", action: .editMessage, help: "edit · drop · restore (u) the selected log message while unread", section: "Step in"),
        Binding(keys: [.char("d")], action: .dropMessage, help: "", section: "Step in"),
        Binding(keys: [.char("u")], action: .restoreMessage, help: "", section: "Step in"),
        Binding(keys: [.char(",")], label: ". ,", action: .eventBack, help: "one event forward / back", section: "Replay"),
        Binding(keys: [.right], label: "→ ←", action: .stepForward, help: "one step forward / back", section: "Replay"),
        Binding(keys: [.left], action: .stepBack, help: "", section: "Replay"),
        Binding(keys: [.char("]")], label: "] [", action: .nextMessage, help: "next / previous message of the focused agent", section: "Replay"),
        Binding(keys: [.char("[")], action: .previousMessage, help: "", section: "Replay"),
        Binding(keys: [.char("}")], label: "} {", action: .jumpForward, help: "10 % forward / back (:goto STEP or :goto MM:SS)", section: "Replay"),
        Binding(keys: [.char("{")], action: .jumpBack, help: "", section: "Replay"),
        Binding(keys: [.char("f")], action: .fork, help: "fork: continue live from here, to step in (asks for models and steps)", section: "Replay"),
        Binding(keys: [.char("c")], action: .inspectCall, help: "inspect the model call behind the selected message or focused pane", section: "Debug"),
        Binding(keys: [.char("b")], action: .toggleBreakpoint, help: "break before the focused agent speaks (again: clear)", section: "Debug"),
        Binding(keys: [.char("B")], action: .breakpointList, help: "list / delete breakpoints (:break text WORDS, /REGEX/, error, fallback, step N)", section: "Debug"),
        Binding(keys: [.tab], label: "Tab S-Tab", action: .focusNext, help: "move focus between panes", section: "Move"),
        Binding(keys: [.backTab], action: .focusPrevious, help: "", section: "Move"),
        Binding(keys: [.char("j"), .down], label: "j k ↑ ↓", action: .scrollDown, help: "scroll / select", section: "Move"),
        Binding(keys: [.char("k"), .up], action: .scrollUp, help: "", section: "Move"),
        Binding(keys: [.pageDown, .ctrl("d")], label: "PgUp PgDn", action: .pageDown, help: "scroll a page", section: "Move"),
        Binding(keys: [.pageUp, .ctrl("u")], action: .pageUp, help: "", section: "Move"),
        Binding(keys: [.char("g"), .home], label: "g G", action: .scrollTop, help: "top / bottom (G follows the log)", section: "Move"),
        Binding(keys: [.char("G"), .end], action: .scrollBottom, help: "", section: "Move"),
        Binding(keys: [.enter], action: .openMessage, help: "open the selected message: the model call behind it, or the message in full", section: "Move"),
        Binding(keys: [.char("/")], action: .filter, help: "filter the log: words @NAME from:NAME to:NAME kind:KIND", section: "Move"),
        Binding(keys: [.char("p")], action: .toggleGraph, help: "graph pane: who talks / learned policy or plan", section: "View"),
        Binding(keys: [.char("w")], action: .bullwhip, help: "weeks: bullwhip chart (:chart)", section: "View"),
        Binding(keys: [.char("M")], action: .mailboxes, help: "mailboxes: what waits for each agent, and its next memory window", section: "View"),
        Binding(keys: [.char("a")], action: .toggleChatter, help: "hide / show algorithm chatter (DCOP values, MGM gains)", section: "View"),
        Binding(keys: [.char("T")], action: .cycleTheme, help: "next theme", section: "View"),
        Binding(keys: [.char(":")], action: .commandMode, help: ":speed 4 :inject … :pause :resume :break … :save :theme NAME :quit", section: "View",
                replayHelp: ":goto STEP :goto MM:SS :speed 4 :break … :theme NAME :quit"),
        Binding(keys: [.char("?")], label: "? q", action: .help, help: "this help · quit (also Ctrl-C)", section: "View"),
        Binding(keys: [.char("q"), .ctrl("c")], action: .quit, help: "", section: "View"),
    ])

    public func action(for key: Key) -> Action? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    /// Help lines, grouped by section, for the overlay: every key.
    public var helpSections: [(title: String, lines: [(keys: String, text: String)])] { sections { $0.help } }

    /// Help lines for a live run, or for a replay: only the keys that work there, as they work there.
    public func helpSections(replay: Bool) -> [(title: String, lines: [(keys: String, text: String)])] {
        sections { binding in
            if replay ? Self.liveSections.contains(binding.section) : Self.replaySections.contains(binding.section) { return "" }
            return replay ? binding.replayHelp ?? binding.help : binding.help
        }
    }

    private func sections(_ text: (Binding) -> String) -> [(title: String, lines: [(keys: String, text: String)])] {
        var sections: [(String, [(String, String)])] = []
        for binding in bindings where !binding.help.isEmpty {
            let help = text(binding)
            guard !help.isEmpty else { continue }
            let keys = binding.label ?? binding.keys.map(\.description).joined(separator: " ")
            if let i = sections.firstIndex(where: { $0.0 == binding.section }) {
                sections[i].1.append((keys, help))
            } else {
                sections.append((binding.section, [(keys, help)]))
            }
        }
        return sections.map { (title: $0.0, lines: $0.1.map { (keys: $0.0, text: $0.1) }) }
    }
}
