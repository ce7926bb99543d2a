import Foundation

/// Starts programs with posix_spawn and waits with waitpid, output to files:
/// no pipes for grandchildren (a broker, its epmd) to hold open, no reaping
/// thread to depend on.
enum Spawn {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func start(_ arguments: [String], stdout: String, stderr: String, directory: String? = nil,
                      environment: [String: String] = [:]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // A shell first lets go of descriptors beyond stdio (pipes other tests are reading must not be held
        // open by this child), changes directory (Glibc here lacks posix_spawn_file_actions_addchdir_np),
        // then becomes the program.
        let script = #"for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ] 2>/dev/null; then eval "exec $n>&-" 2>/dev/null; fi; done; cd "$0" && exec "$@""#
        let arguments = ["/bin/bash", "-c", script, directory ?? FileManager.default.currentDirectoryPath] + arguments
        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0)=\($1)" }
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        let status = posix_spawnp(&pid, arguments[0], &actions, nil, argv, envp)
        guard status == 0 else { throw Failure(description: "cannot start \(arguments[0]): \(String(cString: strerror(status)))") }
        return pid
    }

    /// Waits for the process to end; its exit status (128+signal when killed).
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if status & 0x7f == 0 { return (status >> 8) & 0xff }
        return 128 + (status & 0x7f)
    }

    /// Runs to the end and returns what it printed (stdout and stderr together).
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let log = NSTemporaryDirectory() + "palaver-spawn-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let pid = try start(arguments, stdout: log, stderr: log + ".err", environment: environment)
        let status = wait(pid)
        let text = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "") + ((try? String(contentsOfFile: log + ".err", encoding: .utf8)) ?? "")
        try? FileManager.default.removeItem(atPath: log + ".err")
        return (status, text)
    }
}
