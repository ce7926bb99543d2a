import PalaverEngine

/// What an update asks the world to do: the loop carries these out.
public enum AppEffect: Sendable, Equatable {
    /// Send a command to the engine.
    case engine(Command)
    /// Switch to the theme with this name.
    case loadTheme(String)
    /// Flush the session file now.
    case save
    case quit
    /// Move or control a replay.
    case replay(ReplayAction)
}
