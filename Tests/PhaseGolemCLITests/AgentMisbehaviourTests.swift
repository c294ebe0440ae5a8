import Foundation
import Testing
import PhaseGolemCore

/// A real `run` against an agent that misbehaves, one behaviour per test: each ends in the
/// documented state (docs/compatibility.md#running-one-phase, docs/compatibility.md#agents) with the reason in the store and in the output,
/// leaves no process behind, and prints one figure line.
///
/// Covered elsewhere, not repeated here: invalid JSON, exit 3 and exit 0 without a result
/// (`RunEdgeTests.retries`), a result for another item (`RunEdgeTests.identityMismatch`), a
/// stubborn child killed by a second Ctrl-C (`RunEdgeTests.doubleInterrupt`); the runner-level
/// details (log contents, callback sanitizing, line limits) in `CLIAgentRunnerTests`.
@Suite("run: agent misbehaviour", .serialized, .processSlot)
struct AgentMisbehaviourTests {
    static let id = "WRK-00001"
    static let resultPath = "./.phase-golem/phase_result_WRK-00001_review.json"
    /// 0.03 minutes: the agent is killed after 1.8 s.
    static let timeoutMinutes = 0.03

    /// A project whose one item is in its last phase (review): success archives it.
    static func project(timeoutMinutes: Double = 1) throws -> String {
        try RunHarness.project(items: [RunHarness.item(id, "Only item", status: .inProgress, phase: "review", pool: .main)],
                               config: RunHarness.config(timeoutMinutes: timeoutMinutes))
    }

    /// Runs the project once with the agent doing `action`; returns the result and the seconds taken.
    static func drive(_ root: String, _ action: String, environment: [String: String] = [:]) throws -> (CLIHarness.Result, Double) {
        let start = Date()
        let result = try RunHarness.run([], in: root, script: ["\(id) review \(action)"], environment: environment)
        return (result, Date().timeIntervalSince(start))
    }

    /// The item is blocked with exactly `reason`, which the output reports too; one attempt ran.
    /// Returns whether every check passed.
    @discardableResult
    /// `lastWords`: what the stored reason quotes after the original's text (docs/decisions.md D14,
    /// an agent that exited non-zero without a result); the output line keeps the original's text.
    static func expectBlocked(_ root: String, _ result: CLIHarness.Result, reason: String, lastWords: String? = nil) throws -> Bool {
        let item = try RunHarness.active(root)[id]
        let stored = lastWords.map { reason + " — the agent's last words: " + $0 } ?? reason
        let checks = [
            check(result.status == 1, "\(result.stderr)"),
            check(item?.pgStatus == .blocked, "status \(String(describing: item?.pgStatus))"),
            check(item?.blockedReason == stored, "reason \(String(describing: item?.blockedReason))"),
            check(result.stderr.contains("[\(id)] Phase failed: \(reason)\n"), "\(result.stderr)"),
            check(RunHarness.summaryLines(result.stderr).contains("Items blocked: \(id)"), "\(RunHarness.summaryLines(result.stderr))"),
            check(RunHarness.agentLog(root) == ["\(id) review 1"], "\(RunHarness.agentLog(root))"),
            check(try CLIHarness.git(["status", "--porcelain"], in: root) == "", "the tree is not clean"),
        ]
        return !checks.contains(false)
    }

    /// Records an issue unless `ok`; returns `ok`, so a figure line can depend on it.
    static func check(_ ok: Bool, _ comment: @autoclosure () -> Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        #expect(ok, comment(), sourceLocation: sourceLocation)
        return ok
    }

