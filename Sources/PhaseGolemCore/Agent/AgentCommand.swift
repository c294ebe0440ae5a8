#if canImport(Glibc)
import Glibc
#endif

/// The command line, name and availability check of the configured agent program (docs/compatibility.md#agents, docs/compatibility.md#run-startup step 7).
///
/// No shell is ever involved: the prompt is a single argv element, so nothing in an item's
/// title or description can be read as shell syntax.
public struct AgentCommand: Sendable, Equatable {
    public let config: AgentConfig

    public init(_ config: AgentConfig) {
        self.config = config
    }

    /// The program that runs: `claude`, `opencode`, `codex`, or the first element of `[agent] command`.
    public var program: String {
        switch config.cli {
        case .claude: "claude"
        case .opencode: "opencode"
        case .codex: "codex"
        case .command: config.command.first ?? ""
        }
    }

    /// `Claude CLI`, `OpenCode CLI`, `Codex CLI` or `Agent command ({program})`, as log lines and errors name it.
    public var displayName: String {
        switch config.cli {
        case .claude: "Claude CLI"
        case .opencode: "OpenCode CLI"
        case .codex: "Codex CLI"
        case .command: "Agent command (\(program))"
        }
    }

    /// What to do when the program is missing.
    public var installHint: String {
        switch config.cli {
        case .claude: "Install: https://docs.anthropic.com/en/docs/claude-code"
        case .opencode: "Install: https://github.com/opencode-ai/opencode"
        case .codex: "Install: https://github.com/openai/codex (or `pip install openai-codex-cli-bin`)"
        case .command: "Check [agent] command in phase-golem.toml."
        }
    }

    /// The model shown in `(model: …)` log text.
    public var modelDescription: String { config.model ?? "default" }

    /// The full argument vector for one run, program first and the prompt as one element.
    ///
    /// `[agent] model` applies to claude, opencode and codex only; a custom command gets exactly
    /// the arguments the user configured. `root` is the project root, which codex is told with
    /// `-C` (it is also the working directory of every agent, docs/decisions.md D7).
    /// `maxBudgetUSD` (what is left of the run's budget) becomes Claude's `--max-budget-usd`
    /// in stream-json mode, so one phase cannot overspend by much; other agents ignore it.
    public func argv(prompt: String, root: String = ".", maxBudgetUSD: Double? = nil) -> [String] {
        switch config.cli {
        case .claude:
            var argv = ["claude", "--dangerously-skip-permissions"]
            if let model = config.model { argv += ["--model", model] }
            // `output = "text"` keeps the original's exact command line (docs/decisions.md D13).
            guard config.effectiveOutput == .streamJSON else { return argv + ["-p", prompt] }
            argv += ["--output-format", "stream-json", "--verbose"]
            if let maxBudgetUSD { argv += ["--max-budget-usd", Self.budgetArgument(maxBudgetUSD)] }
            return argv + ["-p", prompt]
        case .opencode:
            var argv = ["opencode", "run"]
            if let model = config.model { argv += ["--model", model] }
            return argv + ["--quiet", prompt]
        case .codex:
            // `--json`: one event per line, turned into activity lines (CodexEventTranslator).
            // `--skip-git-repo-check`: the root is a git repository, but a worktree or a
            // freshly initialized one must not make codex refuse. stdin is /dev/null for every
            // agent (AgentProcess); codex would otherwise wait for the end of an open pipe.
            var argv = ["codex", "exec", "--json", "--skip-git-repo-check"]
            switch config.sandbox {
            case .none: argv.append("--dangerously-bypass-approvals-and-sandbox")
            case .workspaceWrite: argv += ["--sandbox", "workspace-write"]
            }
            argv += ["-C", Self.absolute(root, relativeTo: ".")]
            if let model = config.model { argv += ["-m", model] }
            // `--`: a prompt starting with `-` must not be read as an option.
            return argv + ["--", prompt]
        case .command:
            return config.command + [prompt]
        }
    }

    /// A translator for the agent's stdout when it prints a structured stream, nil when its
    /// output is shown as it is.
    public func makeTranslator() -> (any AgentStreamTranslator)? {
        if config.cli == .codex { return CodexEventTranslator(price: config.price) }
        return config.effectiveOutput == .streamJSON ? ClaudeStreamTranslator() : nil
    }

    /// Dollars with cent precision, rounded down so the agent never gets more than is left
    /// (at least a cent: the CLI needs a positive amount).
    static func budgetArgument(_ usd: Double) -> String {
        let cents = max(1, Int64((max(0, usd) * 100).rounded(.down)))
        let fraction = cents % 100
        return String(cents / 100) + "." + (fraction < 10 ? "0" : "") + String(fraction)
    }

