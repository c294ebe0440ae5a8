/// The `[agent]` table: which program runs phases.
public struct AgentConfig: Sendable, Equatable {
    public var cli: AgentCLI
    /// Model override passed to claude/opencode/codex; `nil` means the tool's own default.
    public var model: String?
    /// Program and leading arguments when `cli` is `.command`; empty otherwise.
    public var command: [String]
    /// Codex only: full access (the default) or Codex's own workspace sandbox.
    public var sandbox: CodexSandbox
    /// Codex only: turns its token counts into a cost; `nil` leaves the cost unknown.
    public var price: TokenPrice?

    /// Creates an agent configuration; `model` is normalized as the loader does it.
    public init(cli: AgentCLI = .claude, model: String? = nil, command: [String] = [],
                sandbox: CodexSandbox = .none, price: TokenPrice? = nil) {
        self.cli = cli
        self.model = Self.normalizedModel(model)
        self.command = command
        self.sandbox = sandbox
        self.price = price
    }

    /// Trims surrounding whitespace and turns an empty result into `nil`.
    ///
    /// `model = ""` in a template is how users "unset" the override, so it must not reach the
    /// command line as an empty `--model` argument.
    public static func normalizedModel(_ model: String?) -> String? {
        guard let model else { return nil }
        let trimmed = trimmingWhitespace(model)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// `text` without leading and trailing whitespace; Foundation-free, so the config layer stays light.
    static func trimmingWhitespace(_ text: String) -> String {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
              let last = text.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(text[first...last])
    }
}
