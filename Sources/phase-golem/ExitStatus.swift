/// The process exit codes phase-golem promises (docs/decisions.md#exit-codes).
enum ExitStatus: Int32 {
    /// The command did what was asked (for `run`: something completed, or nothing blocked).
    case success = 0
    /// A handled error, or a run that completed nothing and blocked something.
    case failure = 1
    /// Unknown flag, conflicting flags, malformed value.
    case usage = 2
    /// The operator quit at the TUI launch screen; nothing ran.
    case quitAtLaunch = 130
}
