import Foundation
import Testing
import PhaseGolemCore

/// What an operator sees of the real Claude Code CLI in stream-json (docs/decisions.md D13): the
/// activity lines, the costs it reports, the budget, the TUI while a turn is in flight.
@Suite("real Claude Code: activity, cost and budget", .serialized, .enabled(if: RealClaudeHarness.enabled), .processSlot)
struct RealClaudeActivityTests {
    static let a = RealClaudeRunTests.a
    static let b = RealClaudeRunTests.b

    /// Every scripted turn reports `RealClaudeRunTests.usage`; a phase is 4 turns. At the list
    /// prices the CLI charges for claude-opus-5-5 (USD per million tokens: input 4, output 20,
    /// cache read 0.2, cache write 5; measured in RealClaudeCLITests.listPrices) that is
    /// 4 × 0.023618 = 0.094472 per phase.
    static let phaseCost = 4 * RealClaudeCLITests.listPrice(RealClaudeRunTests.usage)

    @Test("plain mode shows each Bash command as an activity line and the cost the scripted usage implies")
    func activityAndCost() throws {
        let sandbox = try RealClaudeRunTests.sandbox()
        defer { sandbox.remove() }
        let api = try sandbox.startAPI(RealClaudeRunTests.defaultConversations)
        defer { api.stop() }
        let summaryPath = sandbox.base + "/summary.json"
        let result = try sandbox.run(["--target", Self.a, "--target", Self.b, "--auto-advance", "--summary-json", summaryPath], api: api)
        #expect(result.status == 0, "\(result.stderr)")
        let output = result.stdout + result.stderr
        #expect(output.contains("Bash: grep -c TODO notes.txt"))
        #expect(output.contains("Bash: wc -w < notes.txt > word-count.txt"))
        #expect(!output.contains("{\"type\":\"assistant\""))
        // Two phases: $0.19 in total, $0.09 each.
        #expect(abs(2 * Self.phaseCost - 0.188944) < 1e-12)
        let costLines = output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("[cost] ") }
        #expect(costLines.count == 3, "\(costLines)")
        #expect(costLines.first?.hasPrefix("[cost] [\(Self.a)][REVIEW] $0.09 · ") == true, "\(costLines)")
        #expect(costLines.last?.hasPrefix("[cost] Run total: $0.19 · ") == true, "\(costLines)")
        // --summary-json has the exact figures: the run's total and each target's.
        let summary = try #require(try JSONSerialization.jsonObject(with: CLIHarness.read(summaryPath)) as? [String: Any])
        let total = try #require((summary["total_cost"] as? [String: Any])?["cost_usd"] as? Double, "\(summary)")
        #expect(abs(total - 2 * Self.phaseCost) < 1e-9, "total cost \(total)")
        let targets = try #require(summary["targets_cost"] as? [String: [String: Any]], "\(summary)")
        for id in [Self.a, Self.b] {
            let cost = try #require(targets[id]?["cost_usd"] as? Double, "\(summary)")
            #expect(abs(cost - Self.phaseCost) < 1e-9, "\(id) cost \(cost)")
            #expect(targets[id]?["input_tokens"] as? Int == 4 * RealClaudeRunTests.usage.input)
        }
    }

    @Test("--max-cost below what two phases cost: the second phase gets what is left, the CLI stops, the run halts BudgetExhausted, losing nothing")
    func budget() throws {
        let sandbox = try RealClaudeRunTests.sandbox()
        defer { sandbox.remove() }
        var conversations = RealClaudeRunTests.defaultConversations
        conversations["\(Self.a)/review"]?[2].writeResult = ["result": "phase_complete", "summary": "Reviewed"]
        let api = try sandbox.startAPI(conversations)
        defer { api.stop() }
        // One phase costs 0.094472: the first fits, the second does not.
        let result = try sandbox.run(["--target", Self.a, "--target", Self.b, "--auto-advance", "--max-cost", "0.1"], api: api)
        #expect(RunHarness.summaryLines(result.stderr).last == "Halt reason: BudgetExhausted", "\(result.stderr)")
        // The second phase got what was left ($0.0055) as --max-budget-usd: the CLI stopped
        // itself after one turn, and that stop is not the item's.
        #expect(try api.requests().map { "\($0.conversation ?? "-") \($0.turn ?? -1)" } == [
            "\(Self.a)/review 0", "\(Self.a)/review 1", "\(Self.a)/review 2", "\(Self.a)/review 3", "\(Self.b)/review 0",
        ])
        #expect(result.stderr.contains("[\(Self.b)] Phase stopped: the run's spending limit was reached\n"), "\(result.stderr)")
        #expect(result.stderr.contains("[budget] Spend $0.12 reached the budget of $0.10; halting\n"))
        #expect(result.stderr.contains("\n[cost] Run total: $0.12 · "))
        #expect(result.stderr.contains(" (budget $0.10)\n"))
        #expect(try RunHarness.archived(sandbox.root) == [Self.a])
        let items = try RunHarness.active(sandbox.root)
        #expect(items[Self.b]?.pgStatus == .inProgress)
        #expect(items[Self.b]?.phase == "review")
        #expect(try CLIHarness.git(["status", "--porcelain"], in: sandbox.root) == "")
    }

    @Test("the TUI shows the activity line of a turn the API holds for 3 s", .enabled(if: Tmux.isAvailable))
    func tuiShowsActivityWhileHeld() throws {
        let sandbox = try RealClaudeRunTests.sandbox()
        defer { sandbox.remove() }
        var conversations = RealClaudeRunTests.defaultConversations
        conversations["\(Self.a)/review"]?[2].delay = 3
        let api = try sandbox.startAPI(conversations)
        defer { api.stop() }
        let tmux = try Tmux.start(root: sandbox.root, arguments: ["--target", Self.a, "--target", Self.b, "--auto-advance"],
                                  environment: sandbox.environment(api: api), width: 120, height: 30)
        defer { tmux.kill() }
        try tmux.waitFor("Enter launch")
        try tmux.send("Enter")
        // The held request has arrived (the server logs it before holding it)...
        let deadline = Date().addingTimeInterval(30)
        while try !api.requests().contains(where: { $0.conversation == "\(Self.a)/review" && $0.turn == 2 }) && Date() < deadline {
            usleep(20_000)
        }
        // ...and while it is held, the screen shows the command the CLI ran just before.
        try tmux.waitFor("Bash: grep -c TODO notes.txt", timeout: 2.5)
        #expect(try !api.requests().contains { $0.conversation == "\(Self.a)/review" && $0.turn == 3 })
        try tmux.waitFor("Run summary", timeout: 60)
        try tmux.send("x")
        #expect(try tmux.exitCode() == 0)
    }
}
