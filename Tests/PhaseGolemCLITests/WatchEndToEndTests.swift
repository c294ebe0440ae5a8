import Foundation
import Testing
import PhaseGolemCore

/// `phase-golem watch` in tmux on a plain-mode run started in another tmux session
/// (docs/journal.md): through to the summary, two watchers, `s`, a run killed with -9.
@Suite("watch end to end (tmux)", .serialized, .enabled(if: Tmux.isAvailable), .processSlot)
struct WatchEndToEndTests {
    static let a = "WRK-0000a"
    static let b = "WRK-0000b"

    static func project(script: String) throws -> (String, [String: String]) {
        let root = try RunHarness.project(items: [
            RunHarness.item(a, "First target", status: .inProgress, phase: "review", pool: .main, created: 1),
            RunHarness.item(b, "Second target", status: .inProgress, phase: "review", pool: .main, created: 2),
        ])
        try CLIHarness.write(script, to: RunHarness.agentEnvironment(root)["FAKE_AGENT_SCRIPT"] ?? "")
        return (root, RunHarness.agentEnvironment(root))
    }

    /// Starts the plain run in its own tmux session and waits until it has a journal.
    static func startRun(root: String, env: [String: String]) throws -> Tmux {
        let run = try Tmux.start(root: root, arguments: ["--no-tui", "--target", a, "--target", b], environment: env, exitFile: "run-exit")
        let deadline = Date().addingTimeInterval(30)
        while RunHistory.activeRunID(root: root) == nil {
            guard Date() < deadline else { throw CLIHarness.HarnessError("no journal; the run shows:\n\((try? run.capture()) ?? "")") }
            usleep(50_000)
        }
        return run
    }

    @Test("two watchers follow a plain run to its summary; q leaves; a finished run opens on its summary")
    func followsToTheSummary() throws {
        let (root, env) = try Self.project(script: "* * sleep 2\n")
        defer { CLIHarness.remove(root) }
        let run = try Self.startRun(root: root, env: env)
        defer { run.kill() }
        let first = try Tmux.start(root: root, arguments: [], environment: [:], command: "watch", exitFile: "watch1-exit")
        defer { first.kill() }
        let second = try Tmux.start(root: root, arguments: [], environment: [:], command: "watch", exitFile: "watch2-exit")
        defer { second.kill() }
        for watcher in [first, second] {
            let screen = try watcher.waitFor("Log · all output")
            #expect(screen.contains(Self.a) && screen.contains("First target"))
            #expect(screen.contains("q/^C leave") || screen.contains("leave"))
        }
        // The agent's own output comes from the attempt log; the run's debug lines, which the
        // journal keeps, are shown only at --log-level debug, as on the run's own TUI.
        let working = try first.waitFor("fake-agent", timeout: 20)
        #expect(working.contains("Starting phase"), "\(working)")
        #expect(!working.contains("[agent] Subprocess spawned"), "\(working)")
        for watcher in [first, second] {
            let summary = try watcher.waitFor("Run summary", timeout: 30)
            #expect(summary.contains("TargetCompleted"))
        }
        #expect(try run.exitCode(timeout: 30) == 0)
        try first.send("x")
        #expect(try first.exitCode() == 0)
        #expect(try !first.alternateScreenOn())

        // Afterwards, the finished run opens on its summary, and `l` shows its log.
        let id = try #require(RunHistory.runIDs(root: root).first)
        let later = try Tmux.start(root: root, arguments: [id], environment: [:], command: "watch", exitFile: "watch3-exit")
        defer { later.kill() }
        try later.waitFor("Run summary")
        try later.send("l")
        try later.waitFor("Log · all output")
        try later.send("q")
        #expect(try later.exitCode() == 0)
    }

    @Test("`s` then `y` stops the run gracefully: it halts with ShutdownRequested and commits its state")
    func stopsTheRun() throws {
        let (root, env) = try Self.project(script: "* * sleep 30\n")
        defer { CLIHarness.remove(root) }
        let run = try Self.startRun(root: root, env: env)
        defer { run.kill() }
        let watcher = try Tmux.start(root: root, arguments: [], environment: [:], command: "watch", exitFile: "watch-exit")
        defer { watcher.kill() }
        try watcher.waitFor("Log · all output")
        try RunHarness.waitForAgentStart(root)
        try watcher.send("s")
        try watcher.waitFor("Stop the watched run")
        try watcher.send("y")
        let summary = try watcher.waitFor("Run summary", timeout: 30)
        #expect(summary.contains("ShutdownRequested"))
        #expect(try run.exitCode(timeout: 30) == 0)
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
        #expect(try RunHarness.subjects(root).last?.contains("Save task state on halt") == true)
    }

    @Test("a run killed with -9: the watcher shows what was written and says the run is gone")
    func runKilled() throws {
        let (root, env) = try Self.project(script: "* * sleep 30\n")
        defer { CLIHarness.remove(root) }
        let run = try Self.startRun(root: root, env: env)
        defer { run.kill() }
        try RunHarness.waitForAgentStart(root)
        let pid = try #require(try run.programPID())
        Glibc.kill(pid, SIGKILL)
        let watcher = try Tmux.start(root: root, arguments: [try #require(RunHistory.runIDs(root: root).first)], environment: [:],
                                     command: "watch", exitFile: "watch-exit")
        defer { watcher.kill() }
        let screen = try watcher.waitFor("The run is gone")
        #expect(screen.contains(Self.a))
        try watcher.send("q")
        #expect(try watcher.exitCode() == 0)
        ProcessGroupRegistry.stopLeftoverAgents(root: root).forEach { _ in }
    }
}
