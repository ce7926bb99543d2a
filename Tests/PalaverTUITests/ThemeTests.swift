import Foundation
import Testing
@testable import PalaverTUI
@testable import PalaverEngine

@Suite struct ThemeTests {
    let loader = ThemeLoader(directories: ["themes"])

    @Test func base16PaletteLayoutIsUsedAsPublished() throws {
        let theme = try loader.load("base16-tomorrow-night")
        #expect(theme.background == .rgb(0x1D, 0x1F, 0x21))
        #expect(theme.text == .rgb(0xC5, 0xC8, 0xC6))
        #expect(theme.error == .rgb(0xCC, 0x66, 0x66))
        #expect(theme.accent == .rgb(0x81, 0xA2, 0xBE))
        #expect(theme.agents.count == 8)
    }

    @Test func base16FlatLayoutIsUsedAsPublished() throws {
        let theme = try loader.load("base16-solarized-dark")
        #expect(theme.background == .rgb(0x00, 0x2B, 0x36))
        #expect(theme.muted == .rgb(0x65, 0x7B, 0x83))
        #expect(theme.warning == .rgb(0xB5, 0x89, 0x00))
    }

    @Test func shippedThemesAllLoad() throws {
        let names = loader.available()
        for required in ["palaver-dark", "palaver-light", "high-contrast", "base16-tomorrow-night", "base16-solarized-dark"] {
            #expect(names.contains(required))
        }
        for name in names { _ = try loader.load(name) }
    }

    /// Text cells once fell back to the terminal's own background while padding had the
    /// theme's: a patchwork on a terminal of the other brightness. Every screen, every theme.
    @Test func everyCellGetsTheThemesBackgroundInEveryShippedTheme() throws {
        let base = try ScreenFixtures.state(steps: 6)
        var screens: [(String, AppState)] = [("live", base)]
        var help = base; help.mode = .help(scroll: 0); screens.append(("help", help))
        var compose = base; compose.mode = .compose("@maya what now?"); screens.append(("compose", compose))
        var detail = base; detail.mode = .detail(messageID: base.projection.log[1].message.id); screens.append(("detail", detail))
        var replay = base; replay.replay = ReplayStatus(path: "x.jsonl"); replay.focus = .log; replay.logSelection = 2; screens.append(("replay", replay))
        var notice = base; notice.say("no such theme 'x' (keeping palaver-dark) and a long tail that is cut off at the edge of the screen", error: true)
        screens.append(("notice", notice))
        var small = base; small.width = 30; small.height = 8; screens.append(("too small", small))
        var narrow = base; narrow.width = 60; narrow.height = 20; screens.append(("narrow", narrow))
        var checked = 0
        for name in loader.available() {
            let theme = try loader.load(name)
            guard theme.background != .default else { continue }
            for (label, screen) in screens {
                var state = screen
                state.theme = theme
                let buffer = AppView.render(state)
                let bare = buffer.cells.indices.filter { buffer.cells[$0].style.background == .default }
                #expect(bare.isEmpty, "\(name), \(label): \(bare.count) cells on the terminal's background, first at x \(bare.first.map { $0 % buffer.width } ?? 0), y \(bare.first.map { $0 / buffer.width } ?? 0)")
            }
            checked += 1
        }
        #expect(checked >= 3, "palaver-light, base16-solarized-dark and base16-tomorrow-night have their own backgrounds")
    }

    @Test func malformedThemesNameFileAndField() {
        func failure(_ yaml: String) -> String {
            do { _ = try loader.parse(yaml, path: "themes/bad.yaml"); return "no error" } catch { return error.description }
        }
        #expect(failure("text: \"#12345\"\n") == "themes/bad.yaml: text: '#12345' is not a colour (use #rrggbb, a number 0–255, or default)")
        #expect(failure("palette:\n  base00: \"000000\"\n").hasPrefix("themes/bad.yaml: palette.base01: missing"))
        #expect(failure("base00: \"zzzzzz\"\n").hasPrefix("themes/bad.yaml: base00: 'zzzzzz' is not a colour"))
        #expect(failure("- just a list\n") == "themes/bad.yaml: expected a mapping of fields")
        #expect(failure("agents: []\n").hasPrefix("themes/bad.yaml: agents:"))
    }

    @Test func aBadThemeFallsBackToTheDefaultWithAMessage() throws {
        let dir = NSTemporaryDirectory() + "palaver-themes-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "accent: purple-ish\n".write(toFile: dir + "/broken.yaml", atomically: true, encoding: .utf8)
        let (theme, problem) = WorkbenchTheme.choose("broken", loader: ThemeLoader(directories: [dir]))
        #expect(theme == .defaultDark)
        #expect(problem?.contains("broken.yaml: accent") == true)
        let (_, missing) = WorkbenchTheme.choose("nope", loader: ThemeLoader(directories: [dir]))
        #expect(missing?.contains("no such theme") == true)
    }

    @Test func coloursDegradeTo256And16And8() {
        let c256 = TerminalColors(count: 256), c16 = TerminalColors(count: 16), c8 = TerminalColors(count: 8)
        #expect(c256.number(for: .rgb(255, 0, 0)) == 196)
        #expect(c256.number(for: .rgb(128, 128, 128)) == 244)
        #expect(c16.number(for: .rgb(250, 10, 10)) == 9)
        #expect(c8.number(for: .rgb(250, 10, 10)) == 1)
        #expect(c16.number(for: .indexed(196)) == 9)
        #expect(c16.number(for: .default) == -1)
        #expect(TerminalColors(count: 0).number(for: .rgb(1, 2, 3)) == -1)
    }
}
