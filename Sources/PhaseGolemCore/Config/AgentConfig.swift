/// The `[agent]` table: which program runs phases.
public struct AgentConfig: Sendable, Equatable {
    public var cli: AgentCLI
    /// Model override passed to claude/opencode/codex; `nil` means the tool's own default.
    public var model: String?
    /// Program and leading arguments when `cli` is `.command`; empty otherwise.
    public var command: [String]
    /// `[agent] output`: how the agent's stdout is read; nil means the CLI's default
    /// (`streamOutput`).
    public var output: AgentOutputFormat?
    /// Codex only: full access (the default) or Codex's own workspace sandbox.
    public var sandbox: CodexSandbox
    /// Codex only: turns its token counts into a cost; `nil` leaves the cost unknown.
    public var price: TokenPrice?

    /// Creates an agent configuration; `model` is normalized as the loader does it.
    public init(cli: AgentCLI = .claude, model: String? = nil, command: [String] = [], output: AgentOutputFormat? = nil,
                sandbox: CodexSandbox = .none, price: TokenPrice? = nil) {
        self.cli = cli
        self.model = Self.normalizedModel(model)
        self.command = command
        self.output = output
        self.sandbox = sandbox
        self.price = price
    }

    /// The output format in effect: Claude defaults to stream-json (docs/decisions.md D13),
    /// everything else to text. A custom command may say it prints stream-json (a wrapper
    /// around Claude): its stdout is then translated the same way. Codex always runs with
    /// `--json` and is read by its own translator whatever this says (docs/codex.md).
    public var effectiveOutput: AgentOutputFormat {
        output ?? (cli == .claude ? .streamJSON : .text)
    }

    /// Whether a run's spend is known: the agent reports its cost in USD. Claude in
    /// stream-json does; a text-mode agent, OpenCode or a custom command does not (a custom
    /// command printing stream-json may, but cannot be relied on). Codex reports tokens only:
    /// its cost is known when `[agent] price` turns them into dollars. A budget (`--max-cost`)
    /// needs this.
    public var reportsCost: Bool {
        switch cli {
        case .claude: effectiveOutput == .streamJSON
        case .codex: price != nil
        case .opencode, .command: false
        }
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

/// How an agent's stdout is read (`[agent] output`).
public enum AgentOutputFormat: String, Sendable, Equatable, CaseIterable {
    /// One JSON object per line (Claude's `--output-format stream-json --verbose`): shown as
    /// activity lines, with cost and tokens from its `result` line.
    case streamJSON = "stream-json"
    /// Plain text, shown as it is; the original's command line for Claude.
    case text
}
