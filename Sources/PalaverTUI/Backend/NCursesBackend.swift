import CNCursesW
import Foundation

/// The real terminal, through ncursesw: writes only the cells that changed,
/// reads keys, mouse and resizes, and puts the terminal back as it found it.
public final class NCursesBackend: Backend {
    private let window: UnsafeMutablePointer<WINDOW>
    private let colors: TerminalColors
    private let useColor: Bool
    private var pairs: [PairKey: Int32] = [:]
    private var scratch: [wchar_t] = []
    private var ended = false

    private struct PairKey: Hashable { var fg: Int; var bg: Int }

    /// Takes over the terminal. `noColor` draws with attributes only.
    public init(noColor: Bool) {
        if setlocale(LC_ALL, "") == nil || !NCursesBackend.localeIsUTF8() {
            // Wide characters need a UTF-8 locale; fall back to C.UTF-8 when the environment has none.
            setlocale(LC_ALL, "C.UTF-8")
        }
        TerminalGuard.install()
        guard let win = initscr() else { fatalError("ncurses could not start: is TERM set?") }
        window = win
        cbreak()
        noecho()
        nonl()
        keypad(win, true)
        intrflush(win, false)
        palaver_set_escdelay(25)
        curs_set(0)
        mousemask(palaver_mouse_mask_wanted(), nil)
        mouseinterval(0)
        var colorCount = 0
        if !noColor && has_colors() {
            start_color()
            use_default_colors()
            colorCount = Int(palaver_colors())
        }
        useColor = colorCount > 0
        colors = TerminalColors(count: colorCount)
        wclear(win)
    }

    static func localeIsUTF8() -> Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    public var width: Int { Int(getmaxx(window)) }
    public var height: Int { Int(getmaxy(window)) }
    public var colorCount: Int { colors.count }

    private func pair(for style: Style) -> Int32 {
        guard useColor else { return 0 }
        let key = PairKey(fg: colors.number(for: style.foreground), bg: colors.number(for: style.background))
        if key.fg == -1 && key.bg == -1 { return 0 }
        if let cached = pairs[key] { return cached }
        let made = alloc_pair(Int32(key.fg), Int32(key.bg))
        let value = made < 0 ? 0 : made
        pairs[key] = value
        return value
    }

    private func attributes(for style: Style) -> attr_t {
        var a = palaver_a_normal()
        if style.attributes.contains(.bold) { a |= palaver_a_bold() }
        if style.attributes.contains(.dim) { a |= palaver_a_dim() }
        if style.attributes.contains(.italic) { a |= palaver_a_italic() }
        if style.attributes.contains(.underline) { a |= palaver_a_underline() }
        if style.attributes.contains(.reverse) { a |= palaver_a_reverse() }
        return a
    }

    /// Writes each chunk of one style at the column the buffer gives it. The
    /// buffer measures with `DisplayWidth`; ncurses advances by libc `wcwidth`,
    /// and the two disagree on some clusters (emoji joined by ZWJ, skin tones,
    /// some variation selectors). Such a cell is written alone, as a stand-in
    /// that libc measures as the buffer does, so nothing after it shifts.
    public func apply(_ diff: BufferDiff) {
        for run in diff.runs {
            var i = 0
            while i < run.cells.count {
                let style = run.cells[i].style
                var startX: Int?
                scratch.removeAll(keepingCapacity: true)
                while i < run.cells.count, run.cells[i].style == style {
                    let cell = run.cells[i]
                    // Continuation cells are covered by their wide character.
                    if cell.isContinuation { i += 1; continue }
                    if NCursesBackend.libcWidth(of: cell) != Int(cell.width) {
                        guard scratch.isEmpty else { break }
                        startX = run.x + i
                        appendStandIn(for: cell)
                        i += 1
                        break
                    }
                    if startX == nil { startX = run.x + i }
                    if let scalar = cell.scalar {
                        scratch.append(wchar_t(bitPattern: scalar))
                    } else {
                        for scalar in cell.character.unicodeScalars { scratch.append(wchar_t(bitPattern: scalar.value)) }
                    }
                    i += 1
                }
                guard let startX, !scratch.isEmpty else { continue }
                let pair = pair(for: style)
                let attrs = attributes(for: style)
                scratch.withUnsafeBufferPointer { text in
                    _ = palaver_put(window, Int32(run.y), Int32(startX), text.baseAddress, Int32(text.count), attrs, pair)
                }
            }
        }
    }

