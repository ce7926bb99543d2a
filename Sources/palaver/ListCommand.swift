import ArgumentParser
import Foundation
import PalaverEngine

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List scenarios, themes and recorded sessions."
    )

    func run() throws {
        let loader = ScenarioLoader()
        print("Scenarios (palaver run NAME):")
        let available = loader.available()
        let width = max(14, available.map(\.0.count).max() ?? 0)
        for (name, path) in available {
            let title: String
            if let path {
                do { title = try loader.load(path: path).title } catch { title = "! \(error)" }
            } else {
                title = Scenario.builtIn.title + " (built in, the default)"
            }
            print("  \(name.padding(toLength: width, withPad: " ", startingAt: 0)) \(title.sanitizedForTerminal(singleLine: true))")
        }

        print("\nThemes (--theme NAME):")
        let themes = Self.files(in: "themes", endingIn: [".yaml", ".yml"])
        if themes.isEmpty { print("  (none yet)") }
        for theme in themes { print("  \(theme.dropLast(theme.hasSuffix(".yml") ? 4 : 5))") }

        print("\nSessions (palaver replay PATH):")
        let sessions = Self.files(in: SessionFiles.directory, endingIn: [".jsonl"], recursive: true)
        if sessions.isEmpty { print("  (none yet; every run records one)") }
        // Paths in a column, so what each session is reads down the right.
        let pathWidth = sessions.map { SessionFiles.directory.count + 1 + $0.count }.max() ?? 0
        for file in sessions {
            let path = "\(SessionFiles.directory)/\(file)"
            let padded = path.padding(toLength: max(pathWidth, path.count), withPad: " ", startingAt: 0)
            do {
                let reader = try SessionReader(path: path)
                var line = "  \(padded)  \(reader.info.scenario) · \(NumberText.counted(reader.info.agents.count, "agent")) · seed \(reader.info.seed)"
                if let parent = reader.header.parent {
                    line += " · forked from \(parent) at step \(reader.header.forkStep ?? 0)"
                }
                print(line.sanitizedForTerminal(singleLine: true))
            } catch {
                print("  \(padded)  ! \(error)".sanitizedForTerminal(singleLine: true))
            }
        }
    }

    static func files(in dir: String, endingIn suffixes: [String], recursive: Bool = false) -> [String] {
        let all: [String]
        if recursive {
            all = (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String]) ?? []
        } else {
            all = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        }
        return all.filter { name in suffixes.contains { name.hasSuffix($0) } }.sorted()
    }
}
