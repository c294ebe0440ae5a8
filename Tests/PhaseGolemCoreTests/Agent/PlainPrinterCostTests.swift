import Testing
@testable import PhaseGolemCore

/// The plain lines this feature adds: activity lines instead of stream-json, `[cost]` lines
/// (new lines of their own; the original's lines are unchanged).
@Suite("plain printer: activity and cost")
struct PlainPrinterCostTests {
    static func text(_ printer: PlainPrinter, _ event: SchedulerEvent) -> String? {
        printer.render(event).map { String(decoding: $0, as: UTF8.self) }
    }

    static let facts = AgentRunFacts(costUSD: 0.84, inputTokens: 20_000, outputTokens: 12_000, cacheReadTokens: 380_000,
                                     cacheCreationTokens: 0, turns: 14, durationMs: 192_000)

    @Test("a phase result is followed by its [cost] line")
    func phaseCostLine() {
        let printer = PlainPrinter(level: .info)
        let event = SchedulerEvent.phaseFinished(itemID: "WRK-001", phase: "build", outcome: .complete, detail: "ok", facts: Self.facts)
        #expect(Self.text(printer, event) == "[cost] [WRK-001][BUILD] $0.84 · 412k tokens, 380k cached · 14 turns · 3m12s\n")
        #expect(Self.text(PlainPrinter(level: .warn), event) == nil)
        let nothingKnown = SchedulerEvent.phaseFinished(itemID: "WRK-001", phase: "build", outcome: .complete, detail: "ok",
                                                        facts: AgentRunFacts(durationMs: 5000))
        #expect(Self.text(printer, nothingKnown) == nil)
    }

    @Test("tokens without a cost say the cost is unknown")
    func unknownCost() {
        var facts = Self.facts
        facts.costUSD = nil
        let event = SchedulerEvent.phaseFinished(itemID: "WRK-001", phase: "build", outcome: .failed, detail: "x", facts: facts)
        #expect(Self.text(PlainPrinter(level: .info), event) == "[cost] [WRK-001][BUILD] cost unknown · 412k tokens, 380k cached · 14 turns · 3m12s\n")
    }

    @Test("activity lines print sanitized, one per line")
    func activities() {
        let event = SchedulerEvent.agentActivity(itemID: "WRK-001", phase: "build", activities: [
            AgentActivity(.tool, "Bash: swift test"), AgentActivity(.text, "evil \u{1B}[2Jclear"),
        ])
        #expect(Self.text(PlainPrinter(level: .info), event) == "Bash: swift test\nevil clear\n")
    }

    @Test("the run total line after the summary block")
    func runTotal() {
        let summary = RunSummary(haltReason: .budgetExhausted, targetFacts: ["WRK-001": Self.facts], maxCostUSD: 5)
        #expect(summary.costLine == "[cost] Run total: $0.84 · 412k tokens, 380k cached · 14 turns · 3m12s (budget $5.00)")
        #expect(summary.plainLines.last == "Halt reason: BudgetExhausted")
    }
}
