import Foundation
import Testing
import PhaseGolemCore

/// Runs with the real Claude Code CLI answering from the scripted fake Messages API: the CLI
/// really reads files, runs Bash and writes the result file, phase-golem really commits.
@Suite("real Claude Code: runs end to end", .serialized, .enabled(if: RealClaudeHarness.enabled), .processSlot)
struct RealClaudeRunTests {
    static let a = "WRK-0000a"
    static let b = "WRK-0000b"

    /// Two targets one phase (review) from done, and a file for the model to read.
    static func sandbox(config: String = RealClaudeHarness.config()) throws -> RealClaudeHarness.Sandbox {
        let sandbox = try RealClaudeHarness.Sandbox.make(items: [
            RunHarness.item(a, "First target", status: .inProgress, phase: "review", pool: .main, created: 1),
            RunHarness.item(b, "Second target", status: .inProgress, phase: "review", pool: .main, created: 2),
        ], config: config)
        try CLIHarness.write("alpha beta gamma delta\nTODO: decide the login flow\n", to: sandbox.root + "/notes.txt")
        try CLIHarness.git(["add", "notes.txt"], in: sandbox.root)
        try CLIHarness.git(["commit", "-q", "-m", "notes"], in: sandbox.root)
        return sandbox
    }

    /// Usage of every scripted turn: odd numbers, so a cost computed at other prices shows.
    static let usage = FakeAnthropicAPI.Usage(input: 1234, output: 567, cacheRead: 8910, cacheWrite: 1112)

    /// Per target: read the notes, run a Bash command, write the result file, say a last sentence.
    static func conversations(bash: [String: String], results: [String: [String: String]], finals: [String: String],
                              holdBash: Double? = nil) -> [String: [FakeAnthropicAPI.Turn]] {
        var conversations: [String: [FakeAnthropicAPI.Turn]] = [:]
        for id in [a, b] {
            conversations["\(id)/review"] = [
                .tool("Read", ["file_path": "{root}/notes.txt"], text: "Reading the notes first.", usage: usage),
                .tool("Bash", ["command": bash[id] ?? "true", "description": "Inspect the notes"], usage: usage, delay: holdBash),
                .result(results[id] ?? [:], usage: usage),
                .text(finals[id] ?? "Done.", usage: usage),
            ]
        }
        return conversations
    }

    static let defaultConversations = conversations(
        bash: [a: "grep -c TODO notes.txt", b: "wc -w < notes.txt > word-count.txt"],
        results: [a: ["result": "blocked", "summary": "The login flow is undecided", "context": "Needs a product decision"],
                  b: ["result": "phase_complete", "summary": "Counted the words", "commit_summary": "Count the words of the notes"]],
        finals: [a: "Blocked on a product decision.", b: "Counted the words in notes.txt."])

    @Test("two targets with --auto-advance: the CLI reads, runs Bash, writes the result; first blocks, second completes and is committed")
    func twoTargets() throws {
        let sandbox = try Self.sandbox()
        defer { sandbox.remove() }
        let api = try sandbox.startAPI(Self.defaultConversations)
        defer { api.stop() }
        let result = try sandbox.run(["--target", Self.a, "--target", Self.b, "--auto-advance"], api: api)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("[target] \(Self.a) blocked (1/2). Auto-advancing.\n"))
        #expect(RunHarness.summaryLines(result.stderr) == [
            "--- Run Summary ---", "Phases executed: 2", "Items completed: \(Self.b)", "Items blocked: \(Self.a)",
            "Halt reason: TargetCompleted",
        ])
        let items = try RunHarness.active(sandbox.root)
        #expect(items[Self.a]?.pgStatus == .blocked)
        #expect(items[Self.a]?.blockedReason == "Needs a product decision")
        #expect(try RunHarness.archived(sandbox.root) == [Self.b])
        // What the CLI's Bash call wrote is in the second target's phase commit.
        let subjects = try RunHarness.subjects(sandbox.root)
        #expect(subjects.contains { $0.hasPrefix("[\(Self.b)][review]") })
        let committed = try CLIHarness.git(["show", "HEAD:word-count.txt"], in: sandbox.root)
        #expect(committed.trimmingCharacters(in: .whitespacesAndNewlines) == "9")
        #expect(try CLIHarness.git(["status", "--porcelain"], in: sandbox.root) == "")
        // The CLI asked the fake API for exactly the scripted turns: 4 per target, in order.
        let requests = try api.requests()
        #expect(requests.map { "\($0.conversation ?? "-") \($0.turn ?? -1) \($0.status)" } == [
            "\(Self.a)/review 0 200", "\(Self.a)/review 1 200", "\(Self.a)/review 2 200", "\(Self.a)/review 3 200",
            "\(Self.b)/review 0 200", "\(Self.b)/review 1 200", "\(Self.b)/review 2 200", "\(Self.b)/review 3 200",
        ])
        #expect(requests.allSatisfy { $0.path == "/v1/messages?beta=true" })
        // The attempt log keeps what the CLI printed: in stream-json (docs/decisions.md D13) one
        // JSON object per line, from `system` `init` to the `result` with the CLI's cost.
        let log = try Self.attemptLog(sandbox.root, "\(Self.b)_review_1.log")
        let objects = log.split(separator: "\n").map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        #expect(!objects.isEmpty && objects.allSatisfy { $0 != nil }, "\(log.prefix(2000))")
        #expect(objects.first??["type"] as? String == "system")
        #expect(objects.last??["type"] as? String == "result")
        #expect(log.contains("\"command\":\"wc -w < notes.txt > word-count.txt\""))
        let cost = try #require(objects.last??["total_cost_usd"] as? Double)
        #expect(abs(cost - 4 * RealClaudeCLITests.listPrice(Self.usage)) < 1e-9)
    }

    /// An attempt log of the run (`.phase-golem/logs/<run-id>/<name>`).
    static func attemptLog(_ root: String, _ name: String) throws -> String {
        let logs = root + "/.phase-golem/logs"
        for run in try FileManager.default.contentsOfDirectory(atPath: logs) {
            let path = logs + "/" + run + "/" + name
            if FileManager.default.fileExists(atPath: path) { return try String(contentsOfFile: path, encoding: .utf8) }
        }
        throw CLIHarness.HarnessError("no attempt log \(name) under \(logs)")
    }
}
