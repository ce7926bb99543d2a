import PalaverEngine

/// Everything the workbench loop hears, as one type: `AppState.update` takes
/// these and returns what the loop should do about them.
public enum AppMessage: Sendable {
    case key(Key)
    case mouse(MouseEvent)
    case resize(width: Int, height: Int)
    /// What the event source had since the loop last asked.
    case source(SourceUpdate)
    /// The clock moved (seconds since the workbench opened): spinners turn, notices fade.
    case tick(Double)
    /// SIGINT, SIGTERM or SIGHUP arrived.
    case signal(Int32)
    /// A theme the user asked for, read.
    case themeLoaded(Theme)
    /// The files a session names, read (or why not).
    case sessionFilesLoaded(SessionFiles)
    /// Something to tell the user (controls that refused, a theme that would not load).
    case notice(String, isError: Bool)
}

/// The files a session names, read for the graph pane: its agents' learned
/// policies and its coordination problem, with what could not be read.
public struct SessionFiles: Sendable {
    public var learnedPolicies: [Int: LearnedPolicy] = [:]
    public var coordinationProblem: DCOPProblem?
    public var problems: [String] = []

    public init() {}

    /// Reads them (this is I/O: the loop does it, never `update`).
    public static func load(for info: SessionInfo) -> SessionFiles {
        var files = SessionFiles()
        if let spec = info.coordination {
            do { files.coordinationProblem = try DCOPReader.parse(try info.inputs.text(of: spec.problem, orRead: DCOPReader.text), path: spec.problem, noiseSeed: spec.noiseSeed) } catch { files.problems.append("constraint view: \(error)") }
        }
        guard let env = info.environment else { return files }
        var library = PolicyLibrary(inputs: info.inputs)
        for (i, text) in env.policies.enumerated() where i < info.agents.count {
            guard case .learned(let path)? = try? BeerPolicySpec(parsing: text) else { continue }
            do {
                files.learnedPolicies[i] = try library.policy(at: path, stage: i)
            } catch {
                files.problems.append("policy graph: \(error)")
            }
        }
        return files
    }
}
