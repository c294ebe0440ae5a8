import Foundation
import Testing
import PhaseGolemCore

/// What a run finds after another run was killed: each leftover on its own, so a failure of the
/// kill-anywhere harness can be traced to one of them.
@Suite("run: recovery after a killed run", .serialized, .processSlot)
struct RecoveryTests {
    static let id = "WRK-00001"

    static func project() throws -> String {
        try RunHarness.project(items: [RunHarness.item(id, "Target", status: .inProgress, phase: "review", pool: .main)])
    }

    /// A PID file as a killed run leaves it: the lock is free, the PID is dead.
    static func leaveStalePIDFile(in root: String) throws -> Int32 {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/bin/true")
        try probe.run()
        probe.waitUntilExit()
        let pid = probe.processIdentifier
        try FileManager.default.createDirectory(atPath: root + "/.phase-golem", withIntermediateDirectories: true)
        try CLIHarness.write(String(pid), to: root + "/.phase-golem/phase-golem.pid")
        return pid
    }

    static func pidFileExists(_ root: String) -> Bool {
        FileManager.default.fileExists(atPath: root + "/.phase-golem/phase-golem.pid")
    }

    @Test("a killed run's uncommitted work is committed under its own subject, then the run goes on")
    func interruptedWorkIsCommitted() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        let pid = try Self.leaveStalePIDFile(in: root)
        try FileManager.default.createDirectory(atPath: root + "/changes/WRK-00001_target", withIntermediateDirectories: true)
        try CLIHarness.write("half-written review\n", to: root + "/changes/WRK-00001_target/review.md")

