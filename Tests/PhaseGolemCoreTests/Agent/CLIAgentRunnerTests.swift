import Foundation
import Testing
@testable import PhaseGolemCore

/// The agent run sequence of docs/compatibility.md#agents against the scripted fake agent.
@Suite("CLI agent runner")
struct CLIAgentRunnerTests {
    @Test func completeReturnsResultAndDeletesFile() async throws {
        let harness = try FakeAgentHarness(script: "WRK-001 build complete All built\n")
        defer { harness.remove() }
        let (result, events) = await harness.run()
        let phaseResult = try result.get()
        #expect(phaseResult.itemID == "WRK-001" && phaseResult.phase == "build")
        #expect(phaseResult.result == .phaseComplete && phaseResult.summary == "All built")
        #expect(!FileManager.default.fileExists(atPath: harness.resultPath()))
        #expect(events.warnings.isEmpty)
        #expect(events.lines.contains(AgentOutputLine(stream: .stdout, text: "fake-agent: WRK-001 build attempt 1 starting")))
        #expect(events.lines.contains(AgentOutputLine(stream: .stderr, text: "fake-agent: progress on stderr")))
        let log = try String(contentsOfFile: harness.logPath(), encoding: .utf8)
        #expect(log.contains("fake-agent: WRK-001 build attempt 1 starting\nfake-agent: working on it\n"))
        #expect(log.contains("[stderr] fake-agent: progress on stderr\n"))
        #expect(try String(contentsOfFile: harness.invocationLog, encoding: .utf8) == "WRK-001 build 1\n")
        #expect(events.debugs.first == "[agent] Spawning subprocess...")
        #expect(events.debugs.contains("[agent] Waiting (timeout=20s)..."))
        #expect(harness.registry.registered.isEmpty)
    }

    @Test func missingResultFile() async throws {
        let harness = try FakeAgentHarness(script: "* * noresult\n")
        defer { harness.remove() }
        let (result, _) = await harness.run()
        #expect(FakeAgentHarness.errorText(result) == "Agent failed (zero exit): Result file not found: \(harness.resultPath())")
    }

    @Test func nonZeroExitWithoutResult() async throws {
        let harness = try FakeAgentHarness(script: "* * exit 3\n")
        defer { harness.remove() }
        let (result, _) = await harness.run()
        #expect(FakeAgentHarness.errorText(result) == "Agent failed (exit code 3): Result file not found: \(harness.resultPath())")
    }

    /// The original's debug line keeps its `status=` shape with a plain value (D11: no `Some(3)`),
    /// and comes after the agent's own output, as it did when that output was inherited.
    @Test func exitDebugLineIsPlainAndFollowsTheOutput() async throws {
        let harness = try FakeAgentHarness(script: "* * exit 3\n")
        defer { harness.remove() }
        let (_, events) = await harness.run()
        #expect(events.debugs.last == "[agent] Subprocess exited (status=3)")
        let order = events.all.compactMap { event -> String? in
            switch event {
            case .output: "output"
            case .debug(let text) where text.hasPrefix("[agent] Subprocess exited"): "exited"
            default: nil
            }
        }
        #expect(order.last == "exited" && order.contains("output"), "\(order)")
        #expect(AgentExitStatus.exited(0).plainValue == "0" && AgentExitStatus.signaled(9).plainValue == "signal 9")
    }

    @Test func invalidJSONIsLeftInPlace() async throws {
        let harness = try FakeAgentHarness(script: "* * invalidjson\n")
        defer { harness.remove() }
        let (result, _) = await harness.run()
        let prefix = "Agent failed (zero exit): Failed to parse result JSON from \(harness.resultPath()): invalid JSON at line 1, column "
        #expect(FakeAgentHarness.errorText(result)?.hasPrefix(prefix) == true)
        #expect(FileManager.default.fileExists(atPath: harness.resultPath()))
    }

