import PhaseGolemCore

/// What the app loop must do after a key press; the reducer itself has no side effects.
public enum TUICommand: Sendable, Equatable {
    /// Start the scheduler with these (possibly edited) parameters.
    case launch(RunParams)
    /// Start the run with these parameters in the background (`run --detach`) and watch it:
    /// the run then survives this terminal.
    case detach(RunParams)
    /// Leave before anything ran.
    case quit(exitCode: Int32)
    /// Ask the scheduler to stop gracefully.
    case requestShutdown
    /// Stop now (second Ctrl-C).
    case forceShutdown
    /// Leave the summary; the process exits with `code`.
    case exit(code: Int32)
}
