import PalaverEngine

/// What an update asks the world to do: the loop carries these out, and what
/// comes of them returns as an `AppMessage`.
public enum AppEffect: Sendable, Equatable {
    /// Send a command to the engine (through the workbench's `Controls`).
    case engine(Command)
    /// Move or control a replay (through the workbench's `Controls`).
    case replay(ReplayAction)
    /// Read the theme with this name.
    case loadTheme(String)
    /// Read the files a session names (learned policies, a coordination problem).
    case loadSessionFiles(SessionInfo)
    /// Say where the session is saved, or (with a path) copy it there.
    case save(to: String?)
    case quit
}
