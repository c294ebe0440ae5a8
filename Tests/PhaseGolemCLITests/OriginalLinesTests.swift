import Foundation
import Testing
import PhaseGolemCore

/// Plain-mode lines pinned byte for byte against what the original prints in the same
/// situation (recorded by running it side by side on copies of the same project): scripts
/// match these lines, so ours may only add lines of its own (`hint: …`), never change one.
///
/// The agent is `claude` found on `PATH` (the fake agent's folder), as in an original project.
@Suite("plain output: the original's lines", .processSlot)
struct OriginalLinesTests {
    static var fakeAgentFolder: String { (RunHarness.fakeAgent as NSString).deletingLastPathComponent }

    static var environment: [String: String] {
        ["PATH": fakeAgentFolder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
    }

    /// The harness's pipeline with the agent left at its default (`claude`).
    static func project(items: [String]) throws -> String {
        let config = RunHarness.config().replacingOccurrences(of: "cli = \"command\"\ncommand = [\"\(RunHarness.fakeAgent)\"]\n", with: "")
        return try RunHarness.project(items: items, config: config)
    }

    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test("a failed preflight: the header, the agent check with its space before the dots, and the three-line block")
    func failedPreflight() throws {
        let root = try Self.project(items: [RunHarness.item("WRK-001", status: .ready)])
        defer { CLIHarness.remove(root) }
        try FileManager.default.removeItem(atPath: root + "/wf/prd.md")
        try CLIHarness.git(["commit", "-q", "-am", "no prd workflow"], in: root)
        let result = try CLIHarness.run(["run"], in: root, environment: Self.environment)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(Self.lines(result.stderr) == [
            "--- Phase Golem ---",
            "",
            "[pre] Acquiring lock...",
            "[pre] Checking git preconditions...",
            "[pre] Verifying Claude CLI ...",
            "[config] Agent: Claude CLI (model: default)",
            "[config] Binary: \(RunHarness.fakeAgent)",
            "",
            "[config] Prefix: WRK",
            "[config] Guardrails: max_size=medium, max_complexity=medium, max_risk=low",
            "[config] Execution: max_wip=1, max_concurrent=1, timeout=1min, retries=0",
            "[config] Phase cap: 100",
            "",
            "[pipeline:feature] pre: [research] -> main: [prd -> build -> review]",
            "",
            "[backlog] 1 items: 0 new, 0 scoping, 1 ready, 0 in-progress, 0 blocked, 0 done",
            "[backlog] Next up:",
            "  WRK-001 (Ready) phase=- -- Item",
            "",
            "[pre] Running preflight checks...",
            "[pre] Preflight FAILED:",
            "  Preflight error: Workflow file not found: wf/prd.md",
            "  Config: phase-golem.toml → pipelines → workflows",
            "  Fix: Create the workflow file at wf/prd.md or update the path",
            "Error: 1 preflight error(s) -- fix all issues before running",
            "",
        ], "\(result.stderr)")
    }

    @Test("no store folder: the run reaches preflight, which reports it in the original's three lines")
    func missingStoreFolder() throws {
        let root = try Self.project(items: [])
        defer { CLIHarness.remove(root) }
        try CLIHarness.git(["rm", "-rq", ".task-golem"], in: root)
        try CLIHarness.git(["commit", "-q", "-m", "no store"], in: root)
        let result = try CLIHarness.run(["run"], in: root, environment: Self.environment)
        #expect(result.status == 1)
        #expect(result.stderr.hasSuffix("""
            [backlog] 0 items: 0 new, 0 scoping, 0 ready, 0 in-progress, 0 blocked, 0 done

            [pre] Running preflight checks...
            [pre] Preflight FAILED:
              Preflight error: .task-golem/ directory not found
              Config: ./.task-golem
              Fix: Run `tg init` to initialize the task-golem store
            Error: 1 preflight error(s) -- fix all issues before running

            """), "\(result.stderr)")
    }

    @Test("a dirty tree: the original's error line unchanged, the dirty paths on a hint line after it")
    func dirtyTree() throws {
        let root = try Self.project(items: [RunHarness.item("WRK-001", status: .ready)])
        defer { CLIHarness.remove(root) }
        try CLIHarness.write("mine\n", to: root + "/notes.txt")
        let result = try CLIHarness.run(["run"], in: root, environment: Self.environment)
        #expect(result.status == 1)
        #expect(Self.lines(result.stderr) == [
            "--- Phase Golem ---",
            "",
            "[pre] Acquiring lock...",
            "[pre] Checking git preconditions...",
            "Error: Working tree is not clean. Commit or stash changes before running phase-golem.",
            "hint: uncommitted: notes.txt",
            "",
        ], "\(result.stderr)")
    }

    @Test("target validation: the original's block, then hint lines")
    func targetValidation() throws {
        let root = try Self.project(items: [RunHarness.item("WRK-001", status: .ready)])
        defer { CLIHarness.remove(root) }
        let result = try CLIHarness.run(["run", "--target", "WRK-", "--target", "WRK-999", "--target", "WRK-001", "--target", "WRK-001"],
                                        in: root, environment: Self.environment)
        #expect(result.status == 1)
        #expect(result.stderr.hasSuffix("""
            [config] Binary: \(RunHarness.fakeAgent)
            Error: Target validation failed:
              - Invalid target format 'WRK-': expected <prefix>-<id> (numeric or hex suffix)
              - Target 'WRK-' not found in backlog
              - Target 'WRK-999' not found in backlog
              - Duplicate targets: WRK-001
            hint: use the ids `phase-golem status` lists (active items) or archived ones, each once
            hint: an id is a prefix and a suffix of ASCII letters and digits joined by '-' (e.g. WRK-a1b2c)

            """), "\(result.stderr)")
    }

    @Test("claude not on PATH: the original's line, its cause worded as Rust words it")
    func agentNotFound() throws {
        let root = try Self.project(items: [RunHarness.item("WRK-001", status: .ready)])
        defer { CLIHarness.remove(root) }
        let result = try CLIHarness.run(["run"], in: root, environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status == 1)
        #expect(result.stderr.hasSuffix("""
            [pre] Verifying Claude CLI ...
            Error: Claude CLI not found on PATH. Install: https://docs.anthropic.com/en/docs/claude-code (No such file or directory (os error 2))

            """), "\(result.stderr)")
    }

    @Test("the triage command prints no run header, lock or git lines, as the original's does not")
    func triageHeader() throws {
        let root = try Self.project(items: [RunHarness.item("WRK-001", status: .new)])
        defer { CLIHarness.remove(root) }
        try CLIHarness.write("* triage triage small\n", to: root + "/.git/fake-agent-script")
        let environment = Self.environment.merging(RunHarness.agentEnvironment(root)) { _, new in new }
        let result = try CLIHarness.run(["triage"], in: root, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = Self.lines(result.stderr).filter { !$0.hasPrefix("fake-agent") }
        #expect(Array(lines.prefix(5)) == [
            "[pre] Verifying Claude CLI ...",
            "[config] Agent: Claude CLI (model: default)",
            "[config] Binary: \(RunHarness.fakeAgent)",
            "[WRK-001][TRIAGE] Starting triage",
            "[WRK-001][TRIAGE] Result: PhaseComplete -- Triaged as small",
        ], "\(result.stderr)")
        #expect(lines.suffix(2) == ["Triaged 1 item(s)", ""], "\(result.stderr)")
    }

    @Test("a malformed store line: the original's lines up to the error, which is said once")
    func malformedStore() throws {
        let root = try Self.project(items: [RunHarness.item("WRK-001", status: .ready)])
        defer { CLIHarness.remove(root) }
        let store = root + "/.task-golem/tasks.jsonl"
        try CLIHarness.write(String(decoding: try CLIHarness.read(store), as: UTF8.self) + "garbage\n", to: store)
        try CLIHarness.git(["commit", "-q", "-am", "broken store"], in: root)
        let result = try CLIHarness.run(["run"], in: root, environment: Self.environment)
        #expect(result.status == 1)
        let lines = Self.lines(result.stderr)
        #expect(Array(lines.prefix(7)) == [
            "--- Phase Golem ---",
            "",
            "[pre] Acquiring lock...",
            "[pre] Checking git preconditions...",
            "[pre] Verifying Claude CLI ...",
            "[config] Agent: Claude CLI (model: default)",
            "[config] Binary: \(RunHarness.fakeAgent)",
        ], "\(result.stderr)")
        #expect(lines.count > 7 && lines[7].hasPrefix("Error: Failed to load task-golem store: Storage corruption: Malformed item on line 3"),
                "\(result.stderr)")
    }

    @Test("status on a malformed store: the original's `Failed to load task-golem store:` prefix")
    func statusMalformedStore() throws {
        let root = try Self.project(items: [RunHarness.item("WRK-001", status: .ready)])
        defer { CLIHarness.remove(root) }
        let store = root + "/.task-golem/tasks.jsonl"
        try CLIHarness.write(String(decoding: try CLIHarness.read(store), as: UTF8.self) + "garbage\n", to: store)
        let result = try CLIHarness.run(["status"], in: root, environment: Self.environment)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix("Error: Failed to load task-golem store: Storage corruption: Malformed item on line 3"), "\(result.stderr)")
        #expect(Self.lines(result.stderr).count == 2, "one line, then the end: \(result.stderr)")
    }

    @Test("status without a store: the original's empty backlog line, then a hint where the store is looked for")
    func statusWithoutStore() throws {
        let root = try Self.project(items: [])
        defer { CLIHarness.remove(root) }
        try FileManager.default.removeItem(atPath: root + "/.task-golem")
        let result = try CLIHarness.run(["status"], in: root, environment: Self.environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "No items in backlog.\n")
        #expect(result.stderr == "hint: no ./.task-golem/ store here: run `phase-golem init` in the project root, or pass --root\n")
        let json = try CLIHarness.run(["status", "--json"], in: root, environment: Self.environment)
        #expect(json.status == 0 && json.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]", "\(json.stdout)")
    }
}
