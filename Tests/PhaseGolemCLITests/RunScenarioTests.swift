import Foundation
import Testing
import PhaseGolemCore

/// The run loop end to end: pipelines, triage, breaker, filters, follow-ups, merges, staleness,
/// and git history, through the real binary and the scripted fake agent (timeouts and other
/// agent misbehaviour: `AgentMisbehaviourTests`).
@Suite("run: scenarios", .serialized, .processSlot)
struct RunScenarioTests {
    @Test("a New item is triaged (small, low risk), promoted and walked through every main phase")
    func fullPipeline() throws {
        let id = "WRK-00001"
        let root = try RunHarness.project(items: [RunHarness.item(id, "Add login", status: .new)])
        defer { CLIHarness.remove(root) }
        let result = try RunHarness.run([], in: root, script: ["\(id) triage triage small"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(RunHarness.agentLog(root) == ["\(id) triage 1", "\(id) prd 1", "\(id) build 1", "\(id) review 1"])
        #expect(result.stderr.contains("\(id) → in_progress (starting at prd)\n"))
        #expect(result.stderr.contains("[\(id)][BUILD] Starting phase (destructive)\n"))
        #expect(result.stderr.contains("\(id) completed and archived\n"))
        #expect(RunHarness.summaryLines(result.stderr) == [
            "--- Run Summary ---", "Phases executed: 4", "Items completed: \(id)", "Halt reason: AllDoneOrBlocked",
        ])
        #expect(try RunHarness.archived(root) == [id])
        #expect(try RunHarness.active(root).isEmpty)
        let subjects = try RunHarness.subjects(root)
        #expect(subjects.contains("[\(id)][triage] Phase output"))
        #expect(subjects.contains("[\(id)][build] Phase output"))
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
        // The worklog went into git with the rest (docs/decisions.md D4).
        let tracked = try CLIHarness.git(["ls-files", "_worklog"], in: root)
        #expect(tracked.hasPrefix("_worklog/"))
        // The store a run leaves behind is canonical and strictly readable.
        let bytes = try [UInt8](CLIHarness.read(root + "/.task-golem/archive.jsonl"))
        let archive = try StoreFileFormat.parse(bytes, path: "archive.jsonl", strict: true)
        for item in archive.items {
            #expect(String(decoding: item.sourceLine ?? [], as: UTF8.self) == item.canonicalLine(dialect: .v01))
        }
    }

    @Test("medium-size triage goes to scoping at the first pre-phase; guardrails block at the end of pre-phases")
    func guardrails() throws {
        let id = "WRK-00002"
        let root = try RunHarness.project(items: [RunHarness.item(id, "Rewrite the scheduler", status: .new)])
        defer { CLIHarness.remove(root) }
        // Triage "medium" assesses risk medium, above the default max_risk = low: the gate at the
        // end of the pre-phases blocks it, and the phase stays at the last pre-phase.
        let result = try RunHarness.run([], in: root, script: ["\(id) triage triage medium", "\(id) research complete Scoped"])
        #expect(result.stderr.contains("[\(id)][TRIAGE] Result: PHASE_COMPLETE — Triaged as medium\n"))
        #expect(RunHarness.agentLog(root) == ["\(id) triage 1", "\(id) research 1"])
        let item = try #require(try RunHarness.active(root)[id])
        #expect(item.pgStatus == .blocked)
        #expect(item.blockedReason == "Exceeds autonomous guardrail thresholds")
        #expect(item.phase == "research")
        #expect(item.blockedFromPGStatus == .scoping)
        #expect(result.stderr.contains("[\(id)] Blocked: Exceeds autonomous guardrail thresholds\n"))
        #expect(result.status == 1)
    }

    @Test("the breaker threshold comes from execution.circuit_breaker_threshold")
    func breakerThreshold() throws {
        let root = try RunHarness.project(items: [
            RunHarness.item("WRK-00001", status: .inProgress, phase: "review", pool: .main, created: 1),
            RunHarness.item("WRK-00002", status: .inProgress, phase: "review", pool: .main, created: 2),
            RunHarness.item("WRK-00003", status: .inProgress, phase: "review", pool: .main, created: 3),
        ], config: RunHarness.config(breaker: 3, extraExecution: "max_wip = 3\n"))
        defer { CLIHarness.remove(root) }
        let result = try RunHarness.run([], in: root, script: ["* review fail Broken agent"])
        #expect(result.stderr.contains("Circuit breaker tripped: 3 consecutive items exhausted retries\n"))
        #expect(RunHarness.agentLog(root).count == 3)
    }

