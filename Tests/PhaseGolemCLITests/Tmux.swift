import Foundation
import PhaseGolemCore

/// Drives the real binary in a tmux pane: a real terminal, keys in, screen text out.
struct Tmux {
    /// tmux is installed by .ci/run; without it (a bare developer machine) these tests are skipped.
    static var isAvailable: Bool {
        (try? ProcessRunner.run("tmux", ["-V"]).succeeded) ?? false
    }

    let session: String
    let root: String
    var exitFile = "tui-exit"

    /// Starts `phase-golem run …` in a detached session of the given size. The pane keeps
    /// its shell alive after the program exits, so what it printed after the UI can be read.
    static func start(root: String, arguments: [String], environment: [String: String], width: Int = 100, height: Int = 30,
                      command subcommand: String = "run", exitFile: String = "tui-exit") throws -> Tmux {
        let session = "pg-\(UUID().uuidString.prefix(8))"
        // As CLIHarness.environment: the tests run as root (docs/decisions.md D14).
        let exports = ([CLIHarness.sandboxVariable: "1"].merging(environment) { _, new in new }).map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
        let command = "cd '\(root)' && env -u CI -u PHASE_GOLEM_TUI -u NO_COLOR LANG=C.UTF-8 TERM=tmux-256color \(exports) '\(CLIHarness.binary)' \(subcommand) \(quoted); "
            + "echo \"EXIT:$?\" > '\(root)/.git/\(exitFile)'; sleep 600"
        let output = try ProcessRunner.run("tmux", ["-u", "new-session", "-d", "-s", session, "-x", String(width), "-y", String(height), command])
        guard output.succeeded else { throw CLIHarness.HarnessError("tmux failed: \(output.stderrText)") }
        return Tmux(session: session, root: root, exitFile: exitFile)
    }

    func capture() throws -> String {
        try ProcessRunner.run("tmux", ["capture-pane", "-t", session, "-p"]).stdoutText
    }

    func send(_ keys: String...) throws {
        _ = try ProcessRunner.run("tmux", ["send-keys", "-t", session] + keys)
    }

    func resize(width: Int, height: Int) throws {
        _ = try ProcessRunner.run("tmux", ["resize-window", "-t", session, "-x", String(width), "-y", String(height)])
    }

    /// Waits until the screen contains `text`; returns the screen, or throws with what it showed.
    @discardableResult
    func waitFor(_ text: String, timeout: Double = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < deadline {
            screen = try capture()
            if screen.contains(text) { return screen }
            usleep(100_000)
        }
        throw CLIHarness.HarnessError("timed out waiting for \"\(text)\"; the screen shows:\n\(screen)")
    }

    /// The exit code the program left, once it has exited.
    func exitCode(timeout: Double = 20) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: root + "/.git/" + exitFile, encoding: .utf8),
               let code = Int32(text.replacingOccurrences(of: "EXIT:", with: "").trimmingCharacters(in: .whitespacesAndNewlines)) {
                return code
            }
            usleep(100_000)
        }
        throw CLIHarness.HarnessError("the program did not exit; the screen shows:\n\((try? capture()) ?? "")")
    }

    /// The pid of phase-golem inside the pane (a child of the pane's shell).
    func programPID() throws -> pid_t? {
        let shell = try ProcessRunner.run("tmux", ["list-panes", "-t", session, "-F", "#{pane_pid}"]).stdoutText.trimmed()
        let children = try ProcessRunner.run("pgrep", ["-P", shell, "-f", "phase-golem"]).stdoutText
        guard let first = children.split(separator: "\n").first else { return nil }
        return pid_t(String(first).trimmed())
    }

    /// Whether the pane is still in the alternate screen (curses not restored).
    func alternateScreenOn() throws -> Bool {
        try ProcessRunner.run("tmux", ["display-message", "-p", "-t", session, "#{alternate_on}"]).stdoutText.trimmed() == "1"
    }

    func kill() {
        _ = try? ProcessRunner.run("tmux", ["kill-session", "-t", session])
    }
}
