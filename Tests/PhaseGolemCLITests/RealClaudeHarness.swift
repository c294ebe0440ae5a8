import Foundation
import Testing
import PhaseGolemCore

/// Runs the real `phase-golem` binary with the **real Claude Code CLI** (the pinned version,
/// fetched by `scripts/fetch-agent-cli.sh claude`) answering from the tests' scripted fake of the
/// Messages API on 127.0.0.1. Nothing leaves the machine: the environment below is the one that
/// makes the CLI talk to the base URL only (docs/compatibility.md#agents).
enum RealClaudeHarness {
    static let version = "2.1.327"

    /// `PHASE_GOLEM_SKIP_REAL_AGENTS=1` opts out on a machine without the CLI; never in CI.
    static var enabled: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["PHASE_GOLEM_SKIP_REAL_AGENTS"] != "1" || environment["CI"] == "true"
    }

    /// The CLI's binary: `PHASE_GOLEM_CLAUDE_BIN`, else where the fetch script caches it.
    static func binary() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["PHASE_GOLEM_CLAUDE_BIN"], !path.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw CLIHarness.HarnessError("PHASE_GOLEM_CLAUDE_BIN=\(path) is not an executable file. "
                    + "Run scripts/fetch-agent-cli.sh claude and point PHASE_GOLEM_CLAUDE_BIN at the path it prints (or unset it).")
            }
            return path
        }
        let cacheHome = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        let cached = cacheHome + "/phase-golem-agents/claude-\(version)/claude_agent_sdk/_bundled/claude"
        guard FileManager.default.isExecutableFile(atPath: cached) else {
            throw CLIHarness.HarnessError("The real Claude Code CLI \(version) is not here (\(cached)). "
                + "Get it with: scripts/fetch-agent-cli.sh claude (downloads claude-agent-sdk from PyPI), "
                + "or set PHASE_GOLEM_CLAUDE_BIN; PHASE_GOLEM_SKIP_REAL_AGENTS=1 skips these tests outside CI.")
        }
        return cached
    }

    /// A scratch area for one test: the project, the CLI's private HOME, a `bin/claude` link and
    /// the fake API's files, removed together.
    struct Sandbox {
        let base: String
        let root: String
        let home: String
        let bin: String

        static func make(items: [String], config: String) throws -> Sandbox {
            let root = try RunHarness.project(items: items, config: config)
            let base = try CLIHarness.makeTemporaryDirectory("pg-claude")
            let home = base + "/home", bin = base + "/bin"
            for directory in [home, bin] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            try FileManager.default.createSymbolicLink(atPath: bin + "/claude", withDestinationPath: try RealClaudeHarness.binary())
            return Sandbox(base: base, root: root, home: home, bin: bin)
        }

        func remove() {
            CLIHarness.remove(root)
            CLIHarness.remove(base)
        }

        /// The environment of `phase-golem run`: `claude` first on PATH, and what the CLI needs
        /// to talk to `api` only. `IS_SANDBOX=1` because the tests run as root (the CLI refuses
        /// `--dangerously-skip-permissions` as root without it); the product never sets it.
        func environment(api: FakeAnthropicAPI) -> [String: String] {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            return [
                "PATH": bin + ":" + path,
                "HOME": home,
                "ANTHROPIC_BASE_URL": api.baseURL,
                "ANTHROPIC_API_KEY": "sk-ant-fake-test-key",
                "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
                "DISABLE_TELEMETRY": "1",
                "DISABLE_ERROR_REPORTING": "1",
                "DISABLE_AUTOUPDATER": "1",
                "NO_PROXY": "127.0.0.1,localhost",
                "IS_SANDBOX": "1",
            ]
        }

        /// Starts the fake API with these conversations; `{root}` in them is the project.
        func startAPI(_ conversations: [String: [FakeAnthropicAPI.Turn]]) throws -> FakeAnthropicAPI {
            try FakeAnthropicAPI(script: .init(root: root, conversations: conversations), directory: base)
        }

        /// `phase-golem run …` with the real CLI against `api`.
        func run(_ arguments: [String], api: FakeAnthropicAPI, environment extra: [String: String] = [:]) throws -> CLIHarness.Result {
            try CLIHarness.run(["run"] + arguments, in: root, environment: environment(api: api).merging(extra) { _, new in new })
        }
    }

    /// `output = "text"` when the binary under test knows `[agent] output` (docs/decisions.md
    /// D13 makes stream-json Claude's default), else nothing: before that, text was the only
    /// mode. Asked of the binary itself so these tests hold on both sides of that change.
    static let textOutputSetting: String = {
        guard let root = try? CLIHarness.makeProject(config: "[agent]\ncli = \"claude\"\noutput = \"text\"\n") else { return "" }
        defer { CLIHarness.remove(root) }
        let result = try? CLIHarness.run(["status"], in: root)
        return result?.stderr.contains("unknown key 'output'") == true ? "" : "output = \"text\"\n"
    }()

    /// `RunHarness.config` with the real Claude CLI as the agent (`[agent] cli = "claude"`).
    static func config(model: String? = nil, agentExtra: String = "", extraExecution: String = "") -> String {
        var agent = "cli = \"claude\"\n"
        if let model { agent += "model = \"\(model)\"\n" }
        agent += agentExtra
        return RunHarness.config(extraExecution: extraExecution)
            .replacingOccurrences(of: "cli = \"command\"\ncommand = [\"\(RunHarness.fakeAgent)\"]\n", with: agent)
    }
}
