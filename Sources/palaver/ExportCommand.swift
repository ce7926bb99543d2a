import ArgumentParser
import Foundation
import PalaverEngine
import PalaverTUI

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a session: a Markdown transcript, chat messages per agent as JSON, or the interaction graph as DOT."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case markdown, json, dot }

    @Argument(help: "A session file (.jsonl).")
    var path: String

    @Option(help: "markdown, json (OpenAI-style chat messages per agent) or dot (Graphviz).")
    var format: Format = .markdown

    @Option(name: .shortAndLong, help: "Write to this file instead of stdout.")
    var output: String?

    func run() throws {
        let events = try SessionLoading.events(path)
        let text = SessionExporter.export(events, format: SessionExporter.Format(rawValue: format.rawValue)!)
        try TextOutput.emit(text, to: output, json: format == .json)
    }
}

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Find where two sessions' conversations first differ, and show what each said next.",
        discussion: "Exit status as diff(1): 0 identical, 1 different, 2 bad input."
    )

    @Argument(help: "The first session (say, the parent).")
    var a: String

    @Argument(help: "The second session (say, its fork).")
    var b: String

    @Flag(help: "Print as text instead of showing it side by side in the terminal.")
    var headless = false

    @Option(help: "How many messages to show after the divergence.")
    var context = 8

    func run() throws {
        let diff = SessionDiff(try SessionLoading.events(a), try SessionLoading.events(b))
        if !headless && isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1 {
            var screen = DiffScreen(diff: diff, nameA: a, nameB: b, theme: WorkbenchTheme.noColor ? .monochrome : .defaultDark)
            screen.run(noColor: WorkbenchTheme.noColor)
            if !diff.identical { throw ExitCode(1) }
            return
        }
        var width = 160
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 40 { width = Int(size.ws_col) }
        print(diff.report(nameA: a, nameB: b, width: width, following: max(1, context)), terminator: "")
        if !diff.identical { throw ExitCode(1) }
    }
}

/// Reads a whole session for the commands that need it all, with clean errors.
enum SessionLoading {
    static func events(_ path: String) throws -> [Event] {
        do {
            var reader = try SessionReader(path: path)
            let events = try reader.readAll()
            for warning in reader.warnings { Palaver.warn(warning) }
            return events
        } catch let error as SessionError {
            throw BadInput(error)
        }
    }
}
