import Testing
@testable import PhaseGolemCore

/// Costs reported by agents travel to observers and the summary; a budget halts the run
/// (docs/decisions.md D13).
@Suite("scheduler: cost and budget")
struct SchedulerCostTests {
    static let a = SchedulerFlowTests.a
    static let b = SchedulerFlowTests.b
    static let c = SchedulerFlowTests.c

    @Test("each phase's facts reach its phaseFinished event, the summary sums them per target and in total")
    func costsFlow() async throws {
        let run = try SchedulerFlowTests.threeTargets([
            "\(Self.a) review": [.complete().costing(0.5)], "\(Self.b) review": [.complete().costing(0.25)],
        ])
        let summary = try await run.run(RunParams(targets: [Self.a, Self.b]))
        #expect(summary.haltReason == .targetCompleted)
        #expect(summary.targetFacts[Self.a]?.costUSD == 0.5)
        #expect(summary.totalFacts?.costUSD == 0.75)
        #expect(summary.costLine == "[cost] Run total: $0.75 · 2.2k tokens · 2 turns · 2s")
        let finished = await run.finishedPhases()
        #expect(finished.map(\.key) == ["\(Self.a) review", "\(Self.b) review"])
        #expect(finished.map { $0.facts?.costUSD } == [0.5, 0.25])
        #expect(summary.json().contains(#""total_cost":{"cache_creation_tokens":0,"cache_read_tokens":0,"cost_usd":0.75,"cost_usd_at_least":null,"duration_ms":2000,"input_tokens":2000,"output_tokens":200,"turns":2}"#))
    }

    @Test("a phase of unknown cost makes the total unknown, never zero; what is known is said as a lower bound")
    func unknownCost() async throws {
        let run = try SchedulerFlowTests.threeTargets(["\(Self.a) review": [.complete().costing(0.5)]])
        let summary = try await run.run(RunParams(targets: [Self.a, Self.b]))
        #expect(summary.totalFacts?.costUSD == nil)
        #expect(summary.totalFacts?.costFloorUSD == 0.5)
        #expect(summary.costLine == "[cost] Run total: at least $0.50 (some phases reported no cost)")
        #expect(summary.json().contains(#""total_cost":{"cache_creation_tokens":null,"cache_read_tokens":null,"cost_usd":null,"cost_usd_at_least":0.5,"#))
        #expect(summary.json().contains(#""\#(Self.a)":{"cache_creation_tokens":0,"cache_read_tokens":0,"cost_usd":0.5,"cost_usd_at_least":null,"#))
    }

    @Test("spend reaching the budget halts before the next phase with BudgetExhausted; each phase gets what is left")
    func budgetHalts() async throws {
        let run = try SchedulerFlowTests.threeTargets([
            "\(Self.a) review": [.complete().costing(0.5)], "\(Self.b) review": [.complete().costing(0.5)],
            "\(Self.c) review": [.complete().costing(0.5)],
        ])
        let summary = try await run.run(RunParams(targets: [Self.a, Self.b, Self.c], maxCostUSD: 0.6))
        #expect(summary.haltReason == .budgetExhausted)
        #expect(run.agent.calls == ["\(Self.a) review 1", "\(Self.b) review 1"])
        let budgets = run.agent.budgets.map { $0.map { ($0 * 100).rounded() / 100 } }
        #expect(budgets == [0.6, 0.1])
        #expect(summary.itemsCompleted == [Self.a, Self.b])
        #expect(summary.exitCode == 0)
        #expect(summary.costLine == "[cost] Run total: $1.00 · 2.2k tokens · 2 turns · 2s (budget $0.60)")
        #expect(try run.active()[Self.c]?.pgStatus == .inProgress)
        #expect(await run.log().contains("[budget] Spend $1.00 reached the budget of $0.60; halting"))
    }

    @Test("a phase the CLI stopped for the budget does not count against the item: no retry, not blocked")
    func budgetStopIsNotTheItems() async throws {
        let run = try SchedulerFlowTests.threeTargets(["\(Self.a) review": [.budgetStop(cost: 0.3)]],
                                                      execution: ExecutionConfig(maxRetries: 2))
        let summary = try await run.run(RunParams(targets: [Self.a, Self.b], maxCostUSD: 5))
        #expect(summary.haltReason == .budgetExhausted)
        #expect(run.agent.calls == ["\(Self.a) review 1"])
        #expect(summary.itemsBlocked.isEmpty)
        let items = try run.active()
        #expect(items[Self.a]?.pgStatus == .inProgress)
        #expect(items[Self.a]?.blockedReason == nil)
        #expect(try run.status() == "")
    }
}