    @Test("--only: no match halts NoMatchingItems; matches run until FilterExhausted")
    func filters() throws {
        let root = try RunHarness.project(items: [
            RunHarness.item("WRK-00001", status: .inProgress, phase: "review", pool: .main, extra: ["x-pg-impact": .string("high")]),
            RunHarness.item("WRK-00002", status: .inProgress, phase: "review", pool: .main, extra: ["x-pg-impact": .string("low")]),
        ], config: RunHarness.config(extraExecution: "max_wip = 2\n"))
        defer { CLIHarness.remove(root) }
        var result = try RunHarness.run(["--only", "size=large"], in: root)
        #expect(result.stderr.contains("[filter] No items match filter criteria: size=large\n"))
        #expect(RunHarness.summaryLines(result.stderr).suffix(2) == ["Filter: no items match size=large", "Halt reason: NoMatchingItems"])
        #expect(result.status == 0)
        result = try RunHarness.run(["--only", "impact=high"], in: root)
        #expect(RunHarness.agentLog(root) == ["WRK-00001 review 1"])
        #expect(RunHarness.summaryLines(result.stderr).suffix(2) == ["Filter: all items matching impact=high are done or blocked", "Halt reason: FilterExhausted"])
        result = try RunHarness.run(["--only", "impact=huge"], in: root)
        #expect(result.status == 1)
        #expect(result.stderr.contains("Invalid value 'huge' for field 'impact'. Valid values: low, medium, high"))
    }

