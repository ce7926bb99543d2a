import Foundation
import Yams

/// Reads scenario YAML, checking every field and naming file, line and field
/// in each error. Unknown fields are errors too: a typo should not be ignored.
public struct ScenarioLoader {
    /// Folders searched for scenarios by name, in order.
    public var directories: [String]

    public init(directories: [String] = ScenarioLoader.defaultDirectories()) {
        self.directories = directories
    }

    /// `scenarios/` next to the working directory, then next to the executable's package.
    public static func defaultDirectories() -> [String] {
        var dirs = ["scenarios"]
        if let home = ProcessInfo.processInfo.environment["XDG_CONFIG_HOME"] ?? ProcessInfo.processInfo.environment["HOME"].map({ $0 + "/.config" }) {
            dirs.append(home + "/palaver/scenarios")
        }
        return dirs
    }

    /// Names of the scenarios found in the search folders, plus the built-in default.
    public func available() -> [(name: String, path: String?)] {
        var found: [(String, String?)] = [(Scenario.defaultName, nil)]
        var seen: Set<String> = [Scenario.defaultName]
        for dir in directories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            for file in files.sorted() where file.hasSuffix(".yaml") || file.hasSuffix(".yml") {
                let name = String(file.prefix(upTo: file.lastIndex(of: ".")!))
                if seen.insert(name).inserted { found.append((name, dir + "/" + file)) }
            }
        }
        return found
    }

    /// Loads a scenario by name (from the search folders, or the built-in
    /// default) or by path (anything with a `/` or ending in `.yaml`).
    public func load(_ nameOrPath: String?) throws(ScenarioError) -> Scenario {
        guard let nameOrPath, !nameOrPath.isEmpty, nameOrPath != Scenario.defaultName else { return Scenario.builtIn }
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml") {
            return try load(path: nameOrPath)
        }
        for dir in directories {
            for ext in ["yaml", "yml"] {
                let path = "\(dir)/\(nameOrPath).\(ext)"
                if FileManager.default.fileExists(atPath: path) { return try load(path: path) }
            }
        }
        // A file that is there but is no scenario deserves to be told apart from a typo.
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: nameOrPath, isDirectory: &isDirectory) {
            let ext = URL(fileURLWithPath: nameOrPath).pathExtension.sanitizedForTerminal(singleLine: true)
            let what = isDirectory.boolValue ? "a directory" : ext.isEmpty ? "a file without an extension" : "a .\(ext.excerpt(20)) file"
            throw ScenarioError(path: nameOrPath, reason: "not a scenario file: it is \(what), and a scenario is a YAML file ending in .yaml or .yml (names: palaver list)")
        }
        let known = available().map(\.name).joined(separator: ", ")
        throw ScenarioError(path: nameOrPath, reason: "no such scenario (known: \(known))")
    }

    public func load(path: String) throws(ScenarioError) -> Scenario {
        let text: String
        do { text = try BoundedYAML.readFile(path) } catch { throw ScenarioError(path: path, line: error.line, reason: error.reason) }
        var scenario = try parse(text, path: path)
        scenario.path = path
        return scenario
    }

    public func parse(_ text: String, path: String) throws(ScenarioError) -> Scenario {
        let node: Node?
        do { node = try BoundedYAML.compose(text) } catch { throw ScenarioError(path: path, line: error.line, reason: error.reason) }
        guard let node else { throw ScenarioError(path: path, reason: "the file is empty") }
        let fallbackName = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try ScenarioReader(path: path).scenario(from: node, fallbackName: fallbackName)
    }
}
