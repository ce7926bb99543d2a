import Foundation
import PalaverModels

/// llama-cpp-python's server with SmolLM2-135M-Instruct, from the venv `scripts/llama-server install`
/// builds (in `.build/llama-venv`, or where PALAVER_LLAMA_VENV points; PALAVER_LLAMA_VENV=off turns
/// the tests that need it off). Each test starts its own on a free loopback port and stops it.
final class LlamaServer: @unchecked Sendable {
    static let defaultVenv = ".build/llama-venv"

    /// The installed venv, or nil.
    static var venv: String? {
        let setting = ProcessInfo.processInfo.environment["PALAVER_LLAMA_VENV"] ?? ""
        if setting == "off" { return nil }
        let path = setting.isEmpty ? defaultVenv : setting
        return FileManager.default.fileExists(atPath: path + "/palaver-ready") ? path : nil
    }

    /// Why the tests that need the server are skipped, when they are.
    static var unavailable: String {
        let setting = ProcessInfo.processInfo.environment["PALAVER_LLAMA_VENV"] ?? ""
        if setting == "off" { return "turned off (PALAVER_LLAMA_VENV=off)" }
        return "no llama.cpp server installed in \(setting.isEmpty ? defaultVenv : setting) (run scripts/llama-server install)"
    }

    let process = Process()
    let port: Int
    let log: String
    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// Starts the server and returns once it lists its model; throws if it dies first.
    init(logDirectory: String) async throws {
        guard let venv = Self.venv else { throw Failure(description: Self.unavailable) }
        port = try Loopback.freePort()
        log = logDirectory + "/llama-server.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["scripts/llama-server", "serve", String(port)]
        process.environment = ProcessInfo.processInfo.environment.merging(["PALAVER_LLAMA_VENV": venv]) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: log)
        process.standardError = process.standardOutput
        try process.run()
        // Loading the model takes a few seconds; ask until it answers.
        while true {
            guard process.isRunning else {
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                throw Failure(description: "the llama.cpp server exited while starting:\n" + text.suffix(2000))
            }
            if let models = try? await NetworkModels.listModels(baseURL: baseURL, apiKey: nil), !models.isEmpty { return }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Stops the server and waits until it is gone, so that nothing answers on its port any more.
    /// SIGKILL: a test's server has nothing to save, and SIGINT may be ignored where the tests were started
    /// in the background.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }

    struct Failure: Error, CustomStringConvertible { let description: String }
}