    @Test func validResultAfterNonZeroExitWarns() async throws {
        let harness = try FakeAgentHarness(script: "* * complete-exit 4\n")
        defer { harness.remove() }
        let (result, events) = await harness.run()
        #expect(try result.get().result == .phaseComplete)
        #expect(events.warnings == ["Warning: Agent exited with non-zero status but produced valid result"])
    }

    @Test func staleResultFileIsRemovedWithWarning() async throws {
        let harness = try FakeAgentHarness(script: "* * noresult\n")
        defer { harness.remove() }
        try Data(FakeAgentHarness.validResult.utf8).write(to: URL(fileURLWithPath: harness.resultPath()))
        let (result, events) = await harness.run()
        #expect(events.warnings == ["Warning: Stale result file found at \(harness.resultPath()), deleted"])
        // Had the stale file survived, the run would have "succeeded" with it.
        #expect(FakeAgentHarness.errorText(result) == "Agent failed (zero exit): Result file not found: \(harness.resultPath())")
    }

    @Test func attemptSpecificRules() async throws {
        let harness = try FakeAgentHarness(script: "WRK-001 build#1 fail first try\nWRK-001 build subphase\n")
        defer { harness.remove() }
        let (first, _) = await harness.run(harness.request(attempt: 1))
        let (second, _) = await harness.run(harness.request(attempt: 2))
        #expect(try first.get().result == .failed && first.get().summary == "first try")
        #expect(try second.get().result == .subphaseComplete)
        #expect(try String(contentsOfFile: harness.invocationLog, encoding: .utf8) == "WRK-001 build 1\nWRK-001 build 2\n")
    }

