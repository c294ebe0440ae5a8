import Foundation
import Testing
@testable import PhaseGolemCore

/// docs/decisions.md D14 in process: an agent that cannot work never blocks an item, is retried
/// after the backoff, and halts the run `AgentUnavailable` after `agent_failure_limit` in a row.
@Suite("scheduler: agent failures")
struct AgentFailureFlowTests {
    static let a = SchedulerFlowTests.a
    static let b = SchedulerFlowTests.b
    static let c = SchedulerFlowTests.c
    static let overloadedWords = "API Error: 529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"

    static func execution(backoff: Double = 0, limit: Int = 3, streak: Int = 2, retries: Int = 0) -> ExecutionConfig {
        ExecutionConfig(maxRetries: retries, agentRetryBackoffSeconds: backoff, agentFailureLimit: limit, agentFailureStreak: streak)
    }

    static func allThree(_ script: [String: [ScriptedAgentRunner.Reply]], execution: ExecutionConfig = execution()) throws -> SchedulerHarness {
        try SchedulerFlowTests.threeTargets(script, execution: execution)
    }

    @Test("an API that stays down: AgentUnavailable after the limit, nothing blocked, the item as it was, exit 1, committed")
    func limitHalts() async throws {
        let run = try Self.allThree(["\(Self.a) review": [.overloaded]], execution: Self.execution(retries: 2))
        let summary = try await run.run(RunParams(targets: [Self.a, Self.b, Self.c], autoAdvance: true))
        #expect(summary.haltReason == .agentUnavailable)
        #expect(summary.exitCode == 1)
        #expect(summary.itemsBlocked.isEmpty && summary.itemsCompleted.isEmpty)
        // Each agent failure ends the attempt loop: the item's retries (2) are not spent on it.
        #expect(run.agent.calls == Array(repeating: "\(Self.a) review 1", count: 3))
        #expect(summary.phasesExecuted == 0)
        #expect(summary.agentFailure?.kind == .apiError(status: 529))
        #expect(summary.agentFailure?.lastWords == Self.overloadedWords)
        let items = try run.active()
        for id in [Self.a, Self.b, Self.c] {
            #expect(items[id]?.pgStatus == .inProgress)
            #expect(items[id]?.phase == "review")
            #expect(items[id]?.blockedReason == nil)
        }
        #expect(try run.status() == "")
        let log = await run.log()
        #expect(log.contains("[\(Self.a)] The agent could not work (1/3): \(Self.overloadedWords)"))
        #expect(log.contains("[\(Self.a)] Not blocked: retrying in 0s"))
        #expect(log.contains("[\(Self.a)] The agent could not work (3/3): \(Self.overloadedWords)"))
        #expect(log.contains("Agent unavailable: 3 agent failures in a row; \(Self.a) left as it was"))
        #expect(!log.contains { $0.hasPrefix("[\(Self.a)] Phase failed") })
        #expect(Array(summary.plainLines.suffix(3)) == [
            "Halt reason: AgentUnavailable",
            "The agent could not work: \(Self.overloadedWords)",
            "hint: Wait until the API recovers (the model API answered 529; check the provider's status page, your rate limits and credit), "
                + "then run the same command again: nothing was blocked",
        ])
    }

    @Test("the same command after the API recovers completes every target")
    func resumes() async throws {
        let run = try Self.allThree(["\(Self.a) review": [.overloaded]])
        let halted = try await run.run(RunParams(targets: [Self.a, Self.b, Self.c], autoAdvance: true))
        #expect(halted.haltReason == .agentUnavailable)
        // The same project and command, an agent that works again.
        run.agent.rescript([:])
        let summary = try await run.run(RunParams(targets: [Self.a, Self.b, Self.c], autoAdvance: true))
        #expect(summary.haltReason == .targetCompleted)
        #expect(summary.itemsCompleted == [Self.a, Self.b, Self.c])
        #expect(summary.exitCode == 0)
    }

    @Test("one transient API error is absorbed: the phase runs again and the target completes")
    func transient() async throws {
        let run = try Self.allThree(["\(Self.a) review": [.overloaded, .complete()]])
        let summary = try await run.run(RunParams(targets: [Self.a]))
        #expect(summary.haltReason == .targetCompleted)
        #expect(summary.itemsCompleted == [Self.a])
        #expect(summary.exitCode == 0)
        #expect(summary.agentFailure == nil)
        #expect(run.agent.calls == ["\(Self.a) review 1", "\(Self.a) review 1"])
    }

    @Test("a phase that produces a result resets the count")
    func resultResets() async throws {
        let run = try Self.allThree([
            "\(Self.a) review": [.overloaded, .complete()], "\(Self.b) review": [.overloaded, .complete()],
        ], execution: Self.execution(limit: 2))
        let summary = try await run.run(RunParams(targets: [Self.a, Self.b], autoAdvance: true))
        #expect(summary.haltReason == .targetCompleted)
        #expect(summary.itemsCompleted == [Self.a, Self.b])
    }

    @Test("auto-advance does not reset the count")
    func autoAdvanceKeepsCount() async throws {
        // A: an agent failure, then a timeout (an item failure, blocked; no result, so no reset);
        // auto-advance to B, whose second agent failure is the third in a row.
        let run = try Self.allThree([
            "\(Self.a) review": [.overloaded, .agentError("Agent timed out after 60 seconds")], "\(Self.b) review": [.overloaded],
        ], execution: Self.execution(limit: 3, streak: 0))
        let summary = try await run.run(RunParams(targets: [Self.a, Self.b, Self.c], autoAdvance: true))
        #expect(summary.haltReason == .agentUnavailable)
        #expect(run.agent.calls == ["\(Self.a) review 1", "\(Self.a) review 1", "\(Self.b) review 1", "\(Self.b) review 1"])
        #expect(summary.itemsBlocked == [Self.a])
        #expect(try run.active()[Self.b]?.pgStatus == .inProgress)
    }

    @Test("the streak: two items in a row blocked by crashes without a result halt AgentUnavailable and are put back, committed")
    func streakPutsBack() async throws {
        let run = try Self.allThree(["\(Self.a) review": [.crash], "\(Self.b) review": [.crash]])
        let before = try run.active()
        let summary = try await run.run(RunParams(targets: [Self.a, Self.b, Self.c], autoAdvance: true))
        #expect(summary.haltReason == .agentUnavailable)
        #expect(summary.exitCode == 1)
        #expect(summary.itemsBlocked.isEmpty)
        #expect(summary.agentFailure?.kind == .failureStreak)
        #expect(summary.agentFailure?.lastWords == "Segmentation fault")
        #expect(run.agent.calls == ["\(Self.a) review 1", "\(Self.b) review 1"])
        let after = try run.active()
        for id in [Self.a, Self.b, Self.c] {
            #expect(after[id]?.pgStatus == .inProgress)
            #expect(after[id]?.blockedReason == nil)
            #expect(after[id]?.phase == before[id]?.phase)
        }
        #expect(try run.status() == "")
        let log = await run.log()
        #expect(log.contains("[\(Self.a)] The agent's last words: Segmentation fault"))
        #expect(log.contains("[\(Self.b)] Put back as it was before this run blocked it (agent failure streak)"))
    }

    @Test("streak 0 turns the rule off: the original's blocks stand")
    func streakOff() async throws {
        let run = try Self.allThree(["\(Self.a) review": [.crash], "\(Self.b) review": [.crash]],
                                    execution: Self.execution(streak: 0))
        let summary = try await run.run(RunParams(targets: [Self.a, Self.b], autoAdvance: true))
        #expect(summary.haltReason == .targetCompleted)
        #expect(summary.itemsBlocked == [Self.a, Self.b])
        // The reason an operator reads quotes the agent; the log line keeps the original's text alone.
        let reason = try #require(try run.active()[Self.a]?.blockedReason)
        #expect(reason.hasPrefix("Phase review failed after "), "\(reason)")
        #expect(reason.hasSuffix(" — the agent's last words: Segmentation fault"), "\(reason)")
        #expect(summary.blockReasons[Self.a] == reason)
        let log = await run.log()
        #expect(log.contains { $0.hasPrefix("[\(Self.a)] Phase failed: Phase review failed after ") && !$0.contains("last words") })
        #expect(log.contains("[\(Self.a)] The agent's last words: Segmentation fault"))
    }

    @Test("the backoff doubles between agent failures")
    func backoffWaits() async throws {
        let run = try Self.allThree(["\(Self.a) review": [.overloaded, .overloaded, .complete()]], execution: Self.execution(backoff: 0.1))
        let start = ContinuousClock.now
        let summary = try await run.run(RunParams(targets: [Self.a]))
        let elapsed = ContinuousClock.now - start
        #expect(summary.itemsCompleted == [Self.a])
        // 0.1 s, then 0.2 s.
        #expect(elapsed >= .milliseconds(300))
        #expect(await run.log().contains("[\(Self.a)] Not blocked: retrying in 0.2s"))
    }

    @Test("a shutdown ends the backoff at once")
    func shutdownInterruptsBackoff() async throws {
        let run = try Self.allThree(["\(Self.a) review": [.overloaded]], execution: Self.execution(backoff: 300))
        let task = Task { try await run.run(RunParams(targets: [Self.a])) }
        for await started in run.agent.started where started == "\(Self.a) review 1" { break }
        run.shutdown.request()
        let start = ContinuousClock.now
        let summary = try await task.value
        // Far under the 300 s backoff; not tighter, as a loaded CI machine stretches the halt's git work.
        #expect(ContinuousClock.now - start < .seconds(100))
        #expect(summary.haltReason == .shutdownRequested)
        #expect(try run.active()[Self.a]?.pgStatus == .inProgress)
    }

    @Test("a triage the agent could not do leaves the item New and is tried again")
    func triageNotBlocked() async throws {
        let run = try SchedulerHarness(items: [SchedulerHarness.item(Self.a, .new)],
                                       script: ["\(Self.a) triage": [.overloaded, .complete()]], execution: Self.execution())
        let summary = try await run.run(RunParams(cap: 2))
        #expect(summary.itemsBlocked.isEmpty)
        #expect(run.agent.calls.prefix(2) == ["\(Self.a) triage 1", "\(Self.a) triage 1"])
    }
}
