import Foundation
import Testing
@testable import PhaseGolemCore

/// Command lines, names and availability probes of docs/compatibility.md#agents, docs/compatibility.md#run-startup step 7.
@Suite("Agent command")
struct AgentCommandTests {
    @Test("Claude runs in stream-json by default (docs/decisions.md D13)")
    func claudeArgv() {
        #expect(AgentCommand(AgentConfig(cli: .claude)).argv(prompt: "do it")
            == ["claude", "--dangerously-skip-permissions", "--output-format", "stream-json", "--verbose", "-p", "do it"])
        #expect(AgentCommand(AgentConfig(cli: .claude, model: "opus")).argv(prompt: "do it", maxBudgetUSD: 1.239)
            == ["claude", "--dangerously-skip-permissions", "--model", "opus", "--output-format", "stream-json", "--verbose",
                "--max-budget-usd", "1.23", "-p", "do it"])
        #expect(AgentCommand(AgentConfig(cli: .claude)).makeTranslator() is ClaudeStreamTranslator)
    }

    @Test("output = \"text\" keeps the original's exact command line")
    func claudeTextArgv() {
        #expect(AgentCommand(AgentConfig(cli: .claude, output: .text)).argv(prompt: "do it", maxBudgetUSD: 2)
            == ["claude", "--dangerously-skip-permissions", "-p", "do it"])
        #expect(AgentCommand(AgentConfig(cli: .claude, model: "opus", output: .text)).argv(prompt: "do it")
            == ["claude", "--dangerously-skip-permissions", "--model", "opus", "-p", "do it"])
        #expect(AgentCommand(AgentConfig(cli: .claude, output: .text)).makeTranslator() == nil)
        #expect(!AgentConfig(cli: .claude, output: .text).reportsCost)
        #expect(AgentConfig(cli: .claude).reportsCost)
        #expect(!AgentConfig(cli: .command, command: ["x"], output: .streamJSON).reportsCost)
        #expect(AgentCommand(AgentConfig(cli: .command, command: ["x"], output: .streamJSON)).makeTranslator() != nil)
    }

    @Test func opencodeArgv() {
        #expect(AgentCommand(AgentConfig(cli: .opencode)).argv(prompt: "p") == ["opencode", "run", "--quiet", "p"])
        #expect(AgentCommand(AgentConfig(cli: .opencode, model: "gpt")).argv(prompt: "p")
            == ["opencode", "run", "--model", "gpt", "--quiet", "p"])
    }

    /// docs/codex.md: headless, JSON events, full access unless sandboxed, the root named with `-C`.
    @Test func codexArgv() {
        #expect(AgentCommand(AgentConfig(cli: .codex)).argv(prompt: "do it", root: "/p")
            == ["codex", "exec", "--json", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox", "-C", "/p", "--", "do it"])
        #expect(AgentCommand(AgentConfig(cli: .codex, model: "gpt-5.5", sandbox: .workspaceWrite)).argv(prompt: "-x", root: "/p")
            == ["codex", "exec", "--json", "--skip-git-repo-check", "--sandbox", "workspace-write", "-C", "/p", "-m", "gpt-5.5", "--", "-x"])
        // A relative root is made absolute: codex resolves -C against its own working directory.
        let argv = AgentCommand(AgentConfig(cli: .codex)).argv(prompt: "p", root: "proj")
        #expect(argv[6].hasPrefix("/") && argv[6].hasSuffix("/proj"))
    }

    @Test func codexNamesAndConfigLines() {
        let codex = AgentCommand(AgentConfig(cli: .codex))
        #expect(codex.program == "codex")
        #expect(codex.displayName == "Codex CLI")
        #expect(codex.installHint == "Install: https://github.com/openai/codex (or `pip install openai-codex-cli-bin`)")
        #expect(codex.configLines == [
            "[config] Sandbox: none (codex runs with --dangerously-bypass-approvals-and-sandbox)",
            "[config] Cost: unknown (Codex reports tokens, not cost; set [agent] price to compute it)",
        ])
        let priced = AgentCommand(AgentConfig(cli: .codex, sandbox: .workspaceWrite, price: TokenPrice(input: 1.25, cachedInput: 0.125, output: 10)))
        #expect(priced.configLines == [
            "[config] Sandbox: workspace-write (codex may write only under the project root, /tmp and $TMPDIR; no network)",
            "[config] Price: input $1.25, cached input $0.125, output $10 per million tokens",
        ])
        #expect(AgentCommand(AgentConfig(cli: .claude)).configLines.isEmpty)
    }

    @Test func codexVersionProbe() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: AgentError("Codex CLI not found on PATH. Install: https://github.com/openai/codex (or `pip install openai-codex-cli-bin`) (No such file or directory (os error 2))")) {
            try AgentCommand(AgentConfig(cli: .codex)).verifyAvailable(searchPath: directory)
        }
        let marker = directory + "/args"
        try Self.writeScript(directory + "/codex", "#!/bin/sh\necho \"$@\" > '\(marker)'\necho 'codex-cli 0.163.0'\n")
        try AgentCommand(AgentConfig(cli: .codex)).verifyAvailable(searchPath: directory)
        #expect(try String(contentsOfFile: marker, encoding: .utf8) == "--version\n")
        try Self.writeScript(directory + "/codex", "#!/bin/sh\nexit 2\n")
        #expect(throws: AgentError("Codex CLI found but `codex --version` failed")) {
            try AgentCommand(AgentConfig(cli: .codex)).verifyAvailable(searchPath: directory)
        }
    }

    @Test func customCommandArgv() {
        let prompt = "multi\nline $(prompt) with 'quotes'"
        let command = AgentCommand(AgentConfig(cli: .command, model: "ignored", command: ["my-agent", "--flag", "x"]))
        #expect(command.argv(prompt: prompt) == ["my-agent", "--flag", "x", prompt])
        #expect(command.program == "my-agent")
    }

    @Test func namesAndHints() {
        #expect(AgentCommand(AgentConfig(cli: .claude)).displayName == "Claude CLI")
        #expect(AgentCommand(AgentConfig(cli: .opencode)).displayName == "OpenCode CLI")
        #expect(AgentCommand(AgentConfig(cli: .command, command: ["bin/agent"])).displayName == "Agent command (bin/agent)")
        #expect(AgentCommand(AgentConfig(cli: .claude)).installHint == "Install: https://docs.anthropic.com/en/docs/claude-code")
        #expect(AgentCommand(AgentConfig(cli: .opencode)).installHint == "Install: https://github.com/opencode-ai/opencode")
        #expect(AgentCommand(AgentConfig(cli: .claude, model: "m")).modelDescription == "m")
        #expect(AgentCommand(AgentConfig(cli: .claude)).modelDescription == "default")
    }

    @Test func binaryResolutionSearchesPath() throws {
        let directory = FakeAgentHarness.agentDirectory
        let claude = AgentCommand(AgentConfig(cli: .claude))
        #expect(claude.resolvedBinaryPath(searchPath: "/nonexistent:\(directory):/usr/bin") == directory + "/claude")
        #expect(claude.resolvedBinaryPath(searchPath: "/nonexistent") == nil)
        #expect(AgentCommand(AgentConfig(cli: .opencode)).resolvedBinaryPath(searchPath: directory) == nil)
        // README.md is there but not executable.
        #expect(AgentCommand.findExecutable("README.md", searchPath: directory) == nil)
    }

    @Test func availableWhenVersionSucceeds() throws {
        let claude = AgentCommand(AgentConfig(cli: .claude))
        try claude.verifyAvailable(searchPath: FakeAgentHarness.agentDirectory)
    }

    @Test func notFoundOnPath() {
        #expect(throws: AgentError("Claude CLI not found on PATH. Install: https://docs.anthropic.com/en/docs/claude-code (No such file or directory (os error 2))")) {
            try AgentCommand(AgentConfig(cli: .claude)).verifyAvailable(searchPath: "/nonexistent")
        }
        #expect(throws: AgentError("OpenCode CLI not found on PATH. Install: https://github.com/opencode-ai/opencode (No such file or directory (os error 2))")) {
            try AgentCommand(AgentConfig(cli: .opencode)).verifyAvailable(searchPath: "/nonexistent")
        }
    }

    @Test func versionFailure() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.writeScript(directory + "/opencode", "#!/bin/sh\nexit 1\n")
        #expect(throws: AgentError("OpenCode CLI found but `opencode --version` failed")) {
            try AgentCommand(AgentConfig(cli: .opencode)).verifyAvailable(searchPath: directory)
        }
    }

    /// Found but not runnable is not "not found on PATH": the message says what to check.
    @Test func foundButNotStartable() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.writeScript(directory + "/claude", "#!/nonexistent/interpreter\n")
        do {
            try AgentCommand(AgentConfig(cli: .claude)).verifyAvailable(searchPath: directory)
            Issue.record("a claude whose interpreter is missing was accepted")
        } catch {
            #expect(error.description.hasPrefix("Claude CLI could not be started (`\(directory)/claude --version`): No such file or directory."),
                    "\(error.description)")
            #expect(error.description.contains("`#!` interpreter"))
        }
    }

    @Test func customCommandIsLookedUpNotRun() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let marker = directory + "/ran"
        try Self.writeScript(directory + "/agent", "#!/bin/sh\ntouch '\(marker)'\nexit 1\n")
        try AgentCommand(AgentConfig(cli: .command, command: ["agent"])).verifyAvailable(searchPath: directory)
        try AgentCommand(AgentConfig(cli: .command, command: [directory + "/agent"])).verifyAvailable()
        // Relative paths are relative to the root, the agent's working directory.
        try AgentCommand(AgentConfig(cli: .command, command: ["./agent"])).verifyAvailable(root: directory)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test func customCommandErrors() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: AgentError("Agent command (missing-agent) not found on PATH. Check [agent] command in phase-golem.toml. (No such file or directory (os error 2))")) {
            try AgentCommand(AgentConfig(cli: .command, command: ["missing-agent"])).verifyAvailable(searchPath: directory)
        }
        #expect(throws: AgentError("Agent command (./missing) not found. Check [agent] command in phase-golem.toml. (\(directory)/missing: No such file or directory)")) {
            try AgentCommand(AgentConfig(cli: .command, command: ["./missing"])).verifyAvailable(root: directory)
        }
        try Data("x".utf8).write(to: URL(fileURLWithPath: directory + "/plain"))
        #expect(throws: AgentError("Agent command (./plain) is not an executable file. Check [agent] command in phase-golem.toml. (\(directory)/plain)")) {
            try AgentCommand(AgentConfig(cli: .command, command: ["./plain"])).verifyAvailable(root: directory)
        }
    }

    @Test func pathNormalization() {
        #expect(AgentCommand.absolute("./.phase-golem/r.json", relativeTo: "/root/proj") == "/root/proj/.phase-golem/r.json")
        #expect(AgentCommand.absolute("/abs/x", relativeTo: "/root") == "/abs/x")
        #expect(AgentCommand.normalized("/a//b/./c/") == "/a/b/c")
        #expect(AgentCommand.absolute("x", relativeTo: ".").hasPrefix("/"))
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pg-cmd-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func writeScript(_ path: String, _ text: String) throws {
        try ExecutableScript.write(text, to: path)
    }
}
