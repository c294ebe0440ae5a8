import Testing
@testable import PhaseGolemCore

/// The run loop's flows in process: the real scheduler, coordinator, store and git, the
/// scripted agent. Every flow of the multi-target design (the seed) and the loop's halts.
@Suite("scheduler: flows in process")
struct SchedulerFlowTests {
    static let a = "WRK-0000a"
    static let b = "WRK-0000b"
    static let c = "WRK-0000c"

    /// Three targets, each one phase (review) from done.
    static func threeTargets(_ script: [String: [ScriptedAgentRunner.Reply]] = [:],
                             execution: ExecutionConfig = ExecutionConfig(maxRetries: 0)) throws -> SchedulerHarness {
        try SchedulerHarness(items: [
            SchedulerHarness.item(a, created: 1), SchedulerHarness.item(b, created: 2), SchedulerHarness.item(c, created: 3),
        ], script: script, execution: execution)
    }

    // MARK: Targets (the seed's flows)

    @Test("a single target walks to done: TargetCompleted, exit 0, archived, tree clean")
    func singleTarget() async throws {
        let run = try Self.threeTargets()
        let summary = try await run.run(RunParams(targets: [Self.a]))
        #expect(summary.haltReason == .targetCompleted)
        #expect(summary.itemsCompleted == [Self.a])
        #expect(summary.itemsBlocked.isEmpty)
        #expect(summary.exitCode == 0)
        #expect(run.agent.calls == ["\(Self.a) review 1"])
        #expect(try run.archived() == [Self.a])
        #expect(try run.status() == "")
        #expect(await run.log().contains("\(Self.a) completed and archived"))
    }

    @Test("the first target blocks without auto-advance: TargetBlocked, exit 1, the next target untouched")
    func firstBlocksHalts() async throws {
        let run = try Self.threeTargets(["\(Self.a) review": [.block("Needs a product decision")]])
        let summary = try await run.run(RunParams(targets: [Self.a, Self.b]))
        #expect(summary.haltReason == .targetBlocked)
        #expect(summary.itemsBlocked == [Self.a])
        #expect(summary.blockReasons == [Self.a: "Needs a product decision"])
        #expect(summary.exitCode == 1)
        #expect(run.agent.calls == ["\(Self.a) review 1"])
        let items = try run.active()
        #expect(items[Self.a]?.pgStatus == .blocked)
        #expect(items[Self.b]?.pgStatus == .inProgress)
        #expect(try run.status() == "")
        #expect(await run.log().contains("[target] \(Self.a) blocked (1/2). Halting."))
    }

    @Test("the first target blocks with auto-advance: its state committed on its own (D9), the next completes, exit 0")
    func firstBlocksAdvances() async throws {
        let run = try Self.threeTargets(["\(Self.a) review": [.block("Needs a product decision")]])
        let summary = try await run.run(RunParams(targets: [Self.a, Self.b], autoAdvance: true))
        #expect(summary.haltReason == .targetCompleted)
        #expect(summary.itemsCompleted == [Self.b])
        #expect(summary.itemsBlocked == [Self.a])
        #expect(summary.exitCode == 0)
        #expect(run.agent.calls == ["\(Self.a) review 1", "\(Self.b) review 1"])
        let subjects = try run.subjects()
        let blockedCommit = try #require(subjects.firstIndex(of: "[phase-golem] Save task state: \(Self.a) blocked"))
        let nextPhase = try #require(subjects.firstIndex { $0.hasPrefix("[\(Self.b)][review]") })
        #expect(blockedCommit < nextPhase)
        #expect(try run.status() == "")
        #expect(await run.log().contains("[target] \(Self.a) blocked (1/2). Auto-advancing."))
    }

