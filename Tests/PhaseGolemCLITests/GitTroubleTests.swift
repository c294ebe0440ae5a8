import Foundation
import Testing
import PhaseGolemCore

/// Git in a state a run must not work in, or git refusing to commit: a clear error before any
/// work, or the work done and kept with a warning; never lost state.
@Suite("run: git trouble", .serialized, .processSlot)
struct GitTroubleTests {
    static let id = "WRK-00001"

    static func project() throws -> String {
        try RunHarness.project(items: [RunHarness.item(id, "Only item", status: .inProgress, phase: "review", pool: .main)])
    }

    static func expectRefused(_ root: String, _ message: String) throws {
        let before = try CLIHarness.read(root + "/.task-golem/tasks.jsonl")
        let result = try RunHarness.run([], in: root)
        #expect(result.status == 1)
        #expect(result.stderr.contains("Error: \(message)"), "\(result.stderr)")
        #expect(RunHarness.agentLog(root).isEmpty)
        #expect(try CLIHarness.read(root + "/.task-golem/tasks.jsonl") == before)
    }

    @Test("detached HEAD is refused before any work")
    func detachedHead() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        try CLIHarness.git(["checkout", "-q", "--detach"], in: root)
        try Self.expectRefused(root, "Detached HEAD state detected. Check out a branch before running phase-golem.")
    }

    @Test("a rebase in progress is refused")
    func rebase() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        try FileManager.default.createDirectory(atPath: root + "/.git/rebase-merge", withIntermediateDirectories: true)
        try Self.expectRefused(root, "Rebase in progress. Complete or abort the rebase before running phase-golem.")
    }

    @Test("a merge in progress is refused")
    func merge() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        let head = try CLIHarness.git(["rev-parse", "HEAD"], in: root)
        try CLIHarness.write(head, to: root + "/.git/MERGE_HEAD")
        try Self.expectRefused(root, "Merge in progress. Complete or abort the merge before running phase-golem.")
    }

    @Test("not a git repository: refused with what to do")
    func notARepository() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        try FileManager.default.removeItem(atPath: root + "/.git")
        let result = try CLIHarness.run(["run"], in: root)
        #expect(result.status == 1)
        #expect(result.stderr.contains("Error: Not a git repository (or git is not installed)\nhint: run phase-golem in your repository"))
    }

    @Test("a pre-commit hook that refuses: the phase's work and state are kept, with warnings")
    func failingHook() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        let hook = root + "/.git/hooks/pre-commit"
        try ExecutableScript.write("#!/bin/sh\necho 'hook says no' >&2\nexit 1\n", to: hook)
        let result = try RunHarness.run([], in: root)
        // The item completed and is archived on disk even though no commit could be made.
        #expect(try RunHarness.archived(root) == [Self.id])
        #expect(result.stderr.contains("hook says no"))
        #expect(result.stderr.contains("Warning: batch commit failed") || result.stderr.contains("Shutdown commit skipped"))
        #expect(RunHarness.summaryLines(result.stderr).contains("Items completed: \(Self.id)"))
        #expect(try RunHarness.subjects(root).last == "workflows")
    }

    /// Root ignores permission bits, so the test makes `.git` a read-only bind mount in a
    /// private mount namespace. Without the check, a run would do all its work and fail every
    /// commit with a warning.
    @Test("a read-only .git is refused before any work, by run and by triage",
          .enabled(if: MountNamespace.isAvailable, "needs unshare and mount (root)"))
    func readOnlyGitDirectory() throws {
        let root = try RunHarness.project(items: [
            RunHarness.item(Self.id, "Only item", status: .inProgress, phase: "review", pool: .main),
            RunHarness.item("WRK-00002", "New item", status: .new),
        ])
        defer { CLIHarness.remove(root) }
        let agentLog = try CLIHarness.makeTemporaryDirectory("pg-ro-git") + "/fake-agent-log"
        defer { CLIHarness.remove(FileIO.parentDirectory(of: agentLog)) }
        let store = try CLIHarness.read(root + "/.task-golem/tasks.jsonl")
        let head = try CLIHarness.git(["rev-parse", "HEAD"], in: root)
        let gitDirectory = URL(fileURLWithPath: root + "/.git").resolvingSymlinksInPath().path
        let script = """
            root=$1 bin=$2; shift 2
            mount --bind "$root/.git" "$root/.git"
            mount -o remount,bind,ro "$root/.git"
            cd "$root"
            exec "$bin" "$@"
            """
        for command in ["run", "triage"] {
            let result = try MountNamespace.run(script, arguments: [root, CLIHarness.binary, command], environment: ["FAKE_AGENT_LOG": agentLog])
            let refused = result.status == 1 && result.stderr.contains("Error: The git directory \(gitDirectory) is not writable "
                + "(Read-only file system). phase-golem commits every state change; make it writable and run again.")
            #expect(refused, "\(command): exit \(result.status): \(result.stderr)")
            let untouched = try !FileManager.default.fileExists(atPath: agentLog)
                && CLIHarness.read(root + "/.task-golem/tasks.jsonl") == store && CLIHarness.git(["rev-parse", "HEAD"], in: root) == head
            #expect(untouched, "\(command): an agent ran, or the store or HEAD changed")
            if refused && untouched { print("read-only-git: \(command) refused before any work (exit 1), store and HEAD unchanged, no agent ran") }
        }
        // The same project with a writable .git runs (the refusal was the mount, nothing else).
        #expect(try RunHarness.run(["--target", Self.id], in: root).status == 0)
    }

    @Test("a linked worktree: a stale ref lock in the shared git directory is found; without it the run commits on its branch")
    func linkedWorktree() throws {
        let main = try Self.project()
        defer { CLIHarness.remove(main) }
        let worktree = main + "-wt"
        defer { CLIHarness.remove(worktree) }
        try CLIHarness.git(["worktree", "add", "-q", "-b", "side", worktree], in: main)
        let refLock = main + "/.git/refs/heads/side.lock"
        try CLIHarness.write("", to: refLock)

        // In a worktree `.git` is a file, so the fake agent's files go in the main one.
        let agentLog = main + "/.git/worktree-agent-log"
        try CLIHarness.write("\n", to: main + "/.git/worktree-script")
        let environment = ["FAKE_AGENT_SCRIPT": main + "/.git/worktree-script", "FAKE_AGENT_LOG": agentLog]
        let refused = try CLIHarness.run(["run", "--target", Self.id], in: worktree, environment: environment)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("refs/heads/side.lock exists"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: agentLog))

        try FileManager.default.removeItem(atPath: refLock)
        let result = try CLIHarness.run(["run", "--target", Self.id], in: worktree, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try CLIHarness.git(["log", "-1", "--format=%s", "side"], in: main).hasPrefix("[\(Self.id)][review]"))
        #expect(try CLIHarness.git(["status", "--porcelain"], in: worktree) == "")
    }
}
