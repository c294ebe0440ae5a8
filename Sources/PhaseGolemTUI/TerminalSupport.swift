import CNcurses

/// Answers whether the full-screen UI can run on the current terminal.
public enum TerminalSupport {
    /// Why the full-screen UI cannot start, in words an operator can act on.
    public static func unavailableReason(environment: [String: String], stdinIsTTY: Bool, stdoutIsTTY: Bool) -> String? {
        if !stdinIsTTY || !stdoutIsTTY {
            return "standard input and output must be a terminal"
        }
        guard let term = environment["TERM"], !term.isEmpty else {
            return "TERM is not set"
        }
        if term == "dumb" {
            return "TERM=dumb cannot draw a full-screen interface"
        }
        return nil
    }

    /// What `run` shows.
    public enum Choice: Sendable, Equatable {
        case tui
        case plain
        /// `--tui` was given but the UI cannot start here.
        case unavailable(reason: String)
    }

    /// Full-screen UI or plain log. An explicit flag wins over the environment: `--tui` gets the
    /// UI (or `unavailable`, never a silent fallback) whatever `PHASE_GOLEM_TUI` or `CI` say;
    /// `--no-tui` gets the plain log. Without a flag, `PHASE_GOLEM_TUI=0` or a non-empty `CI`
    /// mean plain, and otherwise the UI runs when the terminal can take it.
    /// - Parameter flag: true for `--tui`, false for `--no-tui`, nil for neither.
    public static func choose(flag: Bool?, environment: [String: String], stdinIsTTY: Bool, stdoutIsTTY: Bool) -> Choice {
        let reason = unavailableReason(environment: environment, stdinIsTTY: stdinIsTTY, stdoutIsTTY: stdoutIsTTY)
        switch flag {
        case true?:
            return reason.map { .unavailable(reason: $0) } ?? .tui
        case false?:
            return .plain
        case nil:
            if environment["PHASE_GOLEM_TUI"] == "0" { return .plain }
            if let ci = environment["CI"], !ci.isEmpty { return .plain }
            return reason == nil ? .tui : .plain
        }
    }

    /// The ncurses version string, proving the library is linked.
    public static var cursesVersion: String {
        String(cString: curses_version())
    }
}