    /// Columns libc gives a cell's character; -1 for one it cannot print.
    static func libcWidth(of cell: Cell) -> Int {
        guard let scalar = cell.scalar else { return libcWidth(of: cell.character) }
        if scalar < 0x80 { return scalar >= 0x20 && scalar < 0x7F ? 1 : -1 }
        return Int(wcwidth(wchar_t(bitPattern: scalar)))
    }

    /// Columns libc gives a character (the sum over its scalars); -1 for one it cannot print.
    static func libcWidth(of character: Character) -> Int {
        if let ascii = character.asciiValue { return ascii >= 0x20 && ascii < 0x7F ? 1 : -1 }
        var total = 0
        for scalar in character.unicodeScalars {
            let w = Int(wcwidth(wchar_t(bitPattern: scalar.value)))
            if w < 0 { return -1 }
            total += w
        }
        return total
    }

    /// The cluster's first scalar when libc measures it no wider than the cell, padded with spaces to the cell's width.
    private func appendStandIn(for cell: Cell) {
        var used = 0
        if let first = cell.character.unicodeScalars.first {
            let w = Int(wcwidth(wchar_t(bitPattern: first.value)))
            if w > 0 && w <= Int(cell.width) {
                scratch.append(wchar_t(bitPattern: first.value))
                used = w
            }
        }
        for _ in used..<Int(cell.width) { scratch.append(wchar_t(bitPattern: 0x20)) }
    }

    public func present() {
        wnoutrefresh(window)
        doupdate()
    }

    /// Forces the next frame to be drawn from scratch (after a resize).
    public func invalidate() {
        wclear(window)
    }

    /// Waits up to `milliseconds` (negative: forever) for input.
    public func readInput(timeoutMilliseconds: Int) -> TerminalInput? {
        wtimeout(window, Int32(timeoutMilliseconds))
        var ch: wint_t = 0
        let result = wget_wch(window, &ch)
        if result == ERR { return nil }
        if result == palaver_key_code_yes() {
            let code = Int32(ch)
            if code == palaver_key_resize() { return .resize }
            if code == palaver_key_mouse() {
                var event = MEVENT()
                guard getmouse(&event) == OK else { return nil }
                let x = Int(event.x), y = Int(event.y)
                if event.bstate & palaver_button4() != 0 { return .mouse(.wheelUp(x: x, y: y)) }
                if event.bstate & palaver_button5() != 0 { return .mouse(.wheelDown(x: x, y: y)) }
                if event.bstate & palaver_button1() != 0 { return .mouse(.click(x: x, y: y)) }
                return nil
            }
            switch code {
            case KEY_UP: return .key(.up)
            case KEY_DOWN: return .key(.down)
            case KEY_LEFT: return .key(.left)
            case KEY_RIGHT: return .key(.right)
            case KEY_NPAGE: return .key(.pageDown)
            case KEY_PPAGE: return .key(.pageUp)
            case KEY_HOME: return .key(.home)
            case KEY_END: return .key(.end)
            case KEY_BTAB: return .key(.backTab)
            case KEY_BACKSPACE: return .key(.backspace)
            case KEY_DC: return .key(.delete)
            case KEY_ENTER: return .key(.enter)
            default:
                if code >= KEY_F0 && code <= KEY_F0 + 12 { return .key(.function(Int(code - KEY_F0))) }
                return nil
            }
        }
        return TerminalInput.decode(UInt32(ch))
    }

    public func shutdown() {
        guard !ended else { return }
        ended = true
        endwin()
        TerminalGuard.uninstall()
    }

    deinit { shutdown() }
}

/// What the terminal sent.
public enum TerminalInput: Equatable, Sendable {
    case key(Key)
    case mouse(MouseEvent)
    case resize

    /// A character code from the terminal, as a key.
    public static func decode(_ code: UInt32) -> TerminalInput? {
        switch code {
        case 27: return .key(.escape)
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 8, 127: return .key(.backspace)
        case 1...26: return .key(.ctrl(Character(Unicode.Scalar(code + 96)!)))
        case 0, 28...31: return nil
        default:
            guard let scalar = Unicode.Scalar(code), !(0x80..<0xA0).contains(code) else { return nil }
            return .key(.char(Character(scalar)))
        }
    }
}
