import Foundation
import Testing
import PhaseGolemCore

/// The real binary in a real terminal (tmux): launch screen, auto-advance toggle, live run,
/// summary, exit codes, Ctrl-C, resize, hostile output, terminal restore.
@Suite("TUI end to end (tmux)", .serialized, .enabled(if: Tmux.isAvailable), .processSlot)
struct TUIEndToEndTests {
    static let a = "WRK-0000a"
    static let b = "WRK-0000b"

    /// Two targets one phase from done; the first blocks.
    static func project() throws -> (String, [String: String]) {
        let root = try RunHarness.project(items: [
            RunHarness.item(a, "First target", status: .inProgress, phase: "review", pool: .main, created: 1),
            RunHarness.item(b, "Second target", status: .inProgress, phase: "review", pool: .main, created: 2),
        ])
        try CLIHarness.write("\(a) review block Needs a product decision\n* * sleep 1\n", to: RunHarness.agentEnvironment(root)["FAKE_AGENT_SCRIPT"] ?? "")
        return (root, RunHarness.agentEnvironment(root))
    }

    @Test("toggling auto-advance with `a` on the launch screen changes the run: the second target completes, exit 0")
    func toggleAdvances() throws {
        let (root, env) = try Self.project()
        defer { CLIHarness.remove(root) }
        let tmux = try Tmux.start(root: root, arguments: ["--target", Self.a, "--target", Self.b], environment: env)
        defer { tmux.kill() }
        try tmux.waitFor("Auto-advance: OFF")
        try tmux.send("a")
        try tmux.waitFor("Auto-advance: ON")
        try tmux.send("Enter")
        let running = try tmux.waitFor("Log · all output")
        #expect(running.contains(Self.a))
        let summary = try tmux.waitFor("Run summary")
        #expect(summary.contains("exit 0 — 1 completed, 1 blocked"))
        #expect(summary.contains("Needs a product decision"))
        try tmux.send("x")
        #expect(try tmux.exitCode() == 0)
        // The terminal is restored and the plain summary block is left in the scrollback.
        let after = try tmux.capture()
        #expect(after.contains("--- Run Summary ---"))
        #expect(after.contains("Halt reason: TargetCompleted"))
        #expect(RunHarness.agentLog(root) == ["\(Self.a) review 1", "\(Self.b) review 1"])
    }

    @Test("d on the launch screen: the run goes to the background, this terminal watches it; q leaves, the run completes")
    func detachFromLaunch() throws {
        let (root, env) = try Self.project()
        defer { CLIHarness.remove(root) }
        try CLIHarness.write("* * sleep 2\n", to: env["FAKE_AGENT_SCRIPT"] ?? "")
        let tmux = try Tmux.start(root: root, arguments: ["--target", Self.a, "--target", Self.b], environment: env)
        defer { tmux.kill() }
        try tmux.waitFor("Auto-advance: OFF")
        try tmux.send("d")
        // The watcher's footer, on the run another process is doing.
        let watching = try tmux.waitFor("q/^C leave")
        #expect(watching.contains(Self.a))
        let tuiPID = try #require(try tmux.programPID())
        let pidText = try String(contentsOfFile: RuntimeLock.pidPath(root: root), encoding: .utf8)
        let runPID = try #require(pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines)), "pid file: \(pidText)")
        #expect(runPID != tuiPID)
        try tmux.send("q")
        #expect(try tmux.exitCode() == 0)
        #expect(try tmux.capture().contains("goes on in the background (PID \(runPID))"))
        // Nobody watches now; the run still does both targets and leaves a clean tree.
        let deadline = Date().addingTimeInterval(30)
        while kill(runPID, 0) == 0 && Date() < deadline { usleep(50_000) }
        #expect(kill(runPID, 0) != 0, "the background run did not finish")
        #expect(RunHarness.agentLog(root) == ["\(Self.a) review 1", "\(Self.b) review 1"])
        #expect(try RunHarness.archived(root).sorted() == [Self.a, Self.b])
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
    }

    @Test("launching without the toggle halts at the blocked target: exit 1")
    func withoutToggleHalts() throws {
        let (root, env) = try Self.project()
        defer { CLIHarness.remove(root) }
        let tmux = try Tmux.start(root: root, arguments: ["--target", Self.a, "--target", Self.b], environment: env)
        defer { tmux.kill() }
        try tmux.waitFor("Auto-advance: OFF")
        try tmux.send("Enter")
        let summary = try tmux.waitFor("Run summary")
        #expect(summary.contains("TargetBlocked"))
        try tmux.send("x")
        #expect(try tmux.exitCode() == 1)
        #expect(try tmux.capture().contains("Error: All targets blocked; no items completed"))
        #expect(RunHarness.agentLog(root) == ["\(Self.a) review 1"])
    }

    @Test("q on the launch screen exits 130 with nothing run and the runtime lock released")
    func quitAtLaunch() throws {
        let (root, env) = try Self.project()
        defer { CLIHarness.remove(root) }
        let tmux = try Tmux.start(root: root, arguments: ["--target", Self.a], environment: env)
        defer { tmux.kill() }
        try tmux.waitFor("Enter launch")
        try tmux.send("q")
        #expect(try tmux.exitCode() == 130)
        #expect(RunHarness.agentLog(root).isEmpty)
        #expect(!RuntimeLock.isHeldByAnotherProcess(root: root))
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
    }