    /// The live members of process group `group`, SIGKILLed if there are any (a failing test
    /// leaves nothing running), as text for the failure message.
    static func survivors(ofGroup group: String) throws -> [String] {
        ProcTable.kill(ProcTable.liveMembers(ofGroup: try #require(pid_t(group), "process group '\(group)'")))
    }

    /// The number after `prefix` in the output.
    static func number(after prefix: String, in text: String) throws -> String {
        let range = try #require(text.range(of: prefix), "no '\(prefix)' in the output")
        return String(text[range.upperBound...].prefix { $0.isNumber })
    }

    @Test("hang: killed at the timeout with its whole process group, blocked with the reason")
    func hang() throws {
        let root = try Self.project(timeoutMinutes: Self.timeoutMinutes)
        defer { CLIHarness.remove(root) }
        let (result, seconds) = try Self.drive(root, "hang")
        let group = try Self.number(after: "fake-agent: hanging in process group ", in: result.stderr)
        let survivors = try Self.survivors(ofGroup: group)
        #expect(survivors.isEmpty, "\(survivors)")
        let blocked = try Self.expectBlocked(root, result, reason: "Phase review failed after 1 attempts. Last error: Agent timed out after 1.8 seconds")
        #expect(seconds < 10, "took \(seconds) s")
        guard blocked, survivors.isEmpty, seconds < 10 else { return }
        print("agent-misbehaviour: hang → blocked (timed out at 1.8 s), run took \(String(format: "%.1f", seconds)) s, "
            + "process group \(group): \(survivors.count) survivors")
    }

    /// The one-item project with a 1.2 s idle limit and a minute's phase timeout.
    static func idleProject() throws -> String {
        try RunHarness.project(items: [RunHarness.item(id, "Only item", status: .inProgress, phase: "review", pool: .main)],
                               config: RunHarness.config(timeoutMinutes: 1, extraExecution: "idle_timeout_minutes = 0.02\n"))
    }

    @Test("idle: an agent silent past execution.idle_timeout_minutes is stopped like a timeout, its group killed")
    func idle() throws {
        let root = try Self.idleProject()
        defer { CLIHarness.remove(root) }
        let (result, seconds) = try Self.drive(root, "hang")
        let group = try Self.number(after: "fake-agent: hanging in process group ", in: result.stderr)
        let survivors = try Self.survivors(ofGroup: group)
        #expect(survivors.isEmpty, "\(survivors)")
        let blocked = try Self.expectBlocked(
            root, result, reason: "Phase review failed after 1 attempts. Last error: Agent printed nothing for 1.2 seconds (execution.idle_timeout_minutes)")
        // Stopped at 1.2 s of silence, long before the minute of the phase timeout.
        #expect(seconds < 20, "took \(seconds) s")
        guard blocked, survivors.isEmpty, seconds < 20 else { return }
        print("agent-misbehaviour: silent agent → blocked (idle 1.2 s), run took \(String(format: "%.1f", seconds)) s")
    }

    @Test("idle: an agent that keeps printing, more slowly than the limit in total, is not stopped")
    func slowButAlive() throws {
        let root = try Self.idleProject()
        defer { CLIHarness.remove(root) }
        // 8 lines 0.5 s apart: 4 s in all, never 1.2 s silent.
        let (result, _) = try Self.drive(root, "ticks 8 0.5")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try RunHarness.archived(root) == [Self.id])
        #expect(result.stderr.contains("tick 8"))
    }

    @Test("forked children ignoring SIGTERM: SIGKILLed after the grace period, none left")
    func stubbornChildren() throws {
        let root = try Self.project(timeoutMinutes: Self.timeoutMinutes)
        defer { CLIHarness.remove(root) }
        let marker = "pg-stubborn-\(UUID().uuidString.prefix(8))"
        let (result, seconds) = try Self.drive(root, "forkignore", environment: ["FAKE_AGENT_MARKER": marker])
        // The child was forked (it printed its pid), in the agent's group: the group and the
        // marker both find a survivor, whether or not it left the group.
        let group = try Self.number(after: "fake-agent: forking in process group ", in: result.stderr)
        let child = try Self.number(after: "fake-agent: stubborn child ", in: result.stderr)
        let survivors = try Self.survivors(ofGroup: group) + ProcTable.kill(ProcTable.liveProcesses(marked: marker))
        #expect(survivors.isEmpty, "\(survivors)")
        let blocked = try Self.expectBlocked(root, result, reason: "Phase review failed after 1 attempts. Last error: Agent timed out after 1.8 seconds")
        // SIGTERM at 1.8 s, then the 5 s grace, then SIGKILL.
        #expect(seconds >= 6.5 && seconds < 15, "took \(seconds) s")
        guard blocked, survivors.isEmpty, seconds >= 6.5 && seconds < 15 else { return }
        print("agent-misbehaviour: forkignore → blocked (timed out), stubborn child \(child) SIGKILLed after the grace, "
            + "run took \(String(format: "%.1f", seconds)) s, \(survivors.count) survivors")
    }

    @Test("crash: killed by a signal, no result: blocked with the signal in the reason")
    func crash() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        let (result, _) = try Self.drive(root, "signal KILL")
        let reason = "Phase review failed after 1 attempts. Last error: Agent failed (signal 9): Result file not found: \(Self.resultPath)"
        guard try Self.expectBlocked(root, result, reason: reason, lastWords: "fake-agent: progress on stderr") else { return }
        #expect(result.stderr.contains("[\(Self.id)] The agent's last words: fake-agent: progress on stderr\n"))
        print("agent-misbehaviour: crash (SIGKILL) → blocked: \(reason)")
    }

