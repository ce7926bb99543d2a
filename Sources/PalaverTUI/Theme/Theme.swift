/// Colours by meaning. Widgets ask for `theme.error`, never for red.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var background: Color
    public var panel: Color
    public var border: Color
    public var focus: Color
    public var text: Color
    public var muted: Color
    public var accent: Color
    public var selection: Color
    public var error: Color
    public var warning: Color
    public var ok: Color
    public var info: Color
    public var special: Color
    /// One colour per agent, by roster position (or the agent's `color`).
    public var agents: [Color]

    public func agentColor(_ index: Int) -> Color {
        agents.isEmpty ? text : agents[((index % agents.count) + agents.count) % agents.count]
    }

    public static let defaultDark = Theme(
        name: "palaver-dark", background: .default, panel: .rgb(0x1C, 0x1E, 0x26), border: .rgb(0x3B, 0x3F, 0x51),
        focus: .rgb(0x7A, 0xA2, 0xF7), text: .rgb(0xC8, 0xCC, 0xD8), muted: .rgb(0x6B, 0x70, 0x89),
        accent: .rgb(0x7A, 0xA2, 0xF7), selection: .rgb(0x2E, 0x33, 0x46), error: .rgb(0xF7, 0x76, 0x8E),
        warning: .rgb(0xE0, 0xAF, 0x68), ok: .rgb(0x9E, 0xCE, 0x6A), info: .rgb(0x7D, 0xCF, 0xFF),
        special: .rgb(0xBB, 0x9A, 0xF7),
        agents: [.rgb(0x7A, 0xA2, 0xF7), .rgb(0x9E, 0xCE, 0x6A), .rgb(0xE0, 0xAF, 0x68), .rgb(0xBB, 0x9A, 0xF7),
                 .rgb(0x7D, 0xCF, 0xFF), .rgb(0xF7, 0x76, 0x8E), .rgb(0xFF, 0x9E, 0x64), .rgb(0x73, 0xDA, 0xCA)])

    /// No colours at all, for NO_COLOR: emphasis by attributes only.
    public static let monochrome = Theme(
        name: "no-color", background: .default, panel: .default, border: .default, focus: .default, text: .default,
        muted: .default, accent: .default, selection: .default, error: .default, warning: .default, ok: .default,
        info: .default, special: .default, agents: [.default])

    public var isMonochrome: Bool { self == Theme.monochrome || name == Theme.monochrome.name }

    /// A base16 scheme read the way DESIGN.md lays out: base00 background,
    /// base01 panels, base02 selection, base03 muted, base05 text, base08–0F accents and agents.
    public init(base16 colors: [Color], name: String) {
        precondition(colors.count == 16)
        self.init(name: name, background: colors[0], panel: colors[1], border: colors[2], focus: colors[0xD],
                  text: colors[5], muted: colors[3], accent: colors[0xD], selection: colors[2], error: colors[8],
                  warning: colors[0xA], ok: colors[0xB], info: colors[0xC], special: colors[0xE],
                  agents: [colors[0xD], colors[0xB], colors[0xA], colors[0xE], colors[0xC], colors[8], colors[9], colors[0xF]])
    }

    public init(name: String, background: Color, panel: Color, border: Color, focus: Color, text: Color, muted: Color,
                accent: Color, selection: Color, error: Color, warning: Color, ok: Color, info: Color, special: Color,
                agents: [Color]) {
        self.name = name
        self.background = background
        self.panel = panel
        self.border = border
        self.focus = focus
        self.text = text
        self.muted = muted
        self.accent = accent
        self.selection = selection
        self.error = error
        self.warning = warning
        self.ok = ok
        self.info = info
        self.special = special
        self.agents = agents
    }
}
