#if canImport(Glibc)
import Glibc
#endif

/// Claude Code's refusal to run as root (docs/decisions.md D14).
///
/// phase-golem runs `claude --dangerously-skip-permissions …`, and Claude Code refuses that flag
/// when its real user id is 0, unless `IS_SANDBOX=1` (the operator's statement that the machine
/// is a sandbox) or `CLAUDE_CODE_BUBBLEWRAP` is in its environment. It exits 1 at once with
/// `refusal` on stderr, while `claude --version` still succeeds, so only this rule, checked
/// before the run, keeps every target from failing the same way. phase-golem never sets
/// `IS_SANDBOX` itself: that statement is the operator's to make.
public enum ClaudeRootRule {
    /// The CLI's words when it refuses (measured on Claude Code 2.1.327).
    public static let refusal = "--dangerously-skip-permissions cannot be used with root/sudo privileges"

    /// Who runs phase-golem, as far as the rule cares; the agent inherits both.
    public struct Host: Sendable, Equatable {
        /// The real user id: what the CLI checks (`process.getuid()`), not the effective one.
        public var userID: UInt32
        /// `IS_SANDBOX` and `CLAUDE_CODE_BUBBLEWRAP`, when set.
        public var environment: [String: String]

        public init(userID: UInt32, environment: [String: String] = [:]) {
            self.userID = userID
            self.environment = environment
        }

        /// This process.
        public static var current: Host {
            var environment: [String: String] = [:]
            for key in ["IS_SANDBOX", "CLAUDE_CODE_BUBBLEWRAP"] {
                if let value = getenv(key) { environment[key] = String(cString: value) }
            }
            return Host(userID: getuid(), environment: environment)
        }
    }

    /// Whether Claude Code, started by `host`, would refuse `--dangerously-skip-permissions`.
    ///
    /// The CLI's own test: uid 0, `IS_SANDBOX` not exactly `1`, `CLAUDE_CODE_BUBBLEWRAP` empty or unset.
    public static func refuses(_ host: Host) -> Bool {
        host.userID == 0 && host.environment["IS_SANDBOX"] != "1" && (host.environment["CLAUDE_CODE_BUBBLEWRAP"] ?? "").isEmpty
    }

    /// The preflight error for a run that Claude Code would refuse.
    static let preflightError = PreflightError(
        condition: "Claude CLI refuses to run as root: phase-golem starts it with --dangerously-skip-permissions, "
            + "which it rejects for the root user unless IS_SANDBOX=1 is set",
        location: "phase-golem.toml → agent.cli",
        fix: "Run phase-golem as a normal (non-root) user; or, if this machine is a sandbox (a container or a throwaway VM), "
            + "set IS_SANDBOX=1 in the environment yourself (phase-golem never sets it for you)")
}
