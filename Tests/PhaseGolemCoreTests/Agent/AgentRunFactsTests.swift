import Testing
@testable import PhaseGolemCore

/// Summing facts for totals: unknown is never shown as zero.
@Suite("Agent run facts")
struct AgentRunFactsTests {
    @Test("Known parts add up")
    func knownParts() {
        let first = AgentRunFacts(costUSD: 0.5, inputTokens: 10, outputTokens: 5, cacheReadTokens: 100,
                                  cacheCreationTokens: 1, turns: 2, durationMs: 1000, model: "a")
        let second = AgentRunFacts(costUSD: 0.25, inputTokens: 1, outputTokens: 1, cacheReadTokens: 1,
                                   cacheCreationTokens: 1, turns: 1, durationMs: 500, model: "b", budgetExhausted: true)
        let total = first.adding(second)
        #expect(total.costUSD == 0.75)
        #expect(total.inputTokens == 11)
        #expect(total.turns == 3)
        #expect(total.durationMs == 1500)
        #expect(total.model == "b")
        #expect(total.budgetExhausted)
        #expect(total.totalTokens == 120)
    }

    @Test("One unknown cost makes the total's cost unknown, even when tokens are known")
    func unknownCost() {
        let known = AgentRunFacts(costUSD: 0.5, inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheCreationTokens: 0)
        let unknown = AgentRunFacts(inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheCreationTokens: 0)
        let total = AgentRunFacts.total([known, unknown, known])
        #expect(total?.costUSD == nil)
        #expect(total?.inputTokens == 30)
        #expect(AgentRunFacts.total([]) == nil)
    }

    @Test("A total of unknown cost keeps what the phases that reported one spent, as a lower bound")
    func costFloor() {
        let known = AgentRunFacts(costUSD: 0.5)
        let unknown = AgentRunFacts(inputTokens: 10)
        let total = AgentRunFacts.total([known, unknown, known, unknown])
        #expect(total?.costUSD == nil)
        #expect(total?.costFloorUSD == 1.0)
        #expect(total?.knownCostUSD == 1.0)
        #expect(total.flatMap { ActivitySummary.spend($0) } == "≥$1.00")
        #expect(total.flatMap { ActivitySummary.spend($0, unicode: false) } == ">=$1.00")
        // Totals of totals keep the floor.
        #expect(total?.adding(known).costFloorUSD == 1.5)
        // All known: a cost, no floor; none known: neither.
        #expect(known.adding(known).costFloorUSD == nil)
        #expect(ActivitySummary.spend(known.adding(known)) == "$1.00")
        #expect(unknown.adding(unknown).knownCostUSD == nil)
        #expect(ActivitySummary.spend(unknown.adding(unknown)) == nil)
    }
}