    @Test("the last target blocks with auto-advance: TargetCompleted, exit 0 since an earlier one completed")
    func lastBlocks() async throws {
        let run = try Self.threeTargets(["\(Self.b) review": [.block("Last one stuck")]])
        let summary = try await run.run(RunParams(targets: [Self.a, Self.b], autoAdvance: true))
        #expect(summary.haltReason == .targetCompleted)
        #expect(summary.itemsCompleted == [Self.a])
        #expect(summary.itemsBlocked == [Self.b])
        #expect(summary.exitCode == 0)
        #expect(await run.log().contains("[target] \(Self.b) blocked (2/2). Auto-advancing."))
    }

    @Test("every target blocks with auto-advance: TargetCompleted, exit 1")
    func allBlocked() async throws {
        let stuck: [ScriptedAgentRunner.Reply] = [.block("Everything is stuck")]
        let run = try Self.threeTargets(["\(Self.a) review": stuck, "\(Self.b) review": stuck, "\(Self.c) review": stuck])
        let summary = try await run.run(RunParams(targets: [Self.a, Self.b, Self.c], autoAdvance: true))
        #expect(summary.haltReason == .targetCompleted)
        #expect(summary.phasesExecuted == 3)
        #expect(summary.itemsCompleted.isEmpty)
        #expect(summary.itemsBlocked == [Self.a, Self.b, Self.c])
        #expect(summary.exitCode == 1)
        let status = try run.status()
        #expect(status == "")
    }

    @Test("a single target with auto-advance that blocks ends TargetCompleted, as if the flag were absent but for the reason")
    func singleTargetAutoAdvance() async throws {
        let run = try Self.threeTargets(["\(Self.a) review": [.block("No")]])
        let summary = try await run.run(RunParams(targets: [Self.a], autoAdvance: true))
        #expect(summary.haltReason == .targetCompleted)
        #expect(summary.exitCode == 1)
        #expect(await run.log().contains("[target] \(Self.a) blocked (1/1). Auto-advancing."))
    }

    @Test("consecutive exhausted targets with auto-advance never trip the breaker (reset between targets)")
    func exhaustionsAcrossTargets() async throws {
        let failing: [ScriptedAgentRunner.Reply] = [.fail("Tests fail")]
        let run = try Self.threeTargets(["\(Self.a) review": failing, "\(Self.b) review": failing],
                                        execution: ExecutionConfig(maxRetries: 1))
        let summary = try await run.run(RunParams(targets: [Self.a, Self.b, Self.c], autoAdvance: true))
        #expect(summary.haltReason == .targetCompleted)
        #expect(summary.itemsCompleted == [Self.c])
        #expect(summary.itemsBlocked == [Self.a, Self.b])
        #expect(summary.exitCode == 0)
        #expect(run.agent.calls == ["\(Self.a) review 1", "\(Self.a) review 2", "\(Self.b) review 1", "\(Self.b) review 2", "\(Self.c) review 1"])
        let log = await run.log()
        #expect(!log.contains { $0.hasPrefix("Circuit breaker tripped") })
        #expect(log.contains("[\(Self.a)] Phase failed: Phase review failed after 2 attempts. Last failure: Tests fail"))
    }

    @Test("the same exhaustions without targets trip the breaker at the threshold")
    func breakerWithoutTargets() async throws {
        let failing: [ScriptedAgentRunner.Reply] = [.agentError("Agent crashed")]
        let run = try Self.threeTargets(["\(Self.a) review": failing, "\(Self.b) review": failing, "\(Self.c) review": failing],
                                        execution: ExecutionConfig(maxRetries: 0, maxWip: 3))
        let summary = try await run.run(RunParams())
        #expect(summary.haltReason == .circuitBreakerTripped)
        #expect(run.agent.calls.count == 2)
        #expect(summary.exitCode == 1)
        #expect(await run.log().contains("Circuit breaker tripped: 2 consecutive items exhausted retries"))
    }

