import Foundation
import Testing
import PhaseGolemCore

/// Agent misbehaviour, signals, locks, the triage command and machine-readable output.
@Suite("run: edges", .serialized, .processSlot)
struct RunEdgeTests {
    static let id = "WRK-00001"

    static func oneItem(phase: String = "review", config: String = RunHarness.config()) throws -> String {
        try RunHarness.project(items: [RunHarness.item(id, "Only item", status: .inProgress, phase: phase, pool: .main)], config: config)
    }

    @Test("agent errors are retried with the failure as context; the last one blocks with the original's text")
    func retries() throws {
        let root = try Self.oneItem(config: RunHarness.config(maxRetries: 2))
        defer { CLIHarness.remove(root) }
        let result = try RunHarness.run([], in: root, script: ["\(Self.id) review#1 invalidjson", "\(Self.id) review#2 exit 3", "\(Self.id) review noresult"])
        #expect(RunHarness.agentLog(root) == ["\(Self.id) review 1", "\(Self.id) review 2", "\(Self.id) review 3"])
        #expect(result.stderr.contains("[\(Self.id)][REVIEW] Agent error (attempt 1/3): Agent failed (zero exit): Failed to parse result JSON from"))
        #expect(result.stderr.contains("[\(Self.id)][REVIEW] Agent error (attempt 2/3): Agent failed (exit code 3): Result file not found: "))
        let reason = try #require(try RunHarness.active(root)[Self.id]?.blockedReason)
        #expect(reason.hasPrefix("Phase review failed after 3 attempts. Last error: Agent failed (zero exit): Result file not found: "))
        #expect(result.status == 1)
        print("agent-misbehaviour: invalid JSON, exit 3, exit 0 without a result → retried each, then blocked: \(reason)")
    }

    @Test("a result for another item is an identity mismatch, not retried")
    func identityMismatch() throws {
        let root = try Self.oneItem(config: RunHarness.config(maxRetries: 2))
        defer { CLIHarness.remove(root) }
        let result = try RunHarness.run([], in: root, script: ["\(Self.id) review wrongid"])
        #expect(RunHarness.agentLog(root).count == 1)
        let reason = "Result identity mismatch: item_id: expected '\(Self.id)', got 'WRONG-999'"
        #expect(try RunHarness.active(root)[Self.id]?.blockedReason == reason)
        #expect(result.stderr.contains("[\(Self.id)] Phase failed: \(reason)\n"))
        print("agent-misbehaviour: result for another item → blocked without a retry: \(reason)")
    }

    @Test("subphase_complete commits and runs the same phase again")
    func subphase() throws {
        let root = try Self.oneItem(phase: "build")
        defer { CLIHarness.remove(root) }
        let result = try RunHarness.run(["--cap", "2"], in: root, script: ["\(Self.id) build subphase-once Half done"])
        #expect(result.stderr.contains("[\(Self.id)][BUILD] Result: SUBPHASE_COMPLETE — Half done\n"))
        #expect(RunHarness.agentLog(root) == ["\(Self.id) build 1", "\(Self.id) build 1"])
        #expect(try RunHarness.active(root)[Self.id]?.phase == "review")
    }

