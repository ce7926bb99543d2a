import ArgumentParser
import Foundation
import PalaverEngine

@main
struct Palaver: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "palaver",
        abstract: "A terminal workbench for multi-agent systems built on language models.",
        discussion: """
            Run with no arguments to start the default scenario with the offline model (no key needed).
            Exit codes: 0 success, 2 bad input, 1 internal failure.
            """,
        version: PalaverVersion.current,
        subcommands: [RunCommand.self, ReplayCommand.self, ForkCommand.self, DiffCommand.self, ExportCommand.self, ModelsCommand.self, ListCommand.self, TrainCommand.self, EvalCommand.self, SolveCommand.self, GenerateCommand.self, BenchCommand.self, WorkerCommand.self, PullCommand.self, RunsCommand.self, AttachCommand.self],
        defaultSubcommand: RunCommand.self
    )

    /// Parses and runs, mapping failures to our exit codes: 2 for bad input
    /// with a one-line message, 1 for anything internal.
    static func main() async {
        let arguments = Self.attachingNegativeValues(Array(CommandLine.arguments.dropFirst()))
        // A file-size limit (ulimit -f) then fails the write like a full disk,
        // which the run reports, instead of killing the process silently.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as BadInput {
            fail(error.message, code: 2)
        } catch let error as ExitCode {
            Foundation.exit(error.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help and --version.
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            if code == .validationFailure || error is ValidationError || code.rawValue == 64 {
                let message = Palaver.message(for: error).split(separator: "\n").first.map(String.init) ?? "bad arguments"
                fail("\(message.prefix(1).lowercased() + message.dropFirst()) (see 'palaver \(arguments.first.map { $0.hasPrefix("-") ? "" : $0 + " " } ?? "")--help')", code: 2)
            }
            fail("internal error: \(Palaver.message(for: error))", code: 1)
        }
    }

    /// Messages quote files and servers, which are untrusted: one cleaned line,
    /// cut short if a file managed to put a whole event into it.
    static func fail(_ message: String, code: Int32) -> Never {
        HeadlessOutput.notice(message.excerpt(Palaver.messageLimit))
        Foundation.exit(code)
    }

    static func warn(_ message: String) {
        HeadlessOutput.notice("warning: \(message.excerpt(Palaver.messageLimit))")
    }

    static let messageLimit = 2000

    /// `--steps -3` would read as a flag `-3` and fail with "missing value";
    /// written `--steps=-3` it reaches the option's own check, which says what is wrong.
    static func attachingNegativeValues(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { out += arguments[i...]; break }
            if a.hasPrefix("--"), a.count > 2, !a.contains("="), i + 1 < arguments.count, isNegativeNumber(arguments[i + 1]) {
                out.append(a + "=" + arguments[i + 1])
                i += 2
                continue
            }
            out.append(a)
            i += 1
        }
        return out
    }

    static func isNegativeNumber(_ text: String) -> Bool {
        guard text.hasPrefix("-"), text.count > 1 else { return false }
        return Double(text) != nil
    }
}

/// Bad input from the user — a flag, a file, a name — with the message to show.
struct BadInput: Error {
    let message: String
    init(_ message: String) { self.message = message }
    init(_ error: any Error) { self.message = "\(error)" }
}

extension Speed {
    /// Parses `--speed`, explaining the accepted range when the value is off.
    static func parseArgument(_ text: String) throws -> Speed {
        guard let speed = Speed(parsing: text) else {
            throw ValidationError("speed must be 0.25 to 64 (times real time) or max, not '\(text)'")
        }
        return speed
    }
}