    @Test("exit-code matrix: completed/blocked empty or not, as the design's table")
    func exitCodeMatrix() async throws {
        // (completed, blocked) = (empty, empty): targets already finished are skipped → exit 0.
        var items = [SchedulerHarness.item(Self.a, .done), SchedulerHarness.item(Self.b, .ready)]
        _ = items[1].block(reason: "Waiting for legal")
        let run = try SchedulerHarness(items: items)
        let summary = try await run.run(RunParams(targets: [Self.a, Self.b]))
        #expect(summary.haltReason == .targetCompleted)
        #expect(summary.itemsCompleted.isEmpty && summary.itemsBlocked.isEmpty)
        #expect(summary.skippedTargets.map(\.id) == [Self.a, Self.b])
        #expect(summary.exitCode == 0)
        let log = await run.log()
        #expect(log.contains("[target] \(Self.a) already done. Skipping (1/2)."))
        #expect(log.contains("[target] \(Self.b) already blocked. Skipping (2/2)."))
        // The other three cells come from runs: (one, none) 0, (some, some) 0, (none, some) 1.
        for (completed, blocked, code) in [([Self.a], [String](), Int32(0)), ([Self.a], [Self.b], 0), ([], [Self.b], 1)] {
            #expect(RunSummary(itemsCompleted: completed, itemsBlocked: blocked, haltReason: .targetCompleted).exitCode == code)
        }
    }

    @Test("two targets run in order; the first completes before the second starts, each at every remaining phase")
    func targetsInOrder() async throws {
        let run = try SchedulerHarness(items: [
            SchedulerHarness.item(Self.a, phase: "build", created: 1), SchedulerHarness.item(Self.b, phase: "build", created: 2),
        ])
        let summary = try await run.run(RunParams(targets: [Self.a, Self.b]))
        #expect(summary.haltReason == .targetCompleted)
        #expect(summary.itemsCompleted == [Self.a, Self.b])
        #expect(summary.phasesExecuted == 4)
        #expect(run.agent.calls == ["\(Self.a) build 1", "\(Self.a) review 1", "\(Self.b) build 1", "\(Self.b) review 1"])
    }

    @Test("the first target completes, the second blocks: TargetBlocked, exit 0 (something completed)")
    func secondBlocksHalts() async throws {
        let run = try Self.threeTargets(["\(Self.b) review": [.block("Stuck")]])
        let summary = try await run.run(RunParams(targets: [Self.a, Self.b, Self.c]))
        #expect(summary.haltReason == .targetBlocked)
        #expect(summary.itemsCompleted == [Self.a])
        #expect(summary.itemsBlocked == [Self.b])
        #expect(summary.exitCode == 0)
        #expect(try run.active()[Self.c]?.pgStatus == .inProgress)
    }

    @Test("a target missing from the store (archived) is skipped with a warning; the next one runs")
    func missingTargetSkipped() async throws {
        let run = try Self.threeTargets()
        let summary = try await run.run(RunParams(targets: ["WRK-00fff", Self.a]))
        #expect(summary.haltReason == .targetCompleted)
        #expect(summary.itemsCompleted == [Self.a])
        #expect(summary.skippedTargets == [RunSummary.SkippedTarget(id: "WRK-00fff", reason: "not found (archived?)")])
        #expect(await run.log().contains("[target] WRK-00fff not found (archived?). Skipping (1/2)."))
    }

    @Test("a subphase, then the phase, then the next: three phases counted, the subphase's summary handed on")
    func previousSummary() async throws {
        let run = try SchedulerHarness(items: [SchedulerHarness.item(Self.a, phase: "build")],
                                       script: ["\(Self.a) build": [.subphase("Half of the build"), .complete("Built")]])
        let summary = try await run.run(RunParams(targets: [Self.a]))
        #expect(summary.phasesExecuted == 3)
        #expect(summary.itemsCompleted == [Self.a])
        let prompts = run.agent.prompts
        #expect(prompts.count == 3)
        #expect(prompts.dropFirst().first?.contains("Half of the build") == true)
        #expect(prompts.last?.contains("Built") == true)
    }

    // MARK: Without targets

    @Test("the cap stops the run once the phases in flight end: CapReached")
    func cap() async throws {
        let run = try Self.threeTargets(execution: ExecutionConfig(maxRetries: 0, maxWip: 3))
        let summary = try await run.run(RunParams(cap: 2))
        #expect(summary.haltReason == .capReached)
        #expect(summary.phasesExecuted == 2)
        #expect(run.agent.calls.count == 2)
        #expect(try run.status() == "")
    }

