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

    /// The ncurses version string, proving the library is linked.
    public static var cursesVersion: String {
        String(cString: curses_version())
    }
}