    @Test("follow-ups become New items with an origin; the cap stops the run")
    func followUpsAndCap() throws {
        let id = "WRK-00001"
        let root = try RunHarness.project(items: [RunHarness.item(id, status: .inProgress, phase: "prd", pool: .main)])
        defer { CLIHarness.remove(root) }
        let result = try RunHarness.run(["--cap", "1"], in: root, script: ["\(id) prd complete PRD written"],
                                        environment: ["FAKE_AGENT_FOLLOWUP": "Document the API"])
        #expect(result.stderr.contains("Follow-ups: 1 new items added to backlog\n"))
        #expect(RunHarness.summaryLines(result.stderr) == [
            "--- Run Summary ---", "Phases executed: 1", "Follow-ups created: 1", "Halt reason: CapReached",
        ])
        let items = try RunHarness.active(root)
        let followUp = try #require(items.values.first { $0.id != id })
        #expect(followUp.title == "Document the API")
        #expect(followUp.pgStatus == .new)
        #expect(followUp.origin == "\(id)/prd")
        #expect(followUp.id.hasPrefix("WRK-"))
        #expect(items[id]?.phase == "build")
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
    }

    @Test("triage duplicates: the triaged hex-id item is merged into the duplicate and archived")
    func merge() throws {
        let dup = "WRK-0000d"
        let fresh = "WRK-0000e"
        let root = try RunHarness.project(items: [
            RunHarness.item(dup, "Login page", status: .inProgress, phase: "review", pool: .main, created: 1),
            RunHarness.item(fresh, "Login screen", status: .new, created: 2),
        ])
        defer { CLIHarness.remove(root) }
        let result = try RunHarness.run(["--target", fresh], in: root, script: ["\(fresh) triage triage dup \(dup)"])
        #expect(result.stderr.contains("[\(fresh)] Merged \(fresh) into \(dup) (duplicate)\n"))
        #expect(RunHarness.summaryLines(result.stderr).contains("Items merged: 1"))
        #expect(try RunHarness.archived(root) == [fresh])
        let target = try #require(try RunHarness.active(root)[dup])
        #expect(target.structuredDescription?.context.contains("[Merged from \(fresh)] Title: Login screen") == true)
    }

    @Test("staleness block: a destructive phase whose anchor left history is blocked before the agent runs")
    func staleness() throws {
        let id = "WRK-00001"
        let config = RunHarness.config().replacingOccurrences(
            of: "{ name = \"build\", workflows = [\"wf/build.md\"], is_destructive = true }",
            with: "{ name = \"build\", workflows = [\"wf/build.md\"], is_destructive = true, staleness = \"block\" }")
        let root = try RunHarness.project(items: [
            RunHarness.item(id, status: .inProgress, phase: "build", pool: .main,
                            extra: ["x-pg-last-phase-commit": .string("0123456789abcdef0123456789abcdef01234567")]),
        ], config: config)
        defer { CLIHarness.remove(root) }
        let result = try RunHarness.run([], in: root)
        #expect(RunHarness.agentLog(root).isEmpty)
        let item = try #require(try RunHarness.active(root)[id])
        #expect(item.pgStatus == .blocked)
        // The original's words: its coordinator's `Git error: ` and git's exit 128 as `git merge-base failed`.
        #expect(item.blockedReason?.hasPrefix(
            "Staleness check failed for commit 0123456789abcdef0123456789abcdef01234567: Git error: git merge-base failed: ") == true,
            "\(item.blockedReason ?? "nil")")
        #expect(result.status == 1)
    }

    @Test("agent output is saved in full under .phase-golem/logs and echoed in plain mode")
    func outputCapture() throws {
        let id = "WRK-00001"
        let root = try RunHarness.project(items: [RunHarness.item(id, status: .inProgress, phase: "review", pool: .main)])
        defer { CLIHarness.remove(root) }
        let result = try RunHarness.run([], in: root, script: ["\(id) review flood 5000"])
        #expect(result.status == 0)
        let logs = try FileManager.default.subpathsOfDirectory(atPath: root + "/.phase-golem/logs").filter { $0.hasSuffix(".log") }
        let log = try #require(logs.first { $0.hasSuffix("\(id)_review_1.log") })
        let text = try String(contentsOfFile: root + "/.phase-golem/logs/" + log, encoding: .utf8)
        #expect(text.split(separator: "\n").filter { $0.contains("flood line") }.count == 5000)
        #expect(result.stderr.split(separator: "\n").filter { $0.contains("flood line") }.count == 5000)
    }

    @Test("SIGTERM mid-phase: graceful shutdown, state committed, clean tree, ShutdownRequested")
    func sigterm() throws {
        let id = "WRK-00001"
        let root = try RunHarness.project(items: [RunHarness.item(id, status: .inProgress, phase: "review", pool: .main)])
        defer { CLIHarness.remove(root) }
        let run = try RunEdgeTests.startRun(root, script: "\(id) review sleep 30\n")
        defer { run.stop() }
        kill(run.process.processIdentifier, SIGTERM)
        run.process.waitUntilExit()
        let stderr = run.stderr
        #expect(stderr.contains("Received SIGTERM"))
        #expect(RunHarness.summaryLines(stderr).last == "Halt reason: ShutdownRequested")
        #expect(run.process.terminationStatus == 0)
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
        #expect(try RunHarness.active(root)[id]?.pgStatus == .inProgress)
    }

    @Test("a dirty tree outside the store refuses to run; store-only changes are committed first (D4)")
    func dirtyTree() throws {
        let id = "WRK-00001"
        let root = try RunHarness.project(items: [RunHarness.item(id, status: .inProgress, phase: "review", pool: .main)])
        defer { CLIHarness.remove(root) }
        try CLIHarness.write("x", to: root + "/notes.txt")
        var result = try RunHarness.run([], in: root)
        #expect(result.status == 1)
        #expect(result.stderr.contains("Error: Working tree is not clean. Commit or stash changes before running phase-golem."))
        try FileManager.default.removeItem(atPath: root + "/notes.txt")
        // `add` while a run holds the lock leaves the store dirty; the next run commits it.
        do {
            let lock = try RuntimeLock(root: root)
            _ = try CLIHarness.run(["add", "Later"], in: root)
            withExtendedLifetime(lock) {}
        }
        result = try RunHarness.run(["--cap", "0"], in: root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try RunHarness.subjects(root).contains("[phase-golem] Save task state before run"))
    }
}
