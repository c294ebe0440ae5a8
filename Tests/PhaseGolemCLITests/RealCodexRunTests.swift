import Foundation
import Testing
import PhaseGolemCore

/// Runs with the real Codex CLI answering from the scripted fake Responses API: codex really
/// runs the commands the model asks for (`exec_command`), one of them writes the result file,
/// phase-golem really commits (docs/codex.md).
@Suite("real Codex: runs end to end", .serialized, .enabled(if: RealCodexHarness.enabled), .processSlot)
struct RealCodexRunTests {
    static let a = "WRK-0000a"
    static let b = "WRK-0000b"

    static func sandbox(config: String = RealCodexHarness.config()) throws -> RealCodexHarness.Sandbox {
        let sandbox = try RealCodexHarness.Sandbox.make(items: [
            RunHarness.item(a, "First target", status: .inProgress, phase: "review", pool: .main, created: 1),
            RunHarness.item(b, "Second target", status: .inProgress, phase: "review", pool: .main, created: 2),
        ], config: config)
        try CLIHarness.write("alpha beta gamma delta\nTODO: decide the login flow\n", to: sandbox.root + "/notes.txt")
        try CLIHarness.git(["add", "notes.txt"], in: sandbox.root)
        try CLIHarness.git(["commit", "-q", "-m", "notes"], in: sandbox.root)
        return sandbox
    }

    /// Odd numbers per turn, so a sum shows where it came from.
    static let usage = FakeOpenAIAPI.Usage(input: 4321, cached: 1000, output: 123, reasoning: 45)

    /// Per target: run a command on the notes, write the result through a command, say a last sentence.
    static let script = FakeOpenAIAPI.Script(conversations: [
        .init(match: [#""item_id": "\#(a)""#], turns: [
            .exec("grep -c TODO notes.txt", say: "Checking the notes.", usage: usage),
            .exec(RealCodexHarness.writeResult("blocked", summary: "The login flow is undecided", context: "Needs a product decision"), usage: usage),
            .say("Blocked on a product decision.", usage: usage),
        ]),
        .init(match: [#""item_id": "\#(b)""#], turns: [
            .exec("wc -w < notes.txt > word-count.txt", usage: usage),
            .exec(RealCodexHarness.writeResult("phase_complete", summary: "Counted the words"), usage: usage),
            .say("Counted the words in notes.txt.", usage: usage),
        ]),
    ])

    /// The stdout lines of each item's attempt log under `.phase-golem/logs/`, by item id.
    static func attemptLogs(_ root: String) throws -> [String: [String]] {
        var logs: [String: [String]] = [:]
        let base = root + "/.phase-golem/logs"
        for run in try FileManager.default.contentsOfDirectory(atPath: base) {
            for file in try FileManager.default.contentsOfDirectory(atPath: base + "/" + run) {
                guard let id = [a, b].first(where: { file.contains($0) }) else { continue }
                let text = try String(contentsOfFile: base + "/" + run + "/" + file, encoding: .utf8)
                logs[id, default: []] += text.split(separator: "\n").map(String.init)
            }
        }
        return logs
    }

    static func translate(_ lines: [String]) -> ([AgentActivity], AgentRunFacts) {
        var translator = CodexEventTranslator()
        var activities: [AgentActivity] = []
        for line in lines { activities += translator.translate(AgentOutputLine(stream: .stdout, text: line)) }
        return (activities, translator.facts)
    }