    @Test("--summary-json writes the summary with block reasons and the exit code")
    func summaryJSON() throws {
        let root = try RunHarness.project(items: [
            RunHarness.item("WRK-0000a", status: .inProgress, phase: "review", pool: .main, created: 1),
            RunHarness.item("WRK-0000b", status: .inProgress, phase: "review", pool: .main, created: 2),
        ])
        defer { CLIHarness.remove(root) }
        let path = root + "/.git/summary.json"
        let result = try RunHarness.run(["--target", "WRK-0000a", "--target", "WRK-0000b", "--auto-advance", "--summary-json", path], in: root,
                                        script: ["WRK-0000a review block Needs legal review"])
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: CLIHarness.read(path)) as? [String: Any])
        #expect(json["completed"] as? [String] == ["WRK-0000b"])
        let blocked = try #require(json["blocked"] as? [[String: Any]])
        #expect(blocked.first?["id"] as? String == "WRK-0000a")
        #expect(blocked.first?["reason"] as? String == "Needs legal review")
        #expect(json["halt_reason"] as? String == "TargetCompleted")
        #expect(json["exit_code"] as? Int == 0)
        #expect(json["phases_executed"] as? Int == 2)
    }

    @Test("another instance holding the runtime lock: a clear error naming its PID, nothing run")
    func runtimeLockHeld() throws {
        let root = try Self.oneItem()
        defer { CLIHarness.remove(root) }
        let lock = try RuntimeLock(root: root)
        let result = try RunHarness.run([], in: root)
        withExtendedLifetime(lock) {}
        #expect(result.status == 1)
        #expect(result.stderr.contains("Error: Another phase-golem instance is running (PID \(getpid()))\nhint: wait for it to finish, or stop it first\n"))
        #expect(RunHarness.agentLog(root).isEmpty)
    }

    @Test("--tui without a terminal is a clear error; without a terminal the default is the plain log")
    func tuiNeedsTerminal() throws {
        let root = try Self.oneItem()
        defer { CLIHarness.remove(root) }
        let forced = try RunHarness.run(["--tui"], in: root)
        #expect(forced.status == 1)
        #expect(forced.stderr.contains("Error: --tui needs a terminal: standard input and output must be a terminal"))
        #expect(RunHarness.agentLog(root).isEmpty)
        let plain = try RunHarness.run(["--cap", "0"], in: root)
        #expect(plain.stderr.hasPrefix("--- Phase Golem ---\n"))
        #expect(try RunHarness.run(["--tui", "--no-tui"], in: root).status == 2)
    }

    @Test("a missing agent program fails before anything runs, saying what to do")
    func missingAgent() throws {
        let config = RunHarness.config().replacingOccurrences(of: RunHarness.fakeAgent, with: "/nonexistent/agent")
        let root = try Self.oneItem(config: config)
        defer { CLIHarness.remove(root) }
        let result = try RunHarness.run([], in: root)
        #expect(result.status == 1)
        #expect(result.stderr.contains("Error: Agent command (/nonexistent/agent) not found"))
    }

    /// A run in the background, its stderr going to a file (read at any time, never a full pipe).
    struct BackgroundRun {
        let process: Process
        let stderrPath: String

        var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

        /// Waits until the run's stderr contains `text`; on timeout or exit, kills the run and throws.
        func waitFor(_ text: String, timeout: Double = 60) throws {
            let deadline = Date().addingTimeInterval(timeout)
            while !stderr.contains(text) {
                guard process.isRunning, Date() < deadline else {
                    stop()
                    throw CLIHarness.HarnessError("no '\(text)' from the run within \(timeout) s: \(stderr.suffix(2000))")
                }
                usleep(10_000)
            }
        }

        /// SIGKILLs the run and its agent's process group, if still there.
        func stop() {
            for child in ProcTable.descendants(of: process.processIdentifier) {
                // An agent's own group; never the group the run shares with this test process.
                if child.group != getpgrp() { kill(-child.group, SIGKILL) }
                kill(child.pid, SIGKILL)
            }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }

    /// Starts `phase-golem run` and returns once the agent has logged its start. `ignoring`:
    /// signals the run starts with ignored, as under `nohup` (set by a shell that execs the run).
    static func startRun(_ root: String, script: String, marker: String = "pg-signal-\(UUID().uuidString.prefix(8))",
                         ignoring: [String] = []) throws -> BackgroundRun {
        let agent = RunHarness.agentEnvironment(root)
        try CLIHarness.write(script, to: agent["FAKE_AGENT_SCRIPT"] ?? "")
        let process = Process()
        if ignoring.isEmpty {
            process.executableURL = URL(fileURLWithPath: CLIHarness.binary)
            process.arguments = ["run"]
        } else {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "trap '' \(ignoring.joined(separator: " ")); exec \"$0\" run", CLIHarness.binary]
        }
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        var env = CLIHarness.environment(agent)
        env["FAKE_AGENT_MARKER"] = marker
        process.environment = env
        let stderrPath = root + "/.git/run-stderr"
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let stderr = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        defer { try? stderr.close() }
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let run = BackgroundRun(process: process, stderrPath: stderrPath)
        do {
            try RunHarness.waitForAgentStart(root, alive: { process.isRunning })
        } catch {
            run.stop()
            throw error
        }
        return run
    }

    /// `SigBlk` and `SigIgn` of `/proc/PID/status`: bit N-1 is signal N.
    static func signalMasks(of pid: pid_t) throws -> (blocked: UInt64, ignored: UInt64) {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        func mask(_ name: String) throws -> UInt64 {
            let line = try #require(status.split(separator: "\n").first { $0.hasPrefix(name + ":") }, "no \(name) in /proc/\(pid)/status")
            return try #require(UInt64(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces), radix: 16), "\(line)")
        }
        return (try mask("SigBlk"), try mask("SigIgn"))
    }

    /// Also: a run started with signals ignored (under `nohup`, or a shell's `trap ''`) does not
    /// pass them on: ignored signals survive exec, and an agent ignoring SIGTERM would make
    /// every graceful stop wait out the grace and SIGKILL it. Nor does it inherit a blocked mask.
    @Test("SIGHUP is a graceful shutdown too (D10); the agent does not inherit the run's ignored signals")
    func sighup() throws {
        let root = try Self.oneItem()
        defer { CLIHarness.remove(root) }
        let run = try Self.startRun(root, script: "\(Self.id) review sleep 600\n", ignoring: ["QUIT", "USR1", "TERM"])
        defer { run.stop() }
        func bit(_ signal: Int32) -> UInt64 { 1 << UInt64(signal - 1) }
        // Not the agent's shell: dash blocks every signal for a moment around each fork, so its
        // masks depend on when they are read. The `sleep` it execs keeps the ignored signals and
        // the blocked mask the agent was started with (ignored ones survive exec), and nothing
        // changes them after its exec; it outlives any wait here, the run's SIGHUP ends it.
        let runPID = run.process.processIdentifier
        let deadline = Date().addingTimeInterval(60)
        var sleeper: ProcTable.Entry?
        while sleeper == nil, Date() < deadline {
            let descendants = ProcTable.descendants(of: runPID)
            let agents = Set(descendants.filter { $0.command == "claude" && $0.parent == runPID }.map(\.pid))
            sleeper = descendants.first { $0.command == "sleep" && agents.contains($0.parent) }
            if sleeper == nil { usleep(20_000) }
        }
        let agent = try #require(sleeper, "no agent process running its sleep")
        let runIgnores = try Self.signalMasks(of: run.process.processIdentifier).ignored
        #expect(runIgnores & bit(SIGQUIT) != 0 && runIgnores & bit(SIGUSR1) != 0,
                "the run does not ignore SIGQUIT and SIGUSR1 (\(String(runIgnores, radix: 16))): nothing to inherit")
        let masks = try Self.signalMasks(of: agent.pid)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGPIPE] {
            #expect(masks.ignored & bit(signal) == 0, "the agent ignores signal \(signal)")
        }
        #expect(masks.blocked == 0, "the agent starts with signals blocked: \(String(masks.blocked, radix: 16))")
        kill(run.process.processIdentifier, SIGHUP)
        run.process.waitUntilExit()
        let stderr = run.stderr
        #expect(stderr.contains("Received SIGHUP"))
        #expect(RunHarness.summaryLines(stderr).last == "Halt reason: ShutdownRequested")
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
    }

    @Test("a second SIGINT kills an agent that ignores SIGTERM at once, and state is still saved")
    func doubleInterrupt() throws {
        let root = try Self.oneItem()
        defer { CLIHarness.remove(root) }
        let marker = "pg-double-\(UUID().uuidString.prefix(8))"
        let run = try Self.startRun(root, script: "\(Self.id) review forkignore\n", marker: marker)
        defer { run.stop() }
        // The child has set its SIGTERM trap when it prints this.
        try run.waitFor("fake-agent: stubborn child ")
        let group = try #require(run.stderr.components(separatedBy: "fake-agent: forking in process group ").dropFirst().first
            .flatMap { pid_t(String($0.prefix { $0.isNumber })) }, "no process group line")
        let start = Date()
        kill(run.process.processIdentifier, SIGINT)
        // The second interrupt must come after the first was taken as a graceful stop.
        try run.waitFor("Received SIGINT: shutting down gracefully", timeout: 30)
        kill(run.process.processIdentifier, SIGINT)
        run.process.waitUntilExit()
        let elapsed = Date().timeIntervalSince(start)
        let stderr = run.stderr
        #expect(stderr.contains("Second interrupt: killing agent processes now."))
        // Without the second interrupt the stubborn child would hold the run for the 5 s grace period.
        #expect(elapsed < 4, "took \(elapsed) s")
        #expect(RunHarness.summaryLines(stderr).last == "Halt reason: ShutdownRequested")
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
        let survivors = ProcTable.kill(ProcTable.liveMembers(ofGroup: group)) + ProcTable.kill(ProcTable.liveProcesses(marked: marker))
        #expect(survivors.isEmpty, "\(survivors)")
    }

    @Test("triage command: routes every New item, commits the routing, leaves a failed one New")
    func triageCommand() throws {
        let root = try RunHarness.project(items: [
            RunHarness.item("WRK-0000a", "Small fix", status: .new, created: 1),
            RunHarness.item("WRK-0000b", "Unclear idea", status: .new, created: 2),
        ])
        defer { CLIHarness.remove(root) }
        let scriptPath = root + "/.git/fake-agent-script"
        try CLIHarness.write("WRK-0000a triage triage small\nWRK-0000b triage exit 4\n", to: scriptPath)
        let result = try CLIHarness.run(["triage"], in: root, environment: ["FAKE_AGENT_SCRIPT": scriptPath])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("[WRK-0000a][TRIAGE] Result: PhaseComplete -- Triaged as small\n"))
        #expect(result.stderr.contains("[WRK-0000b][TRIAGE] Failed: Agent failed (exit code 4)"))
        #expect(result.stderr.contains("Triaged 1 item(s)\n"))
        let items = try RunHarness.active(root)
        #expect(items["WRK-0000a"]?.pgStatus == .ready)
        #expect(items["WRK-0000b"]?.pgStatus == .new)
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
    }

    @Test("triage command (D15): a result's follow-ups and duplicate merge are applied as in the run loop, and logged")
    func triageCommandFollowUpsAndMerge() throws {
        let root = try RunHarness.project(items: [
            RunHarness.item("WRK-00001", "Login times out", status: .new, created: 1),
            RunHarness.item("WRK-00002", "Login timeout again", status: .new, created: 2),
        ])
        defer { CLIHarness.remove(root) }
        let agent = RunHarness.agentEnvironment(root)
        try CLIHarness.write("WRK-00001 triage triage followup-dup WRK-00002 Document the timeout\nWRK-00002 triage triage small\n",
                             to: agent["FAKE_AGENT_SCRIPT"] ?? "")
        let result = try CLIHarness.run(["triage"], in: root, environment: agent)
        #expect(result.status == 0, "\(result.stderr)")
        // The higher number is merged into the lower, and the merged item is not triaged after.
        #expect(result.stderr.contains("[WRK-00001] Merged WRK-00002 into WRK-00001 (duplicate)\n"))
        #expect(result.stderr.contains("[WRK-00001][TRIAGE] Result: PhaseComplete -- Duplicate of WRK-00002, with a follow-up\n"))
        #expect(result.stderr.contains("Triaged 1 item(s)\n"))
        #expect(RunHarness.agentLog(root) == ["WRK-00001 triage 1"])
        #expect(try RunHarness.archived(root) == ["WRK-00002"])
        let items = try RunHarness.active(root)
        #expect(items["WRK-00001"]?.pgStatus == .ready)
        #expect(items["WRK-00001"]?.structuredDescription?.context.contains("[Merged from WRK-00002] Title: Login timeout again") == true)
        let followUp = try #require(items.values.first { $0.title == "Document the timeout" })
        #expect(followUp.pgStatus == .new)
        #expect(followUp.origin == "WRK-00001/triage")
        #expect(Set(items.keys) == ["WRK-00001", followUp.id])
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
    }

    @Test("the active store a run leaves is canonical: every line as task-golem would write it")
    func canonicalStore() throws {
        let root = try RunHarness.project(items: [
            RunHarness.item("WRK-0000a", status: .inProgress, phase: "prd", pool: .main, created: 1),
            RunHarness.item("WRK-0000b", status: .new, created: 2),
        ])
        defer { CLIHarness.remove(root) }
        _ = try RunHarness.run(["--cap", "3"], in: root, script: ["WRK-0000b triage triage medium"])
        let bytes = try [UInt8](CLIHarness.read(root + "/.task-golem/tasks.jsonl"))
        let contents = try StoreFileFormat.parse(bytes, path: "tasks.jsonl", strict: true)
        #expect(!contents.items.isEmpty)
        #expect(StoreFileFormat.serialize(contents.items.map { item in
            var copy = item
            copy.title = item.title  // unchanged value, but forces canonical re-serialization
            return copy
        }, dialect: .v01) == bytes)
    }
}
