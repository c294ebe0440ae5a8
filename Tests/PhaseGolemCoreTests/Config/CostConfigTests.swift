import Testing
@testable import PhaseGolemCore

private typealias Support = ConfigTestSupport

/// `execution.max_cost_usd` and `[agent] output` (docs/decisions.md D13).
@Suite("Config: budget and agent output")
struct CostConfigTests {
    @Test func budgetIsParsed() {
        #expect(Support.parse("[execution]\nmax_cost_usd = 12.5\n")?.execution.maxCostUSD == 12.5)
        #expect(Support.parse("[execution]\nmax_cost_usd = 5\n")?.execution.maxCostUSD == 5)
        #expect(Support.parse("")?.execution.maxCostUSD == nil)
    }

    @Test func badBudgetsAreRefusedWithTheFix() {
        #expect(Support.problems("[execution]\nmax_cost_usd = 0\n") == [
            "execution.max_cost_usd: must be a positive number of US dollars, such as 5 or 12.5, got 0 (remove it for no budget)",
        ])
        #expect(Support.problems("[execution]\nmax_cost_usd = -3\n").first?.hasPrefix("execution.max_cost_usd: must be a positive number") == true)
        #expect(Support.problems("[execution]\nmax_cost_usd = \"5\"\n").first?.hasPrefix("execution.max_cost_usd:") == true)
    }

    @Test func outputIsParsed() {
        #expect(Support.parse("[agent]\noutput = \"text\"\n")?.agent.effectiveOutput == .text)
        #expect(Support.parse("")?.agent.effectiveOutput == .streamJSON)
        #expect(Support.parse("[agent]\ncli = \"opencode\"\n")?.agent.effectiveOutput == .text)
        #expect(Support.problems("[agent]\ncli = \"opencode\"\noutput = \"stream-json\"\n").count == 1)
        #expect(Support.problems("[agent]\noutput = \"json\"\n").first?.hasPrefix("agent.output:") == true)
    }
}
