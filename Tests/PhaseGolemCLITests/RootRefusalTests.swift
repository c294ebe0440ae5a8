import Foundation
import Testing
import PhaseGolemCore

/// Claude Code refuses `--dangerously-skip-permissions` as root unless `IS_SANDBOX=1`
/// (docs/decisions.md D14): the run stops in preflight with the cause and the fix, before any
/// item is touched. The agent is the fake `claude` on `PATH`; the tests run as root.
@Suite("root refusal in preflight", .processSlot)
struct RootRefusalTests {
    @Test("root without IS_SANDBOX: preflight error in three lines, exit 1, nothing attempted, nothing changed")
    func refused() throws {
        try #require(getuid() == 0, "this test needs root, as CI runs it")
        let root = try OriginalLinesTests.project(items: [RunHarness.item("WRK-001", status: .ready)])
        defer { CLIHarness.remove(root) }
        let before = try CLIHarness.read(root + "/.task-golem/tasks.jsonl")
        let head = try CLIHarness.git(["rev-parse", "HEAD"], in: root)
        let environment = OriginalLinesTests.environment.merging(RunHarness.agentEnvironment(root)) { _, new in new }
        let result = try CLIHarness.run(["run"], in: root, environment: environment, unsetting: [CLIHarness.sandboxVariable])
        #expect(result.status == 1)
        let lines = OriginalLinesTests.lines(result.stderr)
        let start = try #require(lines.firstIndex(of: "[pre] Preflight FAILED:"), "\(result.stderr)")
        #expect(Array(lines[start...]) == [
            "[pre] Preflight FAILED:",
            "  Preflight error: Claude CLI refuses to run as root: phase-golem starts it with --dangerously-skip-permissions, "
                + "which it rejects for the root user unless IS_SANDBOX=1 is set",
            "  Config: phase-golem.toml → agent.cli",
            "  Fix: Run phase-golem as a normal (non-root) user; or, if this machine is a sandbox (a container or a throwaway VM), "
                + "set IS_SANDBOX=1 in the environment yourself (phase-golem never sets it for you)",
            "Error: 1 preflight error(s) -- fix all issues before running",
            "",
        ], "\(result.stderr)")
        #expect(RunHarness.agentLog(root).isEmpty)
        #expect(try CLIHarness.read(root + "/.task-golem/tasks.jsonl") == before)
        #expect(try CLIHarness.git(["rev-parse", "HEAD"], in: root) == head)
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
    }

    @Test("root with IS_SANDBOX=1 set by the operator: the run goes ahead")
    func sandboxAccepted() throws {
        let root = try OriginalLinesTests.project(items: [RunHarness.item("WRK-001", status: .inProgress, phase: "review", pool: .main)])
        defer { CLIHarness.remove(root) }
        let result = try RunHarness.run(["--target", "WRK-001"], in: root, environment: OriginalLinesTests.environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("[pre] Preflight passed."))
        #expect(RunHarness.agentLog(root) == ["WRK-001 review 1"])
    }
}