    @Test func environmentVariables() async throws {
        let harness = try FakeAgentHarness(script: "* * env\n")
        defer { harness.remove() }
        let (result, _) = await harness.run(harness.request(attempt: 2))
        // Only the variables the runner sets: the test's own environment may hold other PHASE_GOLEM_* ones.
        let runnerSet: Set<String> = ["ATTEMPT", "CHANGE_FOLDER", "ITEM_ID", "PHASE", "RESULT_PATH", "ROOT"]
        let lines = try result.get().summary.split(separator: "\n").map(String.init).filter { line in
            runnerSet.contains(String(line.dropFirst("PHASE_GOLEM_".count).prefix { $0 != "=" }))
        }
        #expect(lines == [
            "PHASE_GOLEM_ATTEMPT=2",
            "PHASE_GOLEM_CHANGE_FOLDER=\(harness.root)/changes/WRK-001_title",
            "PHASE_GOLEM_ITEM_ID=WRK-001",
            "PHASE_GOLEM_PHASE=build",
            "PHASE_GOLEM_RESULT_PATH=\(harness.resultPath())",
            "PHASE_GOLEM_ROOT=\(harness.root)",
        ])
    }

    @Test func workingDirectoryIsTheRoot() async throws {
        let harness = try FakeAgentHarness(script: "* * pwd\n")
        defer { harness.remove() }
        let (result, _) = await harness.run()
        let expected = URL(fileURLWithPath: harness.root).resolvingSymlinksInPath().path
        #expect(try result.get().summary == expected)
    }

    @Test func timeoutKillsTheWholeProcessGroup() async throws {
        let harness = try FakeAgentHarness(script: "* * forkignore\n")
        defer { harness.remove() }
        // 2 s: time for a loaded machine to start the agent and its stubborn child before the kill.
        let (result, events) = await harness.run(harness.request(timeout: 2))
        #expect(FakeAgentHarness.errorText(result) == "Agent timed out after 2 seconds")
        let spawned = try #require(events.time(ofDebug: "[agent] Waiting (timeout=2s)..."))
        let timedOut = try #require(events.time(ofDebug: "[agent] TIMEOUT after 2s — killing process group"))
        #expect(timedOut - spawned >= .milliseconds(1990) && timedOut - spawned < .seconds(5))
        let pgid = try #require(events.spawnedPID)
        let stubborn = try #require(events.lines.first { $0.text.hasPrefix("fake-agent: stubborn child ") })
        let stubbornPID = try #require(pid_t(stubborn.text.dropFirst("fake-agent: stubborn child ".count)))
        #expect(FakeAgentHarness.isGoneOrZombie(stubbornPID))
        #expect(!ProcessGroupRegistry.isGroupAlive(pgid))
        #expect(try FakeAgentHarness.liveMembers(ofGroup: pgid).isEmpty)
        #expect(harness.registry.registered.isEmpty)
    }

    /// Ignored signals and the spawning thread's blocked ones survive exec; phase-golem ignoring
    /// SIGTERM (started under `nohup`, say) must not make agents immune to it. The test process's
    /// dispositions are shared with the suites running beside it, so they are not changed here
    /// (`RunEdgeTests.sighup` checks an agent of a real run started with signals ignored).
    ///
    /// The agent is `cat /proc/self/status`, which reports the masks it was exec'd with. A shell
    /// agent would not do: dash clears its blocked mask at startup and blocks every signal for
    /// a moment around each fork, so what `/proc` shows for it depends on when it is read.
    @Test func agentsGetDefaultSignalDispositions() async throws {
        let harness = try FakeAgentHarness()
        defer { harness.remove() }
        let (_, events) = await harness.run(runner: harness.runner(command: ["/bin/cat", "/proc/self/status"]))
        let status = events.lines.filter { $0.stream == .stdout }.map(\.text)
        func mask(_ name: String) throws -> UInt64 {
            let line = try #require(status.first { $0.hasPrefix(name + ":") }, "no \(name) in the agent's output: \(status)")
            return try #require(UInt64(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces), radix: 16), "\(line)")
        }
        let blocked = try mask("SigBlk"), ignored = try mask("SigIgn")
        #expect(blocked == 0, "the agent starts with signals blocked: \(String(blocked, radix: 16))")
        // The runner's threads block almost every signal, so this fails if the mask is not reset;
        // the ignored ones are checked for a real run started with signals ignored in RunEdgeTests.
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE] {
            #expect(ignored & (1 << UInt64(signal - 1)) == 0, "the agent ignores signal \(signal)")
        }
    }

    /// The agents below sleep far longer than any test waits, so "running" stays true until the
    /// test stops them, however long a busy machine keeps this task from being scheduled; the
    /// kills block for their grace period, so they run on a thread of their own, not the pool.
    @Test func cancellationKillsTheAgent() async throws {
        let harness = try FakeAgentHarness(script: "* * sleep 600\n")
        defer { harness.registry.killAllNow(); harness.remove() }
        let recorder = EventRecorder()
        let runner = harness.runner()
        let request = harness.request()
        let task = Task { await runner.run(request, onEvent: recorder.callback) }
        try await waitUntil { !harness.registry.registered.isEmpty }
        let cancelled = ContinuousClock.now
        task.cancel()
        let result = await task.value
        #expect(FakeAgentHarness.errorText(result) == CLIAgentRunner.cancelledMessage)
        let noticed = try #require(recorder.time(ofDebug: "[agent] Cancelled — killing process group"))
        #expect(noticed - cancelled < .seconds(5))
        let pgid = try #require(recorder.spawnedPID)
        #expect(try await BlockingThread.run { Result { try FakeAgentHarness.liveMembers(ofGroup: pgid) } }.get().isEmpty)
        #expect(harness.registry.registered.isEmpty)
    }

    @Test func shutdownRequestedDuringRun() async throws {
        let harness = try FakeAgentHarness(script: "* * complete\n")
        defer { harness.remove() }
        harness.shutdown.request()
        let (result, _) = await harness.run()
        #expect(FakeAgentHarness.errorText(result) == "Shutdown requested")
    }

    @Test func killAllStopsRunningAgents() async throws {
        let harness = try FakeAgentHarness(script: "* * sleep 600\n")
        defer { harness.registry.killAllNow(); harness.remove() }
        let runner = harness.runner()
        let first = Task { await runner.run(harness.request("WRK-001"), onEvent: { _ in }) }
        let second = Task { await runner.run(harness.request("WRK-002"), onEvent: { _ in }) }
        try await waitUntil { harness.registry.registered.count == 2 }
        let groups = harness.registry.registered
        await BlockingThread.run { harness.registry.killAll(grace: .seconds(5)) }
        #expect(harness.registry.registered.isEmpty)
        #expect(FakeAgentHarness.errorText(await first.value)?.hasPrefix("Agent failed (signal 15): Result file not found: ") == true)
        #expect(FakeAgentHarness.errorText(await second.value)?.hasPrefix("Agent failed (signal 15): Result file not found: ") == true)
        for pgid in groups { #expect(!ProcessGroupRegistry.isGroupAlive(pgid)) }
    }

    @Test func killAllNowSendsSIGKILL() async throws {
        let harness = try FakeAgentHarness(script: "* * sleep 600\n")
        defer { harness.registry.killAllNow(); harness.remove() }
        let runner = harness.runner()
        let task = Task { await runner.run(harness.request(), onEvent: { _ in }) }
        try await waitUntil { !harness.registry.registered.isEmpty }
        harness.registry.killAllNow()
        #expect(harness.registry.registered.isEmpty)
        #expect(FakeAgentHarness.errorText(await task.value)?.hasPrefix("Agent failed (signal 9): ") == true)
    }

    @Test func spawnFailure() async throws {
        let harness = try FakeAgentHarness()
        defer { harness.remove() }
        let (result, _) = await harness.run(runner: harness.runner(command: [harness.root + "/no-such-agent"]))
        #expect(FakeAgentHarness.errorText(result) == "Failed to spawn subprocess: No such file or directory")
        #expect(harness.registry.registered.isEmpty)
    }

    @Test func hugeResultFile() async throws {
        let harness = try FakeAgentHarness(script: "* * huge\n")
        defer { harness.remove() }
        let (result, _) = await harness.run()
        #expect(try result.get().summary.utf8.count == 5_000_000)
    }

    @Test func floodIsLoggedInFullAndCoalesced() async throws {
        let count = 200_000
        let harness = try FakeAgentHarness(script: "* * flood \(count)\n")
        defer { harness.remove() }
        let (result, events) = await harness.run()
        #expect(try result.get().summary == "Flooded \(count) lines")

        let flood = events.lines.filter { $0.text.hasPrefix("flood line ") }
        #expect(flood.count == count)
        #expect(flood.first?.text == "flood line 1" && flood.last?.text == "flood line \(count)")
        #expect(flood.enumerated().allSatisfy { $0.element.text == "flood line \($0.offset + 1)" })
        #expect(events.batches.allSatisfy { $0.count <= 500 })
        #expect(events.batches.count < count / 100)

        let log = try Data(contentsOf: URL(fileURLWithPath: harness.logPath()))
        let logLines = log.split(separator: UInt8(ascii: "\n")).filter { $0.starts(with: Array("flood line ".utf8)) }
        #expect(logLines.count == count)
        #expect(logLines.last.map { String(decoding: $0, as: UTF8.self) } == "flood line \(count)")
    }

    /// Output still in the pipes when the agent exits is read before the run ends.
    @Test func outputWrittenJustBeforeExitIsKept() async throws {
        let harness = try FakeAgentHarness(script: "* * burst 20000\n")
        defer { harness.remove() }
        let (result, events) = await harness.run()
        _ = try result.get()
        let burst = events.lines.filter { $0.text.hasPrefix("burst line ") }
        #expect(burst.count == 20_000)
        #expect(burst.last?.text == "burst line 20000")
    }

    @Test func overlongLineIsTruncatedForTheCallbackOnly() async throws {
        let harness = try FakeAgentHarness(script: "* * longline 200000\n")
        defer { harness.remove() }
        let (result, events) = await harness.run()
        _ = try result.get()
        let long = try #require(events.lines.first { $0.text.hasPrefix("xxxx") })
        // Checked piecewise: a failing comparison of the whole line would print 64 KiB.
        let marker = " … [line truncated: 200000 bytes, in full in the log file]"
        #expect(long.text.hasSuffix(marker))
        #expect(long.text.utf8.count == 64 * 1024 + marker.utf8.count)
        #expect(long.text.utf8.prefix(64 * 1024).allSatisfy { $0 == UInt8(ascii: "x") })
        let log = try Data(contentsOf: URL(fileURLWithPath: harness.logPath()))
        #expect(log.split(separator: UInt8(ascii: "\n")).contains(Data(repeating: UInt8(ascii: "x"), count: 200_000)))
    }

    @Test func hostileOutputIsRawInLogAndReplacedInCallback() async throws {
        let harness = try FakeAgentHarness(script: "* * hostile\n")
        defer { harness.remove() }
        let (result, events) = await harness.run()
        _ = try result.get()
        let log = try Data(contentsOf: URL(fileURLWithPath: harness.logPath()))
        #expect(log.range(of: Data("\u{1B}[2J\u{1B}[H".utf8)) != nil)
        #expect(log.range(of: Data([0x69, 0x6E, 0x76, 0x61, 0x6C, 0x69, 0x64, 0x20, 0x75, 0x74, 0x66, 0x38, 0x3A, 0x20, 0xFF, 0xFE])) != nil)
        #expect(log.range(of: Data("[stderr] no newline at the end\n".utf8)) != nil)

        let invalid = try #require(events.lines.first { $0.text.hasPrefix("invalid utf8: ") })
        #expect(invalid.text.contains("\u{FFFD}"))
        #expect(invalid.text.hasSuffix(" end"))
        #expect(events.lines.contains(AgentOutputLine(stream: .stderr, text: "no newline at the end")))
        #expect(events.lines.contains { $0.text.contains("\u{1B}]52;") })
    }

    @Test func unwritableLogWarnsButRunSucceeds() async throws {
        let harness = try FakeAgentHarness(script: "* * complete\n")
        defer { harness.remove() }
        // A file where the log directory should be.
        try Data().write(to: URL(fileURLWithPath: harness.root + "/.phase-golem/logs"))
        let (result, events) = await harness.run()
        #expect(try result.get().result == .phaseComplete)
        #expect(events.warnings.count == 1 && events.warnings[0].hasPrefix("Warning: Agent output is not saved: "))
    }

    @Test func readResultFileReasons() throws {
        let harness = try FakeAgentHarness()
        defer { harness.remove() }
        #expect(throws: AgentError("Result file not found: \(harness.resultPath())", cause: .noResultFile(.unknown))) {
            try CLIAgentRunner.readResultFile(at: harness.resultPath())
        }
        try FileManager.default.createDirectory(atPath: harness.resultPath(), withIntermediateDirectories: true)
        #expect(throws: AgentError("Failed to read result file \(harness.resultPath()): Is a directory")) {
            try CLIAgentRunner.readResultFile(at: harness.resultPath())
        }
        let small = harness.root + "/small.json"
        try Data(FakeAgentHarness.validResult.utf8).write(to: URL(fileURLWithPath: small))
        #expect(throws: AgentError.self) { try CLIAgentRunner.readResultFile(at: small, maxBytes: 10) }
        #expect(try CLIAgentRunner.readResultFile(at: small).itemID == "WRK-001")
    }

    @Test func secondsFormatting() {
        #expect(NumberText.decimal(1800) == "1800")
        #expect(NumberText.decimal(0.5) == "0.5")
        #expect(NumberText.decimal(90.25) == "90.25")
        #expect(NumberText.decimal(0.03 * 60) == "1.8")
    }

    /// Polls `condition` every 10 ms; the generous limit is for a busy machine, not the expected case.
    func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("condition not met within 60 s")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

extension FakeAgentHarness {
    static let validResult = #"{"item_id": "WRK-001", "phase": "build", "result": "phase_complete", "summary": "stale"}"#
}