    @Test("--only: no match halts NoMatchingItems; the matching items run until FilterExhausted")
    func only() async throws {
        let run = try SchedulerHarness(items: [
            SchedulerHarness.item(Self.a, created: 1, tags: ["api"]), SchedulerHarness.item(Self.b, created: 2),
        ], execution: ExecutionConfig(maxRetries: 0, maxWip: 2))
        let none = try await run.run(RunParams(filter: try ItemFilter.parse(["tag=web"])))
        #expect(none.haltReason == .noMatchingItems)
        #expect(run.agent.calls.isEmpty)
        let some = try await run.run(RunParams(filter: try ItemFilter.parse(["tag=api"])))
        #expect(some.haltReason == .filterExhausted)
        #expect(some.itemsCompleted == [Self.a])
        #expect(run.agent.calls == ["\(Self.a) review 1"])
        let log = await run.log()
        #expect(log.contains("[filter] No items match filter criteria: tag=web"))
        #expect(log.contains("[filter] All items matching tag=api are done or blocked."))
    }

    @Test("shutdown mid-phase: the phase is cancelled, the item keeps its phase, ShutdownRequested, tree clean")
    func shutdown() async throws {
        let run = try Self.threeTargets(["\(Self.a) review": [ScriptedAgentRunner.Reply.complete().after(.seconds(60))]])
        let running = Task { try await run.run(RunParams(targets: [Self.a])) }
        var started = run.agent.started.makeAsyncIterator()
        #expect(await started.next() == "\(Self.a) review 1")
        run.shutdown.request()
        let summary = try await running.value
        #expect(summary.haltReason == .shutdownRequested)
        #expect(summary.itemsBlocked.isEmpty)
        let item = try #require(try run.active()[Self.a])
        #expect(item.pgStatus == .inProgress)
        #expect(item.phase == "review")
        #expect(await run.log().contains("[\(Self.a)] Phase cancelled"))
    }

    // MARK: Results

    @Test("subphase_complete commits and runs the same phase again, with its summary as context")
    func subphase() async throws {
        let run = try Self.threeTargets(["\(Self.a) review": [.subphase("Half reviewed"), .complete()]])
        let summary = try await run.run(RunParams(targets: [Self.a]))
        #expect(summary.phasesExecuted == 2)
        #expect(summary.itemsCompleted == [Self.a])
        #expect(run.agent.calls == ["\(Self.a) review 1", "\(Self.a) review 1"])
        #expect(await run.log().contains("[\(Self.a)][REVIEW] Result: SUBPHASE_COMPLETE — Half reviewed"))
    }

    @Test("triage in the run loop: follow-ups ingested, the duplicate merged, the item routed; edits reach the result")
    func triage() async throws {
        let fresh = SchedulerFixture.item("WRK-00002", .new, pipeline: "feature", created: 2)
        // Blocked: not scheduled itself, but still a merge target.
        var older = SchedulerHarness.item("WRK-00001", .ready, created: 1)
        _ = older.block(reason: "Waiting")
        let reply = ScriptedAgentRunner.Reply.complete("Triaged").with {
            $0.followUps = [PhaseResult.FollowUp(title: "Document the API")]
            $0.duplicates = ["WRK-00001"]
        }
        let run = try SchedulerHarness(items: [older, fresh], script: ["WRK-00002 triage": [reply]])
        let summary = try await run.run(RunParams(cap: 1))
        #expect(summary.followUpsCreated == 1)
        #expect(summary.itemsMerged == 1)
        // Numbered ids: the higher number is merged into the lower.
        #expect(try run.archived() == ["WRK-00002"])
        let items = try run.active()
        #expect(items.values.contains { $0.title == "Document the API" && $0.origin == "WRK-00002/triage" })
        #expect(await run.log().contains("[WRK-00002] Merged WRK-00002 into WRK-00001 (duplicate)"))
    }
}