    @Test("Ctrl-C asks first, then stops the run gracefully; state is committed")
    func interrupt() throws {
        let (root, env) = try Self.project()
        defer { CLIHarness.remove(root) }
        try CLIHarness.write("* * sleep 30\n", to: env["FAKE_AGENT_SCRIPT"] ?? "")
        let tmux = try Tmux.start(root: root, arguments: ["--target", Self.a, "--yes"], environment: env)
        defer { tmux.kill() }
        try tmux.waitFor("Log · all output")
        try RunHarness.waitForAgentStart(root)
        try tmux.send("C-c")
        try tmux.waitFor("Stop the run?")
        try tmux.send("y")
        let summary = try tmux.waitFor("Run summary")
        #expect(summary.contains("ShutdownRequested"))
        try tmux.send("x")
        #expect(try tmux.exitCode() == 0)
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
    }

    @Test("SIGTERM and SIGHUP: graceful stop, the UI leaves right after the halt, the terminal is restored", arguments: [SIGTERM, SIGHUP])
    func signals(_ signal: Int32) throws {
        let (root, env) = try Self.project()
        defer { CLIHarness.remove(root) }
        try CLIHarness.write("* * sleep 30\n", to: env["FAKE_AGENT_SCRIPT"] ?? "")
        let tmux = try Tmux.start(root: root, arguments: ["--target", Self.a, "--yes"], environment: env)
        defer { tmux.kill() }
        try tmux.waitFor("Log · all output")
        try RunHarness.waitForAgentStart(root)
        let pid = try #require(try tmux.programPID())
        kill(pid, signal)
        #expect(try tmux.exitCode() == 0)
        #expect(try tmux.alternateScreenOn() == false)
        #expect(try tmux.capture().contains("Halt reason: ShutdownRequested"))
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
    }

    @Test("closing the terminal at the launch screen ends the process (no orphan spinning on a dead tty)")
    func terminalClosedAtLaunch() throws {
        let (root, env) = try Self.project()
        defer { CLIHarness.remove(root) }
        let tmux = try Tmux.start(root: root, arguments: ["--target", Self.a], environment: env)
        // Killing the session is the test; this is for the ways out before it (idempotent).
        defer { tmux.kill() }
        try tmux.waitFor("Enter launch")
        let pid = try #require(try tmux.programPID())
        tmux.kill()
        let deadline = Date().addingTimeInterval(10)
        while kill(pid, 0) == 0 && Date() < deadline { usleep(50_000) }
        let survived = kill(pid, 0) == 0
        if survived { kill(pid, SIGKILL) }
        #expect(!survived, "phase-golem \(pid) still running after its terminal closed")
        #expect(!RuntimeLock.isHeldByAnotherProcess(root: root))
    }

    @Test("closing the terminal mid-run stops the run gracefully and commits its state")
    func terminalClosedMidRun() throws {
        let (root, env) = try Self.project()
        defer { CLIHarness.remove(root) }
        try CLIHarness.write("* * sleep 30\n", to: env["FAKE_AGENT_SCRIPT"] ?? "")
        let tmux = try Tmux.start(root: root, arguments: ["--target", Self.a, "--yes"], environment: env)
        // Killing the session is the test; this is for the ways out before it (idempotent).
        defer { tmux.kill() }
        try tmux.waitFor("Log · all output")
        try RunHarness.waitForAgentStart(root)
        let pid = try #require(try tmux.programPID())
        tmux.kill()
        let deadline = Date().addingTimeInterval(15)
        while kill(pid, 0) == 0 && Date() < deadline { usleep(50_000) }
        let survived = kill(pid, 0) == 0
        if survived { kill(pid, SIGKILL) }
        #expect(!survived, "phase-golem \(pid) still running after its terminal closed")
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
    }

    @Test("SIGTERM at the launch screen leaves with 130, nothing run")
    func sigtermAtLaunch() throws {
        let (root, env) = try Self.project()
        defer { CLIHarness.remove(root) }
        let tmux = try Tmux.start(root: root, arguments: ["--target", Self.a], environment: env)
        defer { tmux.kill() }
        try tmux.waitFor("Enter launch")
        let pid = try #require(try tmux.programPID())
        kill(pid, SIGTERM)
        #expect(try tmux.exitCode() == 130)
        #expect(try tmux.alternateScreenOn() == false)
        #expect(RunHarness.agentLog(root).isEmpty)
    }

    @Test("resizing redraws at the new size; a tiny terminal gets a message instead of a broken layout")
    func resize() throws {
        let (root, env) = try Self.project()
        defer { CLIHarness.remove(root) }
        let tmux = try Tmux.start(root: root, arguments: ["--target", Self.a], environment: env, width: 120, height: 35)
        defer { tmux.kill() }
        try tmux.waitFor("Enter launch")
        try tmux.resize(width: 40, height: 10)
        try tmux.waitFor("Terminal too small")
        try tmux.resize(width: 90, height: 28)
        let screen = try tmux.waitFor("Enter launch")
        #expect(screen.split(separator: "\n").allSatisfy { $0.count <= 90 })
        try tmux.send("q")
        #expect(try tmux.exitCode() == 130)
    }

    @Test("hostile agent output cannot clear the screen or move the cursor")
    func hostileOutput() throws {
        let (root, env) = try Self.project()
        defer { CLIHarness.remove(root) }
        try CLIHarness.write("* * hostile\n", to: env["FAKE_AGENT_SCRIPT"] ?? "")
        let tmux = try Tmux.start(root: root, arguments: ["--target", Self.a, "--yes"], environment: env)
        defer { tmux.kill() }
        let summary = try tmux.waitFor("Run summary")
        // The frame is intact: header on the first line, box corner on the second.
        let lines = summary.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.contains("phase-golem") == true)
        #expect(lines.dropFirst().first?.hasPrefix("┌") == true)
        #expect(!summary.contains("pwned"))
        try tmux.send("x")
        #expect(try tmux.exitCode() == 0)
    }
}