        let result = try RunHarness.run(["--target", Self.id], in: root)

        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("[pre] The previous run (PID \(pid)) ended without releasing the lock"))
        #expect(result.stderr.contains("[pre] The previous run (PID \(pid)) was interrupted and left uncommitted changes: changes/"))
        let subjects = try RunHarness.subjects(root)
        let saved = try #require(subjects.firstIndex(of: "[phase-golem] Save work of an interrupted run (PID \(pid))"))
        #expect(subjects[(saved + 1)...].contains { $0.hasPrefix("[\(Self.id)][review]") })
        let files = try CLIHarness.git(["show", "--name-only", "--format=", "HEAD~\(subjects.count - 1 - saved)"], in: root)
        #expect(files.contains("changes/WRK-00001_target/review.md"))
        #expect(try RunHarness.archived(root) == [Self.id])
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
        #expect(!Self.pidFileExists(root))
    }

    @Test("without a killed run, a dirty tree is still refused and the PID file is removed on the way out")
    func dirtyTreeWithoutInterruptionIsRefused() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        try CLIHarness.write("my own edit\n", to: root + "/notes.md")
        let result = try RunHarness.run(["--target", Self.id], in: root)
        #expect(result.status == 1)
        #expect(result.stderr.contains("\nError: Working tree is not clean. Commit or stash changes before running phase-golem.\nhint: uncommitted: notes.md\n"))
        #expect(RunHarness.agentLog(root).isEmpty)
        #expect(!Self.pidFileExists(root))
        // And a run that finished leaves no PID file either: the next run must not think it was killed.
        try FileManager.default.removeItem(atPath: root + "/notes.md")
        #expect(try RunHarness.run(["--target", Self.id], in: root).status == 0)
        #expect(!Self.pidFileExists(root))
    }

    /// A process group as an agent of a killed run leaves it: its own session and group, its
    /// parent gone. A background job of a non-interactive shell is no group leader, so `setsid`
    /// runs `sleep` in place and the printed PID is the group's id.
    static func startOrphanAgent(root: String? = nil) throws -> pid_t {
        var environment = ProcessInfo.processInfo.environment
        environment["PHASE_GOLEM_ROOT"] = root
        let output = try ProcessRunner.run("sh", ["-c", "setsid sleep 300 </dev/null >/dev/null 2>&1 & echo $!"], environment: environment)
        let pid = try #require(pid_t(output.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)))
        let deadline = Date().addingTimeInterval(30)
        while ProcTable.entries().first(where: { $0.pid == pid })?.command != "sleep" && Date() < deadline { usleep(10_000) }
        try #require(ProcTable.entries().first(where: { $0.pid == pid })?.command == "sleep", "orphan agent \(pid) did not start")
        return pid
    }

    /// SIGKILLs `pid` if it is still the `sleep` an orphan agent was: a pid freed by the test
    /// (the run stopped it) may already belong to some other process.
    static func stopOrphanAgent(_ pid: pid_t) {
        guard ProcTable.entries().contains(where: { $0.pid == pid && $0.command == "sleep" && $0.state != "Z" }) else { return }
        kill(pid, SIGKILL)
    }

    @Test("agents a killed run left running (their environment names this project) are stopped; other processes are not")
    func orphanedAgentIsStopped() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        let pid = try Self.leaveStalePIDFile(in: root)
        let resolvedRoot = try #require(URL(fileURLWithPath: root).resolvingSymlinksInPath().path as String?)
        let ours = try Self.startOrphanAgent(root: resolvedRoot)
        defer { Self.stopOrphanAgent(ours) }
        let theirs = try Self.startOrphanAgent(root: resolvedRoot + "-other-project")
        defer { Self.stopOrphanAgent(theirs) }
        let unrelated = try Self.startOrphanAgent()
        defer { Self.stopOrphanAgent(unrelated) }

        let result = try RunHarness.run(["--target", Self.id], in: root)

        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("[pre] Stopped agent process group \(ours), left running by the interrupted run (PID \(pid))"))
        #expect(!ProcTable.isAlive(ours))
        #expect(ProcTable.isAlive(theirs))
        #expect(ProcTable.isAlive(unrelated))
    }

    @Test("a stale .git/index.lock stops the run before any work, with the command that fixes it")
    func staleIndexLockIsRefused() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        try CLIHarness.write("", to: root + "/.git/index.lock")
        let store = try CLIHarness.read(root + "/.task-golem/tasks.jsonl")
        let head = try CLIHarness.git(["rev-parse", "HEAD"], in: root)

        let result = try RunHarness.run(["--target", Self.id], in: root)

        #expect(result.status == 1)
        #expect(result.stderr.contains("Error: A git command is running in this repository, or one was killed: ./.git/index.lock exists. "
            + "If no git command is running, remove it (rm ./.git/index.lock) and run again."), "\(result.stderr)")
        #expect(RunHarness.agentLog(root).isEmpty)
        #expect(try CLIHarness.read(root + "/.task-golem/tasks.jsonl") == store)
        #expect(try CLIHarness.git(["rev-parse", "HEAD"], in: root) == head)
        #expect(FileManager.default.fileExists(atPath: root + "/.git/index.lock"))
    }

    @Test("git locks left by a killed run are removed when no git command runs here, and the run completes")
    func killedRunsGitLocksAreRemoved() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        let pid = try Self.leaveStalePIDFile(in: root)
        try CLIHarness.write("", to: root + "/.git/index.lock")
        try CLIHarness.write("", to: root + "/.git/refs/heads/main.lock")

        let result = try RunHarness.run(["--target", Self.id], in: root)

        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("[pre] Removed ./.git/index.lock, left by the interrupted run (PID \(pid)); no git command is running here"))
        #expect(result.stderr.contains("[pre] Removed ./.git/refs/heads/main.lock, left by the interrupted run (PID \(pid))"))
        #expect(try RunHarness.archived(root) == [Self.id])
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
    }

    @Test("a target that is already archived is skipped as done (D12), so the same command can run again")
    func archivedTargetIsSkipped() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        #expect(try RunHarness.run(["--target", Self.id], in: root).status == 0)
        let again = try RunHarness.run(["--target", Self.id], in: root)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("\n[target] \(Self.id) already done. Skipping (1/1).\n"), "\(again.stderr)")
        #expect(!again.stderr.contains("not found"), "\(again.stderr)")
        #expect(RunHarness.summaryLines(again.stderr).last == "Halt reason: TargetCompleted")
        #expect(RunHarness.agentLog(root) == ["\(Self.id) review 1"])
        let unknown = try RunHarness.run(["--target", "WRK-99999"], in: root)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("Target 'WRK-99999' not found in backlog"))
    }
}
