import Foundation
import Testing
import PhaseGolemCore

/// The real Codex CLI when the model API refuses (docs/decisions.md D14, docs/codex.md): codex
/// ends with `turn.failed` and exit 1, which is an agent failure, not an item outcome: the run
/// halts `AgentUnavailable` with nothing blocked.
@Suite("real Codex: agent failures", .serialized, .enabled(if: RealCodexHarness.enabled), .processSlot)
struct RealCodexAgentFailureTests {
    static let ids = [RealCodexRunTests.a, RealCodexRunTests.b]
    static let arguments = ["--target", RealCodexRunTests.a, "--target", RealCodexRunTests.b, "--auto-advance"]

    static func sandbox() throws -> RealCodexHarness.Sandbox {
        try RealCodexRunTests.sandbox(config: RealCodexHarness.config(extraExecution: "agent_retry_backoff_seconds = 0\n"))
    }

    static func expectNothingBlocked(_ root: String) throws {
        try RunHarness.expectNothingBlocked(root, ids: ids)
    }

    @Test("a 401: AgentUnavailable with `codex login` as the fix, nothing blocked")
    func unauthorized() throws {
        let sandbox = try Self.sandbox()
        defer { sandbox.remove() }
        let api = try sandbox.startAPI(.init(conversations: [], default: .failing(401, "Incorrect API key provided")))
        defer { api.stop() }
        let result = try sandbox.run(Self.arguments)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(RunHarness.summaryLines(result.stderr).last == "Halt reason: AgentUnavailable", "\(result.stderr)")
        #expect(result.stderr.contains("\nhint: Log in again with `codex login`, or set a valid OPENAI_API_KEY"), "\(result.stderr)")
        #expect(result.stderr.contains("Error: unexpected status 401 Unauthorized: Incorrect API key provided"))
        try Self.expectNothingBlocked(sandbox.root)
        #expect(try !api.requests().isEmpty)
    }

    @Test("a 429: AgentUnavailable, nothing blocked")
    func rateLimited() throws {
        let sandbox = try Self.sandbox()
        defer { sandbox.remove() }
        let api = try sandbox.startAPI(.init(conversations: [], default: .failing(429, "Rate limit reached")))
        defer { api.stop() }
        let result = try sandbox.run(Self.arguments)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(RunHarness.summaryLines(result.stderr).last == "Halt reason: AgentUnavailable", "\(result.stderr)")
        #expect(result.stderr.contains("exceeded retry limit, last status: 429 Too Many Requests"))
        try Self.expectNothingBlocked(sandbox.root)
    }
}
