/// The agent program family that runs phases (`[agent] cli`).
public enum AgentCLI: String, Sendable, Equatable, CaseIterable {
    /// The Claude Code CLI (`claude`), the original's default.
    case claude
    /// The OpenCode CLI (`opencode`).
    case opencode
    /// The OpenAI Codex CLI (`codex exec --json`; docs/codex.md).
    case codex
    /// A user-supplied program from `[agent] command`; the prompt is passed as its last argument.
    case command
}