    /// The file is refused by its size, before it is read: a runaway agent cannot make the
    /// run read gigabytes into memory.
    @Test("a result file over the 64 MiB limit: refused unread, blocked with the size in the reason")
    func oversizeResult() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        let limit = 64 * 1024 * 1024
        let (result, _) = try Self.drive(root, "oversize \(limit + 1)")
        let reason = "Phase review failed after 1 attempts. Last error: Agent failed (zero exit): Failed to read result file "
            + "\(Self.resultPath): the file is \(limit + 1) bytes, more than the \(limit)-byte limit"
        guard try Self.expectBlocked(root, result, reason: reason) else { return }
        print("agent-misbehaviour: result file of \(limit + 1) bytes → blocked unread (limit \(limit))")
    }

    /// The attempt's log keeps every byte; the plain echo on stderr (often a terminal) gets the
    /// text without escape sequences or control characters (the original echoed them raw).
    @Test("invalid UTF-8 and escape sequences: the phase completes, the log keeps the bytes, stderr gets none of them")
    func hostileOutput() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        let (result, _) = try Self.drive(root, "hostile")
        let log = try CLIHarness.read(try Self.logFiles(root).first ?? "")
        let controls = result.stderr.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) }
        let checks = [
            Self.check(result.status == 0, "\(result.stderr)"),
            Self.check(try RunHarness.archived(root) == [Self.id]),
            Self.check(RunHarness.summaryLines(result.stderr) == ["--- Run Summary ---", "Phases executed: 1", "Items completed: \(Self.id)",
                                                                 "Halt reason: AllDoneOrBlocked"], "\(RunHarness.summaryLines(result.stderr))"),
            Self.check(log.range(of: Data([0xFF, 0xFE, 0x20, 0xC0, 0xAF])) != nil, "the log lost the invalid UTF-8"),
            Self.check(log.range(of: Data("\u{1B}]52;c;".utf8)) != nil, "the log lost the escape sequence"),
            Self.check(controls.isEmpty, "stderr carries control characters: \(controls.map { String($0.value, radix: 16) })"),
            Self.check(result.stderr.contains("cursor moved\n"), "\(result.stderr)"),
            Self.check(try CLIHarness.git(["status", "--porcelain"], in: root) == "", "the tree is not clean"),
        ]
        guard !checks.contains(false) else { return }
        print("agent-misbehaviour: invalid UTF-8 and escape sequences → completed, \(log.count)-byte log with the raw bytes, "
            + "stderr echo free of control characters, summary intact")
    }

    static func logFiles(_ root: String) throws -> [String] {
        let logs = root + "/.phase-golem/logs"
        return try FileManager.default.subpathsOfDirectory(atPath: logs).filter { $0.hasSuffix(".log") }.sorted().map { logs + "/" + $0 }
    }

    /// How many `x`s `output BYTES` prints: 999 per 1000-byte line, then the cut last line.
    static func xCount(_ bytes: Int) -> Int {
        bytes / 1000 * 999 + min(bytes % 1000, 999)
    }

    /// `bytes` of agent output in one phase: the phase completes, memory stays under
    /// `boundMB`, and the log file holds every byte.
    static func output(_ bytes: Int, boundMB: Int, label: String) throws {
        // These measure memory and bytes, not speed: a loaded CI machine must not time them out.
        let root = try project(timeoutMinutes: 30)
        defer { CLIHarness.remove(root) }
        let script = root + "/.git/fake-agent-script"
        try CLIHarness.write("\(id) review output \(bytes)\n", to: script)
        let run = try MeasuredRun.run(["run"], in: root, environment: ["FAKE_AGENT_SCRIPT": script])
        let log = try #require(try logFiles(root).first)
        // Counted by `tr`, not by the debug-built test: a gigabyte byte loop would take minutes.
        let counted = try ProcessRunner.run("sh", ["-c", "tr -cd x < \"$1\" | wc -c", "sh", log]).stdoutText
        let expected = xCount(bytes)
        let peakMB = Double(run.peakRSSBytes) / 1_048_576
        let checks = [
            check(run.status == 0, "\(run.stderrTail)"),
            check(try RunHarness.archived(root) == [id]),
            check(run.stderrTail.contains("Items completed: \(id)\n"), "\(run.stderrTail)"),
            check(run.stderrBytes >= bytes, "the echo lost output"),
            check(Int(counted.trimmingCharacters(in: .whitespacesAndNewlines)) == expected, "log holds \(counted) x's, expected \(expected)"),
            check(run.peakRSSBytes > 0, "no memory sample was taken"),
            check(peakMB < Double(boundMB), "peak RSS \(peakMB) MB"),
        ]
        guard !checks.contains(false) else { return }
        print("agent-output: \(label) in \(String(format: "%.1f", run.seconds)) s, peak RSS \(String(format: "%.0f", peakMB)) MB "
            + "(bound \(boundMB) MB), log holds all \(expected) x's")
    }

    /// The bound is below the output's size, so holding the output in memory fails it.
    @Test("64 MB of agent output: bounded memory, every byte in the log")
    func largeOutput() throws {
        try Self.output(64_000_000, boundMB: 61, label: "64 MB")
    }

    @Test("1 GiB of agent output (PHASE_GOLEM_LONG_TESTS=1): bounded memory, every byte in the log",
          .enabled(if: ProcessInfo.processInfo.environment["PHASE_GOLEM_LONG_TESTS"] == "1", "long case: set PHASE_GOLEM_LONG_TESTS=1"))
    func gigabyteOutput() throws {
        try Self.output(1 << 30, boundMB: 80, label: "1 GiB")
    }
}
