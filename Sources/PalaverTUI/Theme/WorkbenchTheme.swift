import Foundation

/// Picks the theme a session opens with, honouring NO_COLOR.
public enum WorkbenchTheme {
    /// True when the environment asks for no colour (https://no-color.org).
    public static var noColor: Bool {
        guard let value = ProcessInfo.processInfo.environment["NO_COLOR"] else { return false }
        return !value.isEmpty
    }

    /// The named theme (or the default), and why it fell back, if it did.
    public static func choose(_ name: String?, loader: ThemeLoader = ThemeLoader()) -> (Theme, String?) {
        guard let name, !name.isEmpty else { return (.defaultDark, nil) }
        do {
            return (try loader.load(name), nil)
        } catch {
            return (.defaultDark, "theme \(error); using the default theme")
        }
    }
}
