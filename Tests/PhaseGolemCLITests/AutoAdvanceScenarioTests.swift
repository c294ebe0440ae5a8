import Foundation
import Testing
import PhaseGolemCore

/// The multi-target auto-advance wiring through the real binary: flags and config, exit codes,
/// the plain log and the commits. The design's flows one by one are `SchedulerFlowTests` (in process).
@Suite("run: targets and auto-advance", .serialized, .processSlot)
struct AutoAdvanceScenarioTests {
    static let a = "WRK-0000a"
    static let b = "WRK-0000b"
    static let c = "WRK-0000c"

    /// Three targets, each one phase (review) from done.
    static func project(config: String = RunHarness.config()) throws -> String {
        try RunHarness.project(items: [
            RunHarness.item(a, "First target", status: .inProgress, phase: "review", pool: .main, created: 1),
            RunHarness.item(b, "Second target", status: .inProgress, phase: "review", pool: .main, created: 2),
            RunHarness.item(c, "Third target", status: .inProgress, phase: "review", pool: .main, created: 3),
        ], config: config)
    }

    @Test("without auto-advance a blocked target halts the run (TargetBlocked, exit 1)")
    func blockedHalts() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        let result = try RunHarness.run(["--target", Self.a, "--target", Self.b], in: root, script: ["\(Self.a) review block Needs a product decision"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("[target] \(Self.a) blocked (1/2). Halting.\n"))
        #expect(RunHarness.summaryLines(result.stderr) == [
            "--- Run Summary ---", "Phases executed: 1", "Items blocked: \(Self.a)", "Halt reason: TargetBlocked",
        ])
        #expect(result.stderr.hasSuffix("Error: All targets blocked; no items completed\n"))
        #expect(RunHarness.agentLog(root) == ["\(Self.a) review 1"])
        let items = try RunHarness.active(root)
        #expect(items[Self.a]?.pgStatus == .blocked)
        #expect(items[Self.a]?.blockedReason == "Needs a product decision")
        #expect(items[Self.b]?.pgStatus == .inProgress)
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
    }

    @Test("with auto-advance the run skips the blocked target, completes the next, exits 0")
    func blockedAdvances() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        let result = try RunHarness.run(["--target", Self.a, "--target", Self.b, "--auto-advance"], in: root,
                                        script: ["\(Self.a) review block Needs a product decision"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("[target] \(Self.a) blocked (1/2). Auto-advancing.\n"))
        #expect(RunHarness.summaryLines(result.stderr) == [
            "--- Run Summary ---", "Phases executed: 2", "Items completed: \(Self.b)", "Items blocked: \(Self.a)",
            "Halt reason: TargetCompleted",
        ])
        #expect(RunHarness.agentLog(root) == ["\(Self.a) review 1", "\(Self.b) review 1"])
        #expect(try RunHarness.archived(root) == [Self.b])
        // docs/decisions.md D9: the blocked state is committed on its own before the next target's first commit.
        let subjects = try RunHarness.subjects(root)
        let blockedCommit = try #require(subjects.firstIndex(of: "[phase-golem] Save task state: \(Self.a) blocked"))
        let nextPhase = try #require(subjects.firstIndex { $0.hasPrefix("[\(Self.b)][review]") })
        #expect(blockedCommit < nextPhase)
        let shown = try CLIHarness.git(["show", "HEAD~0:.task-golem/tasks.jsonl"], in: root)
        #expect(shown.contains("\"id\":\"\(Self.a)\""))
        let atBlockedCommit = try CLIHarness.git(["show", "HEAD~\(subjects.count - 1 - blockedCommit):.task-golem/tasks.jsonl"], in: root)
        let line = try #require(atBlockedCommit.split(separator: "\n").first { $0.contains("\"id\":\"\(Self.a)\"") })
        #expect(line.contains("\"status\":\"blocked\""))
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
    }

    @Test("the config default execution.auto_advance = true advances; --no-auto-advance overrides it")
    func configDefault() throws {
        let root = try Self.project(config: RunHarness.config(autoAdvance: true))
        defer { CLIHarness.remove(root) }
        let script = ["\(Self.a) review block Stop"]
        var result = try RunHarness.run(["--target", Self.a, "--target", Self.b, "--no-auto-advance"], in: root, script: script)
        #expect(result.stderr.contains("Halting."))
        #expect(result.status == 1)
        let root2 = try Self.project(config: RunHarness.config(autoAdvance: true))
        defer { CLIHarness.remove(root2) }
        result = try RunHarness.run(["--target", Self.a, "--target", Self.b], in: root2, script: script)
        #expect(result.stderr.contains("Auto-advancing."))
        #expect(result.status == 0)
    }

    @Test("targets already done, already blocked or not found are skipped with their log lines")
    func skips() throws {
        let root = try RunHarness.project(items: [
            RunHarness.item(Self.a, status: .blocked, blockedReason: "Waiting for legal"),
            RunHarness.item(Self.c, status: .inProgress, phase: "review", pool: .main),
        ])
        defer { CLIHarness.remove(root) }
        // WRK-0000b is archived (done) before the run.
        let archivedLine = RunHarness.item(Self.b, status: .done)
        try CLIHarness.write("{\"schema_version\":1}\n\(archivedLine)\n", to: root + "/.task-golem/archive.jsonl")
        try CLIHarness.git(["commit", "-qam", "archive b"], in: root)
        let result = try RunHarness.run(["--target", Self.a, "--target", Self.c], in: root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("[target] \(Self.a) already blocked. Skipping (1/2).\n"))
        #expect(RunHarness.summaryLines(result.stderr) == [
            "--- Run Summary ---", "Phases executed: 1", "Items completed: \(Self.c)", "Halt reason: TargetCompleted",
        ])
        // docs/decisions.md D11: the target completed in this run is not reported again as not found.
        #expect(!result.stderr.contains("\(Self.c) not found"))
    }

    @Test("target validation: format (D2), existence and duplicates reported together, exit 1; --only with --target exit 2")
    func validation() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        var result = try RunHarness.run(["--target", "WRK-a/b", "--target", "WRK-99999", "--target", Self.a, "--target", Self.a], in: root)
        #expect(result.status == 1)
        #expect(result.stderr.contains("""
            Error: Target validation failed:
              - Invalid target format 'WRK-a/b'
            """))
        #expect(result.stderr.contains("  - Target 'WRK-99999' not found in backlog\n"))
        #expect(result.stderr.contains("  - Duplicate targets: \(Self.a)\n"))
        #expect(RunHarness.agentLog(root).isEmpty)
        result = try RunHarness.run(["--target", Self.a, "--only", "impact=high"], in: root)
        #expect(result.status == 2)
        // The original's argument parser's words, naming the flag that came first.
        #expect(result.stderr == "error: the argument '--target <TARGET>' cannot be used with '--only <ONLY>'\n\n"
            + "Usage: phase-golem run --target <TARGET>\n\nFor more information, try '--help'.\n")
        result = try RunHarness.run(["--only=impact=high", "--target=\(Self.a)"], in: root)
        #expect(result.status == 2)
        #expect(result.stderr == "error: the argument '--only <ONLY>' cannot be used with '--target <TARGET>'\n\n"
            + "Usage: phase-golem run --only <ONLY>\n\nFor more information, try '--help'.\n")
        result = try RunHarness.run(["--target", Self.a, "--auto-advance", "--no-auto-advance"], in: root)
        #expect(result.status == 2)
    }
}