    @Test("two targets with --auto-advance: codex runs commands and writes the result; first blocks, second completes")
    func twoTargets() throws {
        let sandbox = try Self.sandbox()
        defer { sandbox.remove() }
        let api = try sandbox.startAPI(Self.script)
        defer { api.stop() }
        let result = try sandbox.run(["--target", Self.a, "--target", Self.b, "--auto-advance"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("[pre] Verifying Codex CLI ...\n"))
        #expect(result.stderr.contains("[config] Agent: Codex CLI (model: gpt-5.5)\n"))
        #expect(result.stderr.contains("[config] Cost: unknown (Codex reports tokens, not cost; set [agent] price to compute it)\n"))
        #expect(result.stderr.contains("[target] \(Self.a) blocked (1/2). Auto-advancing.\n"))
        #expect(RunHarness.summaryLines(result.stderr).prefix(5) == [
            "--- Run Summary ---", "Phases executed: 2", "Items completed: \(Self.b)", "Items blocked: \(Self.a)",
            "Halt reason: TargetCompleted",
        ])
        // The raw events are in the attempt logs; read as activity lines they show the commands
        // codex ran and its last words, and the tokens of its three turns.
        let logs = try Self.attemptLogs(sandbox.root)
        #expect(logs.count == 2)
        let (activities, facts) = Self.translate(logs[Self.b] ?? [])
        #expect(activities.map(\.text).contains("Run: wc -w < notes.txt > word-count.txt"), "\(activities)")
        #expect(activities.map(\.text).contains("Counted the words in notes.txt."))
        #expect(Self.translate(logs[Self.a] ?? []).0.map(\.text).contains("Run: grep -c TODO notes.txt"))
        #expect(facts.inputTokens == 3 * (4321 - 1000) && facts.cacheReadTokens == 3 * 1000)
        #expect(facts.outputTokens == 3 * 123 && facts.reasoningTokens == 3 * 45)
        #expect(facts.costUSD == nil)
        // Plain mode shows what codex does, one line per thing, and each phase's tokens with
        // the cost unknown (no price), never zero.
        #expect(result.stderr.contains("Run: grep -c TODO notes.txt\n"), "\(result.stderr)")
        #expect(result.stderr.contains("Run: wc -w < notes.txt > word-count.txt\n"))
        #expect(result.stderr.contains("[cost] [\(Self.b)][REVIEW] cost unknown · 13k tokens, 3k cached · 1 turn · "))
        #expect(!result.stderr.contains("$0.00"))
        // The summary ends with the run's tokens, both phases together.
        #expect(result.stderr.contains("[cost] Run total: cost unknown · 27k tokens, 6k cached"), "\(result.stderr)")
        let items = try RunHarness.active(sandbox.root)
        #expect(items[Self.a]?.pgStatus == .blocked)
        #expect(items[Self.a]?.blockedReason == "Needs a product decision")
        #expect(try RunHarness.archived(sandbox.root) == [Self.b])
        // What codex's command wrote is in the second target's phase commit.
        let committed = try CLIHarness.git(["show", "HEAD:word-count.txt"], in: sandbox.root)
        #expect(committed.trimmingCharacters(in: .whitespacesAndNewlines) == "9")
        #expect(try CLIHarness.git(["status", "--porcelain"], in: sandbox.root) == "")
        // Three model turns per target, nothing but loopback POSTs to /v1/responses with the key.
        let requests = try api.requests()
        #expect(requests.count == 6)
        #expect(requests.allSatisfy { $0.method == "POST" && $0.path == "/v1/responses" && $0.authorization == "Bearer sk-fake-test-key" })
        #expect(requests.allSatisfy { $0.body["model"] as? String == "gpt-5.5" })
    }

    @Test("with [agent] price the tokens become a cost")
    func pricedCost() throws {
        let sandbox = try Self.sandbox(config: RealCodexHarness.config(agentExtra: "price = { input = 1.25, cached_input = 0.125, output = 10 }\n"))
        defer { sandbox.remove() }
        let api = try sandbox.startAPI(Self.script)
        defer { api.stop() }
        let result = try sandbox.run(["--target", Self.b])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("[config] Price: input $1.25, cached input $0.125, output $10 per million tokens\n"))
        // (3 × 3,321 × 1.25 + 3 × 1,000 × 0.125 + 3 × 123 × 10) / 1e6 = $0.0165
        #expect(result.stderr.contains("[cost] [\(Self.b)][REVIEW] $0.02 · 13k tokens, 3k cached · 1 turn · "), "\(result.stderr)")
    }

    @Test("sandbox = \"workspace-write\": codex runs in its own sandbox and still writes the result file under the root")
    func workspaceSandbox() throws {
        let sandbox = try Self.sandbox(config: RealCodexHarness.config(agentExtra: "sandbox = \"workspace-write\"\n"))
        defer { sandbox.remove() }
        // Outside the root and the temporary folders: the sandbox must refuse the write.
        let outside = "/var/tmp/pg-codex-outside-\(UUID().uuidString)"
        defer { CLIHarness.remove(outside) }
        var script = Self.script
        script.conversations[1].turns.insert(.exec("touch \(outside); echo touched=$?", usage: Self.usage), at: 0)
        let api = try sandbox.startAPI(script)
        defer { api.stop() }
        let result = try sandbox.run(["--target", Self.b])
        #expect(!FileManager.default.fileExists(atPath: outside), "codex wrote outside its sandbox")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("[config] Sandbox: workspace-write (codex may write only under the project root, /tmp and $TMPDIR; no network)\n"))
        #expect(try RunHarness.archived(sandbox.root) == [Self.b])
        let committed = try CLIHarness.git(["show", "HEAD:word-count.txt"], in: sandbox.root)
        #expect(committed.trimmingCharacters(in: .whitespacesAndNewlines) == "9")
    }

    @Test("a budget with a Codex agent whose cost is unknown is refused at start")
    func budgetNeedsPrice() throws {
        let sandbox = try Self.sandbox()
        defer { sandbox.remove() }
        let api = try sandbox.startAPI(Self.script)
        defer { api.stop() }
        let result = try sandbox.run(["--target", Self.b, "--max-cost", "5"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("Error: A budget (--max-cost or execution.max_cost_usd) needs an agent whose cost is known. "
            + "Codex CLI reports tokens but no cost: add [agent] price = { input = …, cached_input = …, output = … } "
            + "(US dollars per million tokens) so phase-golem can compute it, or remove the budget.\n"), "\(result.stderr)")
        #expect(try api.requests().isEmpty)
    }
}
