import Foundation

/// A `palaver` process left running (a worker, an engine), its output collected to files.
final class BackgroundPalaver: @unchecked Sendable {
    let pid: pid_t
    let stdoutPath: String
    let stderrPath: String
    private var status: Int32?

    /// - Parameter prefix: a command the binary runs under (`ip netns exec NS`).
    init(_ arguments: [String], in directory: String, name: String, environment: [String: String] = [:], prefix: [String] = []) throws {
        stdoutPath = directory + "/\(name).out"
        stderrPath = directory + "/\(name).err"
        pid = try Spawn.start(prefix + [URL(fileURLWithPath: PalaverProcess.binary).standardizedFileURL.path] + arguments,
                              stdout: stdoutPath, stderr: stderrPath, directory: directory, environment: environment)
    }

    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }

    /// kill -9: no goodbye to the broker.
    func kill() {
        guard status == nil else { return }
        Foundation.kill(pid, SIGKILL)
        _ = wait()
    }

    /// SIGTERM, then wait for it to finish.
    func stop() {
        guard status == nil else { return }
        Foundation.kill(pid, SIGTERM)
        _ = wait()
    }

    func wait() -> Int32 {
        if let status { return status }
        let result = Spawn.wait(pid)
        status = result
        return result
    }

    deinit { kill() }
}

/// Polls `condition` every 50 ms until it holds or `timeout` seconds pass (a bound against hanging, not a timing assertion).
func eventually(timeout: Double = 60, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(50_000)
    }
    return try condition()
}
