import Foundation
import Testing
import PhaseGolemCore

/// A real `run` against an agent that misbehaves, one behaviour per test: each ends in the
/// documented state (behavior.md §10.4, §11.2) with the reason in the store and in the output,
/// leaves no process behind, and prints one figure line.
///
/// Covered elsewhere, not repeated here: invalid JSON, exit 3 and exit 0 without a result
/// (`RunEdgeTests.retries`), a result for another item (`RunEdgeTests.identityMismatch`), a
/// stubborn child killed by a second Ctrl-C (`RunEdgeTests.doubleInterrupt`); the runner-level
/// details (log contents, callback sanitizing, line limits) in `CLIAgentRunnerTests`.
@Suite("run: agent misbehaviour", .serialized)
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
    static func expectBlocked(_ root: String, _ result: CLIHarness.Result, reason: String) throws {
        #expect(result.status == 1, "\(result.stderr)")
        #expect(try RunHarness.active(root)[id]?.pgStatus == .blocked)
        #expect(try RunHarness.active(root)[id]?.blockedReason == reason)
        #expect(result.stderr.contains("[\(id)] Phase failed: \(reason)\n"), "\(result.stderr)")
        #expect(RunHarness.summaryLines(result.stderr).contains("Items blocked: \(id)"))
        #expect(RunHarness.agentLog(root) == ["\(id) review 1"])
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
    }

    /// Processes of group `pgid` that are alive (not zombies), by `ps`.
    static func liveMembers(ofGroup pgid: String) throws -> [String] {
        try ProcessRunner.run("ps", ["-eo", "pgid=,pid=,stat=,args="]).stdoutText.split(separator: "\n").filter { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            return fields.count >= 3 && fields[0] == pgid && !fields[2].hasPrefix("Z")
        }.map(String.init)
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
        try Self.expectBlocked(root, result, reason: "Phase review failed after 1 attempts. Last error: Agent timed out after 1.8 seconds")
        let group = try Self.number(after: "fake-agent: hanging in process group ", in: result.stderr)
        let survivors = try Self.liveMembers(ofGroup: group)
        #expect(survivors.isEmpty, "\(survivors)")
        #expect(seconds < 10, "took \(seconds) s")
        print("agent-misbehaviour: hang → blocked (timed out at 1.8 s), run took \(String(format: "%.1f", seconds)) s, "
            + "process group \(group): \(survivors.count) survivors")
    }

    @Test("forked children ignoring SIGTERM: SIGKILLed after the grace period, none left")
    func stubbornChildren() throws {
        let root = try Self.project(timeoutMinutes: Self.timeoutMinutes)
        defer { CLIHarness.remove(root) }
        let marker = "pg-stubborn-\(UUID().uuidString.prefix(8))"
        let (result, seconds) = try Self.drive(root, "forkignore", environment: ["FAKE_AGENT_MARKER": marker])
        try Self.expectBlocked(root, result, reason: "Phase review failed after 1 attempts. Last error: Agent timed out after 1.8 seconds")
        let child = try Self.number(after: "fake-agent: stubborn child ", in: result.stderr)
        let ps = try ProcessRunner.run("ps", ["-eo", "stat=,pid=,args="]).stdoutText
        let survivors = ps.split(separator: "\n").filter { $0.contains(marker) && !$0.hasPrefix("Z") }
        #expect(survivors.isEmpty, "\(survivors)")
        // SIGTERM at 1.8 s, then the 5 s grace, then SIGKILL.
        #expect(seconds >= 6.5 && seconds < 15, "took \(seconds) s")
        print("agent-misbehaviour: forkignore → blocked (timed out), stubborn child \(child) SIGKILLed after the grace, "
            + "run took \(String(format: "%.1f", seconds)) s, \(survivors.count) survivors")
    }

    @Test("crash: killed by a signal, no result: blocked with the signal in the reason")
    func crash() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        let (result, _) = try Self.drive(root, "signal KILL")
        let reason = "Phase review failed after 1 attempts. Last error: Agent failed (signal 9): Result file not found: \(Self.resultPath)"
        try Self.expectBlocked(root, result, reason: reason)
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
        try Self.expectBlocked(root, result, reason: reason)
        print("agent-misbehaviour: result file of \(limit + 1) bytes → blocked unread (limit \(limit))")
    }

    /// The attempt's log keeps every byte; the plain echo on stderr (often a terminal) gets the
    /// text without escape sequences or control characters (the original echoed them raw).
    @Test("invalid UTF-8 and escape sequences: the phase completes, the log keeps the bytes, stderr gets none of them")
    func hostileOutput() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        let (result, _) = try Self.drive(root, "hostile")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try RunHarness.archived(root) == [Self.id])
        #expect(RunHarness.summaryLines(result.stderr) == ["--- Run Summary ---", "Phases executed: 1", "Items completed: \(Self.id)",
                                                          "Halt reason: AllDoneOrBlocked"])
        let log = try CLIHarness.read(try Self.logFiles(root).first ?? "")
        #expect(log.range(of: Data([0xFF, 0xFE, 0x20, 0xC0, 0xAF])) != nil)
        #expect(log.range(of: Data("\u{1B}]52;c;".utf8)) != nil)
        let controls = result.stderr.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) }
        #expect(controls.isEmpty, "stderr carries control characters: \(controls.map { String($0.value, radix: 16) })")
        #expect(result.stderr.contains("cursor moved\n"), "\(result.stderr)")
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
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
        let root = try project()
        defer { CLIHarness.remove(root) }
        let script = root + "/.git/fake-agent-script"
        try CLIHarness.write("\(id) review output \(bytes)\n", to: script)
        let run = try MeasuredRun.run(["run"], in: root, environment: ["FAKE_AGENT_SCRIPT": script])
        #expect(run.status == 0, "\(run.stderrTail)")
        #expect(try RunHarness.archived(root) == [id])
        #expect(run.stderrTail.contains("Items completed: \(id)\n"))
        #expect(run.stderrBytes >= bytes, "the echo lost output")
        let log = try #require(try logFiles(root).first)
        // Counted by `tr`, not by the debug-built test: a gigabyte byte loop would take minutes.
        let counted = try ProcessRunner.run("sh", ["-c", "tr -cd x < \"$1\" | wc -c", "sh", log]).stdoutText
        let expected = xCount(bytes)
        #expect(Int(counted.trimmingCharacters(in: .whitespacesAndNewlines)) == expected, "log holds \(counted) x's, expected \(expected)")
        let peakMB = Double(run.peakRSSBytes) / 1_048_576
        #expect(run.peakRSSBytes > 0, "no memory sample was taken")
        #expect(peakMB < Double(boundMB), "peak RSS \(peakMB) MB")
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
