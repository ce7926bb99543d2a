import Foundation
import Yams
import PalaverEngine

/// Finds and reads theme files: Palaver's own layout, or a base16 scheme as
/// published (the `palette:` layout or the older flat one).
public struct ThemeLoader: Sendable {
    public var directories: [String]

    public init(directories: [String] = ThemeLoader.defaultDirectories()) { self.directories = directories }

    public static func defaultDirectories() -> [String] {
        var dirs = ["themes"]
        let env = ProcessInfo.processInfo.environment
        if let config = env["XDG_CONFIG_HOME"] ?? env["HOME"].map({ $0 + "/.config" }) { dirs.append(config + "/palaver/themes") }
        return dirs
    }

    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var path: String
        public var field: String?
        public var reason: String
        public var description: String { field.map { "\(path): \($0): \(reason)" } ?? "\(path): \(reason)" }
    }

    /// Theme names found, sorted, with the built-in default first.
    public func available() -> [String] {
        var names: [String] = [Theme.defaultDark.name]
        for dir in directories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            for file in files.sorted() where file.hasSuffix(".yaml") || file.hasSuffix(".yml") {
                let name = String(file[..<file.lastIndex(of: ".")!])
                if !names.contains(name) { names.append(name) }
            }
        }
        return names
    }

    public func path(for name: String) -> String? {
        if name.contains("/") { return name }
        for dir in directories {
            for ext in ["yaml", "yml"] where FileManager.default.fileExists(atPath: "\(dir)/\(name).\(ext)") {
                return "\(dir)/\(name).\(ext)"
            }
        }
        return nil
    }

    public func load(_ name: String) throws(Failure) -> Theme {
        guard let path = path(for: name) else {
            if name == Theme.defaultDark.name { return .defaultDark }
            throw Failure(path: name, reason: "no such theme (known: \(available().joined(separator: ", ")))")
        }
        let text: String
        do { text = try BoundedYAML.readFile(path, limits: ThemeLoader.limits) } catch {
            throw Failure(path: path, reason: error.reason)
        }
        return try parse(text, path: path)
    }

    /// A theme is a few dozen colours: anything much bigger is refused before it is built.
    static let limits: BoundedYAML.Limits = {
        var l = BoundedYAML.Limits()
        l.bytes = 1 << 20
        l.expandedNodes = 100_000
        l.aliases = 1_000
        return l
    }()

    public func parse(_ text: String, path: String) throws(Failure) -> Theme {
        let root: Any?
        do { root = try BoundedYAML.load(text, limits: ThemeLoader.limits) } catch {
            throw Failure(path: path, reason: error.description)
        }
        guard let map = root as? [String: Any] else { throw Failure(path: path, reason: "expected a mapping of fields") }
        let fileName = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent

        // base16, palette layout.
        if let palette = map["palette"] {
            guard let colors = palette as? [String: Any] else { throw Failure(path: path, field: "palette", reason: "expected base00…base0F") }
            return Theme(base16: try base16(colors, path: path, prefix: "palette."), name: fileName)
        }
        // base16, the older flat layout.
        if map["base00"] != nil {
            return Theme(base16: try base16(map, path: path, prefix: ""), name: fileName)
        }
        // Palaver's own layout: every slot optional, falling back to the default theme.
        var theme = Theme.defaultDark
        theme.name = fileName
        func slot(_ key: String, _ keyPath: WritableKeyPath<Theme, Color>) throws(Failure) {
            guard let value = map[key] else { return }
            theme[keyPath: keyPath] = try color(value, path: path, field: key)
        }
        try slot("background", \.background)
        try slot("panel", \.panel)
        try slot("border", \.border)
        try slot("focus", \.focus)
        try slot("text", \.text)
        try slot("muted", \.muted)
        try slot("accent", \.accent)
        try slot("selection", \.selection)
        try slot("error", \.error)
        try slot("warning", \.warning)
        try slot("ok", \.ok)
        try slot("info", \.info)
        try slot("special", \.special)
        if let agents = map["agents"] {
            guard let list = agents as? [Any], !list.isEmpty else { throw Failure(path: path, field: "agents", reason: "expected a list of colours") }
            var colors: [Color] = []
            for (i, item) in list.enumerated() { colors.append(try color(item, path: path, field: "agents[\(i)]")) }
            theme.agents = colors
        }
        return theme
    }

    private func base16(_ map: [String: Any], path: String, prefix: String) throws(Failure) -> [Color] {
        var colors: [Color] = []
        for i in 0..<16 {
            let key = String(format: "base%02X", i)
            guard let value = map[key] ?? map[key.lowercased()] else {
                throw Failure(path: path, field: prefix + key, reason: "missing: a base16 scheme needs base00 to base0F")
            }
            colors.append(try color(value, path: path, field: prefix + key))
        }
        return colors
    }

    private func color(_ value: Any, path: String, field: String) throws(Failure) -> Color {
        let text = "\(value)"
        guard let color = Color(parsing: text) else {
            throw Failure(path: path, field: field, reason: "'\(text.excerpt())' is not a colour (use #rrggbb, a number 0–255, or default)")
        }
        return color
    }
}