    /// Checks that the agent can be started, before any item is touched.
    ///
    /// claude, opencode and codex must answer `--version`, as the original required. A custom command
    /// is only looked up, never run: an arbitrary program may not understand `--version`, and
    /// running it could have effects. A relative command path is resolved against `root`,
    /// the agent's working directory (docs/decisions.md D7). `searchPath` replaces `$PATH` (tests use it).
    public func verifyAvailable(root: String = ".", searchPath: String? = nil) throws(AgentError) {
        switch config.cli {
        case .claude, .opencode, .codex:
            var executable = program
            if let searchPath {
                guard let found = Self.findExecutable(program, searchPath: searchPath, root: root) else {
                    throw notFound(errno: ENOENT)
                }
                executable = found
            }
            let output: ProcessRunner.Output
            do {
                output = try Self.runVersion(executable)
            } catch where error.errno == ENOENT && !FileIO.exists(ProcessRunner.resolve(executable)) {
                throw notFound(errno: error.errno)
            } catch {
                // Found but not runnable (permissions; ENOENT from a `#!` line naming a missing
                // interpreter): "not found" would mislead.
                throw AgentError("\(displayName) could not be started (`\(executable) --version`): \(String(cString: strerror(error.errno))). "
                    + "Check that it is executable and that its `#!` interpreter exists, or reinstall it. \(installHint)")
            }
            guard output.succeeded else {
                throw AgentError("\(displayName) found but `\(program) --version` failed")
            }
        case .command:
            try verifyCommandExists(root: root, searchPath: searchPath)
        }
    }

    /// `executable --version`, started again a few times while exec says ETXTBSY: a program
    /// just written (an installer, a test) can be held open for writing for a moment by a
    /// child another thread is forking, and that is not a broken installation.
    private static func runVersion(_ executable: String) throws(ProcessRunner.SpawnFailure) -> ProcessRunner.Output {
        var attempt = 0
        while true {
            do {
                return try ProcessRunner.run(executable, ["--version"])
            } catch where error.errno == ETXTBSY && attempt < 20 {
                attempt += 1
                usleep(10_000)
            }
        }
    }

    /// The original's line, its cause worded as Rust prints an `io::Error`
    /// (`No such file or directory (os error 2)`), which scripts may match.
    private func notFound(errno code: Int32) -> AgentError {
        AgentError("\(displayName) not found on PATH. \(installHint) (\(String(cString: strerror(code))) (os error \(code)))")
    }

    private func verifyCommandExists(root: String, searchPath: String?) throws(AgentError) {
        let name = program
        guard !name.isEmpty else {
            throw AgentError("\(displayName) not found: [agent] command is empty. \(installHint)")
        }
        guard name.contains("/") else {
            guard Self.findExecutable(name, searchPath: searchPath ?? Self.environmentPath, root: root) != nil else {
                throw notFound(errno: ENOENT)
            }
            return
        }
        let path = Self.absolute(name, relativeTo: root)
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw AgentError("\(displayName) not found. \(installHint) (\(path): \(String(cString: strerror(errno))))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG, access(path, X_OK) == 0 else {
            throw AgentError("\(displayName) is not an executable file. \(installHint) (\(path))")
        }
    }

    /// Where the program lives, for the `[config] Binary: {path}` line; nil when it cannot be found.
    ///
    /// Searches `$PATH` (or `searchPath`) the way `which` does, without running `which`.
    public func resolvedBinaryPath(root: String = ".", searchPath: String? = nil) -> String? {
        Self.findExecutable(program, searchPath: searchPath ?? Self.environmentPath, root: root)
    }

    /// The first executable regular file named `name` in the colon-separated `searchPath`.
    ///
    /// A name containing `/` is not searched but checked in place (relative to `root`). An
    /// empty `PATH` entry means the current directory, as in `execvp`.
    public static func findExecutable(_ name: String, searchPath: String, root: String = ".") -> String? {
        guard !name.isEmpty else { return nil }
        if name.contains("/") {
            let path = absolute(name, relativeTo: root)
            return isExecutableFile(path) ? path : nil
        }
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            let base = directory.isEmpty ? "." : String(directory)
            let candidate = FileIO.join(base, name)
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    static var environmentPath: String {
        guard let value = getenv("PATH") else { return "/usr/local/bin:/usr/bin:/bin" }
        return String(cString: value)
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }

    /// `path` made absolute against `base`, itself made absolute against the current directory.
    static func absolute(_ path: String, relativeTo base: String) -> String {
        if path.hasPrefix("/") { return path }
        let absoluteBase = base.hasPrefix("/") ? base : FileIO.join(currentDirectory(), base)
        return normalized(FileIO.join(absoluteBase, path))
    }

    /// Drops `.` components and doubled slashes, so env values and messages read cleanly.
    ///
    /// `..` is kept: resolving it textually would be wrong across symlinks.
    static func normalized(_ path: String) -> String {
        let components = path.split(separator: "/").filter { $0 != "." }
        let joined = components.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension AgentCommand {
    /// The `[config]` lines a Codex agent adds after `[config] Agent: …`: how much it may touch
    /// and how its cost is known (docs/codex.md). Other agents add none.
    public var configLines: [String] {
        guard config.cli == .codex else { return [] }
        let sandbox = switch config.sandbox {
        case .none: "[config] Sandbox: none (codex runs with --dangerously-bypass-approvals-and-sandbox)"
        case .workspaceWrite: "[config] Sandbox: workspace-write (codex may write only under the project root, /tmp and $TMPDIR; no network)"
        }
        let cost: String
        if let price = config.price {
            cost = "[config] Price: input $\(NumberText.decimal(price.input)), cached input $\(NumberText.decimal(price.cachedInput)), "
                + "output $\(NumberText.decimal(price.output)) per million tokens"
        } else {
            cost = "[config] Cost: unknown (Codex reports tokens, not cost; set [agent] price to compute it)"
        }
        return [sandbox, cost]
    }
}
