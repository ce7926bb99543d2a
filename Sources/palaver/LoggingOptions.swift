import ArgumentParser
import Foundation
import Logging

/// Diagnostics go to stderr, or to a file when the screen owns the terminal.
struct LoggingOptions: ParsableArguments {
    @Option(help: "Write diagnostics to this file instead of stderr.")
    var log: String?

    @Flag(help: "Log more detail.")
    var verbose = false

    func bootstrap(screenOwnsTerminal: Bool) -> Logger {
        let level: Logger.Level = verbose ? .debug : .warning
        let path = log
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler
            if let path, let file = FileLogHandler(label: label, path: path) {
                handler = file
            } else if screenOwnsTerminal {
                handler = SwiftLogNoOpLogHandler()
            } else {
                handler = StreamLogHandler.standardError(label: label)
            }
            handler.logLevel = level
            return handler
        }
        return Logger(label: "palaver")
    }
}

/// Appends log lines to a file.
struct FileLogHandler: LogHandler {
    let label: String
    let handle: FileHandle
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init?(label: String, path: String) {
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { return nil }
        handle.seekToEndOfFile()
        self.label = label
        self.handle = handle
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let extra = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " ")
        let line = "\(ISO8601DateFormatter().string(from: Date())) \(event.level) \(label): \(event.message)\(extra)\n"
        handle.write(Data(line.utf8))
    }
}
