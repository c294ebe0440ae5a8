import Foundation
import Testing
import PhaseGolemCore

/// A git that never finishes (a `pre-commit` hook that sleeps, as a credential or passphrase
/// prompt would wait): the run ends with an error naming the command and what to do, the
/// state stays in the store, nothing of the hook survives, and the terminal is restored.
@Suite("run: git that hangs", .serialized, .processSlot)
struct GitHangTests {
    static let id = "WRK-00001"

    /// A project one phase (review) from done whose `pre-commit` hook hangs, marked for the survivor check.
    static func project() throws -> (root: String, marker: String) {
        let root = try RunHarness.project(items: [RunHarness.item(id, "Only item", status: .inProgress, phase: "review", pool: .main)])
        let marker = "pg-hang-\(UUID().uuidString.prefix(8))"
        // `; :` keeps the shell (its command line holds the marker) from exec'ing sleep.
        let hook = "#!/bin/sh\ntouch '\(root)/.git/hook-started'\nexec /bin/sh -c 'sleep 3600; :' \(marker)\n"
        let path = root + "/.git/hooks/pre-commit"
        try ExecutableScript.write(hook, to: path)
        return (root, marker)
    }

    /// The hook's processes still alive, killed so a failing test leaves nothing behind.
    static func survivors(_ marker: String) -> [String] {
        ProcTable.kill(ProcTable.liveProcesses(marked: marker))
    }

    static func expectStateKept(_ root: String) throws {
        // The phase's outcome is in the store, not in history.
        #expect(try RunHarness.archived(root) == [Self.id])
        #expect(try CLIHarness.git(["show", "HEAD:.task-golem/tasks.jsonl"], in: root).contains(Self.id))
        #expect(try CLIHarness.git(["status", "--porcelain", "--", ".task-golem"], in: root) != "")
    }

    @Test("plain mode: past its deadline the commit is stopped; the error names `git commit` and the fix; exit 1")
    func deadline() throws {
        let (root, marker) = try Self.project()
        defer { CLIHarness.remove(root) }
        let started = Date()
        let result = try RunHarness.run(["--target", Self.id], in: root, environment: [Git.timeoutVariable: "1.5"])
        let elapsed = Date().timeIntervalSince(started)
        #expect(FileManager.default.fileExists(atPath: root + "/.git/hook-started"))
        #expect(result.status == 1)
        #expect(result.stderr.contains("\nError: git commit did not finish within 1.5 s and was stopped (a hook or a prompt waiting for input?)\n"),
                "\(result.stderr)")
        #expect(result.stderr.contains("\nhint: run `git commit` in . by hand to see what waits"))
        #expect(result.stderr.contains("\nhint: \(Git.timeoutVariable)=SECONDS sets how long one git command may take (default 600)\n"))
        #expect(elapsed < 30, "the run took \(elapsed) s")
        #expect(Self.survivors(marker).isEmpty)
        try Self.expectStateKept(root)
    }

    @Test("plain mode: a second Ctrl-C stops a hanging git at once, long before its deadline")
    func forced() throws {
        let (root, marker) = try Self.project()
        defer { CLIHarness.remove(root) }
        let run = try RunEdgeTests.startRun(root, script: "")
        defer { run.stop() }
        let hookStarted = root + "/.git/hook-started"
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: hookStarted) && run.process.isRunning && Date() < deadline { usleep(20_000) }
        try #require(FileManager.default.fileExists(atPath: hookStarted), "the hook never ran: \(run.stderr)")
        let interrupted = Date()
        kill(run.process.processIdentifier, SIGINT)
        try run.waitFor("Received SIGINT")
        kill(run.process.processIdentifier, SIGINT)
        run.process.waitUntilExit()
        let elapsed = Date().timeIntervalSince(interrupted)
        #expect(run.process.terminationStatus == 1)
        #expect(run.stderr.contains("Error: git commit was stopped: the run was forced to stop\n"), "\(run.stderr)")
        #expect(run.stderr.contains("hint: the task state is saved in .task-golem/ and _worklog, not committed; nothing was lost\n"))
        // Well under the 10 s a graceful shutdown leaves a running git.
        #expect(elapsed < 8, "the run took \(elapsed) s after the interrupt")
        #expect(Self.survivors(marker).isEmpty)
        try Self.expectStateKept(root)
    }

    @Test("TUI: Ctrl-C to stop, Ctrl-C to force: the UI leaves, the terminal is restored, the error is printed", .enabled(if: Tmux.isAvailable))
    func tui() throws {
        let (root, marker) = try Self.project()
        defer { CLIHarness.remove(root) }
        let tmux = try Tmux.start(root: root, arguments: ["--target", Self.id, "--yes"], environment: RunHarness.agentEnvironment(root))
        defer { tmux.kill() }
        try tmux.waitFor("Log · all output")
        let hookStarted = root + "/.git/hook-started"
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: hookStarted) && Date() < deadline { usleep(20_000) }
        try #require(FileManager.default.fileExists(atPath: hookStarted))
        try tmux.send("C-c")
        try tmux.waitFor("Stop the run?")
        try tmux.send("y")
        try tmux.send("C-c")
        #expect(try tmux.exitCode(timeout: 8) == 1)
        #expect(try tmux.alternateScreenOn() == false)
        let screen = try tmux.capture()
        #expect(screen.contains("Error: git commit was stopped: the run was forced to stop"), "\(screen)")
        #expect(screen.contains("hint: run `git commit` in"))
        #expect(Self.survivors(marker).isEmpty)
        try Self.expectStateKept(root)
    }
}
