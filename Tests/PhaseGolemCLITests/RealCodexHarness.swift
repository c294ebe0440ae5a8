import Foundation
import Testing
import PhaseGolemCore

/// Runs the real `phase-golem` binary with the **real Codex CLI** (the pinned version, fetched by
/// `scripts/fetch-agent-cli.sh codex`) answering from the tests' scripted fake of the Responses
/// API on 127.0.0.1. Nothing leaves the machine: a private `CODEX_HOME` whose config names the
/// fake as the only provider and turns off everything that would call out (docs/codex.md).
enum RealCodexHarness {
    static let version = "0.163.0"

    /// `PHASE_GOLEM_SKIP_REAL_AGENTS=1` opts out on a machine without the CLI; never in CI.
    static var enabled: Bool { RealClaudeHarness.enabled }

    /// The CLI's binary: `PHASE_GOLEM_CODEX_BIN`, else where the fetch script caches it.
    static func binary() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["PHASE_GOLEM_CODEX_BIN"], !path.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw CLIHarness.HarnessError("PHASE_GOLEM_CODEX_BIN=\(path) is not an executable file. "
                    + "Run scripts/fetch-agent-cli.sh codex and point PHASE_GOLEM_CODEX_BIN at the path it prints (or unset it).")
            }
            return path
        }
        let cacheHome = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        let cached = cacheHome + "/phase-golem-agents/codex-\(version)/codex_cli_bin/bin/codex"
        guard FileManager.default.isExecutableFile(atPath: cached) else {
            throw CLIHarness.HarnessError("The real Codex CLI \(version) is not here (\(cached)). "
                + "Get it with: scripts/fetch-agent-cli.sh codex (downloads openai-codex-cli-bin from PyPI), "
                + "or set PHASE_GOLEM_CODEX_BIN; PHASE_GOLEM_SKIP_REAL_AGENTS=1 skips these tests outside CI.")
        }
        return cached
    }

    /// A scratch area for one test: the project, codex's private HOME and CODEX_HOME, a
    /// `bin/codex` link and the fake API's files, removed together.
    struct Sandbox {
        let base: String
        let root: String
        let home: String
        let bin: String

        var codexHome: String { home + "/.codex" }

        static func make(items: [String], config: String) throws -> Sandbox {
            let root = try RunHarness.project(items: items, config: config)
            let base = try CLIHarness.makeTemporaryDirectory("pg-codex")
            let home = base + "/home", bin = base + "/bin"
            for directory in [home + "/.codex", bin] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            try FileManager.default.createSymbolicLink(atPath: bin + "/codex", withDestinationPath: try RealCodexHarness.binary())
            return Sandbox(base: base, root: root, home: home, bin: bin)
        }

        func remove() {
            CLIHarness.remove(root)
            CLIHarness.remove(base)
        }

        /// Starts the fake API and writes the config.toml that points codex at it.
        func startAPI(_ script: FakeOpenAIAPI.Script) throws -> FakeOpenAIAPI {
            let api = try FakeOpenAIAPI(script: script, directory: base)
            try CLIHarness.write(api.codexConfig, to: codexHome + "/config.toml")
            return api
        }

        /// The environment of `phase-golem run`: `codex` first on PATH, its private homes, the key.
        func environment() -> [String: String] {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            return ["PATH": bin + ":" + path, "HOME": home, "CODEX_HOME": codexHome,
                    "FAKE_OPENAI_API_KEY": "sk-fake-test-key", "NO_PROXY": "127.0.0.1,localhost"]
        }

        /// `phase-golem run …` with the real CLI.
        func run(_ arguments: [String]) throws -> CLIHarness.Result {
            try CLIHarness.run(["run"] + arguments, in: root, environment: environment())
        }
    }

    /// `RunHarness.config` with the real Codex CLI as the agent.
    static func config(agentExtra: String = "", extraExecution: String = "") -> String {
        RunHarness.config(extraExecution: extraExecution)
            .replacingOccurrences(of: "cli = \"command\"\ncommand = [\"\(RunHarness.fakeAgent)\"]\n",
                                  with: "cli = \"codex\"\nmodel = \"gpt-5.5\"\n" + agentExtra)
    }

    /// A shell command that writes the phase result file from the agent's environment.
    static func writeResult(_ result: String, summary: String, context: String? = nil) -> String {
        var members = #""result":"\#(result)","summary":"\#(summary)""#
        if let context { members += #","context":"\#(context)""# }
        return #"printf '{"item_id":"%s","phase":"%s",\#(members)}' "$PHASE_GOLEM_ITEM_ID" "$PHASE_GOLEM_PHASE" > "$PHASE_GOLEM_RESULT_PATH""#
    }
}
