import Foundation
import Testing
import PhaseGolemCore

/// docs/decisions.md D14 with the real Claude Code CLI and the scripted fake Messages API: an
/// agent that cannot work halts the run `AgentUnavailable` with nothing blocked, and the same
/// command completes once it works again.
@Suite("real Claude Code: when the agent itself fails", .serialized, .enabled(if: RealClaudeHarness.enabled), .processSlot)
struct RealClaudeAgentFailureTests {
    static let ids = ["WRK-0000a", "WRK-0000b", "WRK-0000c"]

    static func sandbox() throws -> RealClaudeHarness.Sandbox {
        try RealClaudeHarness.Sandbox.make(items: ids.enumerated().map { index, id in
            RunHarness.item(id, "Target \(index + 1)", status: .inProgress, phase: "review", pool: .main, created: index + 1)
        }, config: RealClaudeHarness.config(extraExecution: "agent_retry_backoff_seconds = 0\n"))
    }

    /// Every target: write a completing result, then a last sentence.
    static func working(_ error: FakeAnthropicAPI.ScriptedError? = nil) -> [String: [FakeAnthropicAPI.Turn]] {
        var first = FakeAnthropicAPI.Turn.result(["result": "phase_complete", "summary": "Reviewed", "commit_summary": "Review"])
        first.error = error
        return Dictionary(uniqueKeysWithValues: ids.map { ("\($0)/review", [first, .text("Done.")]) })
    }

    static let arguments = ["--target", ids[0], "--target", ids[1], "--target", ids[2], "--auto-advance"]
    /// The CLI gives up after one request instead of retrying for minutes.
    static let noRetries = ["CLAUDE_CODE_MAX_RETRIES": "0"]

    static func expectNothingBlocked(_ root: String) throws {
        try RunHarness.expectNothingBlocked(root, ids: ids)
    }

    @Test("root without IS_SANDBOX: the real CLI would refuse; preflight stops the run, the API is never asked")
    func rootRefused() throws {
        try #require(getuid() == 0, "this test needs root, as CI runs it")
        let sandbox = try Self.sandbox()
        defer { sandbox.remove() }
        let api = try sandbox.startAPI(Self.working())
        defer { api.stop() }
        var environment = sandbox.environment(api: api)
        environment[CLIHarness.sandboxVariable] = nil
        let result = try CLIHarness.run(["run"] + Self.arguments, in: sandbox.root, environment: environment,
                                        unsetting: [CLIHarness.sandboxVariable])
        #expect(result.status == 1)
        #expect(result.stderr.contains("  Preflight error: Claude CLI refuses to run as root"), "\(result.stderr)")
        #expect(try api.requests().isEmpty)
        try Self.expectNothingBlocked(sandbox.root)
    }

    @Test("an API answering 529 to everything: AgentUnavailable, nothing blocked; after it recovers the same command completes all three")
    func overloaded() throws {
        let sandbox = try Self.sandbox()
        defer { sandbox.remove() }
        let down = try sandbox.startAPI(Self.working(.init(status: 529, type: "overloaded_error", message: "Overloaded", times: 1000, retry: true)))
        let result = try sandbox.run(Self.arguments, api: down, environment: Self.noRetries)
        down.stop()
        #expect(result.status == 1, "\(result.stderr)")
        let summary = RunHarness.summaryLines(result.stderr)
        #expect(summary.last == "Halt reason: AgentUnavailable", "\(result.stderr)")
        #expect(!summary.contains { $0.hasPrefix("Items blocked") })
        #expect(result.stderr.contains("\nThe agent could not work: "), "\(result.stderr)")
        #expect(result.stderr.contains("529"))
        #expect(result.stderr.contains("\nhint: Wait until the API recovers"))
        try Self.expectNothingBlocked(sandbox.root)

        let up = try sandbox.startAPI(Self.working())
        defer { up.stop() }
        let again = try sandbox.run(Self.arguments, api: up, environment: Self.noRetries)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(RunHarness.summaryLines(again.stderr).last == "Halt reason: TargetCompleted")
        #expect(try RunHarness.archived(sandbox.root).sorted() == Self.ids)
    }

    @Test("a 401: AgentUnavailable with the authentication message and `claude /login`, nothing blocked")
    func unauthorized() throws {
        let sandbox = try Self.sandbox()
        defer { sandbox.remove() }
        let api = try sandbox.startAPI(Self.working(.init(status: 401, type: "authentication_error", message: "invalid x-api-key",
                                                          times: 1000, retry: false)))
        defer { api.stop() }
        let result = try sandbox.run(Self.arguments, api: api, environment: Self.noRetries)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(RunHarness.summaryLines(result.stderr).last == "Halt reason: AgentUnavailable", "\(result.stderr)")
        #expect(result.stderr.contains("\nhint: Log in again with `claude /login`, or set a valid ANTHROPIC_API_KEY"), "\(result.stderr)")
        try Self.expectNothingBlocked(sandbox.root)
    }

    @Test("one transient 529 is absorbed and the run completes")
    func transient() throws {
        let sandbox = try Self.sandbox()
        defer { sandbox.remove() }
        let api = try sandbox.startAPI(Self.working(.init(status: 529, type: "overloaded_error", message: "Overloaded", times: 1, retry: true)))
        defer { api.stop() }
        let result = try sandbox.run(Self.arguments, api: api, environment: Self.noRetries)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(RunHarness.summaryLines(result.stderr).last == "Halt reason: TargetCompleted", "\(result.stderr)")
        #expect(try RunHarness.archived(sandbox.root).sorted() == Self.ids)
    }
}
