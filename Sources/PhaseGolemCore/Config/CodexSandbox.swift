/// How much a Codex agent may touch (`[agent] sandbox`; docs/codex.md).
public enum CodexSandbox: String, Sendable, Equatable, CaseIterable {
    /// Full access, as Claude gets with `--dangerously-skip-permissions`:
    /// `--dangerously-bypass-approvals-and-sandbox`.
    case none
    /// Codex's own sandbox: writes only in the project root, /tmp and `$TMPDIR`, no network
    /// (`--sandbox workspace-write`). The result file lies under the root, so phases still work.
    case workspaceWrite = "workspace-write"
}
