import Foundation
import Testing
import PhaseGolemCore

/// The real Claude Code CLI alone against the scripted fake API: the facts the run tests build
/// on (its list prices, how it meets API errors) and the fake API's own promises (loopback,
/// a held turn never stops it from stopping).
@Suite("real Claude Code: the CLI and the scripted API", .serialized, .enabled(if: RealClaudeHarness.enabled), .processSlot)
struct RealClaudeCLITests {
    /// `claude --output-format stream-json --verbose -p PROMPT` in the sandbox's project; the
    /// parsed `result` line and the raw output.
    static func headless(_ sandbox: RealClaudeHarness.Sandbox, api: FakeAnthropicAPI, extra: [String: String] = [:]) throws -> ([String: Any], String) {
        let prompt = "Do the phase.\n\n## Structured Output\n\nWrite your result at exactly this path:\n\n"
            + "```\n./.phase-golem/phase_result_WRK-0000a_review.json\n```\n\n"
            + "```json\n{\n  \"item_id\": \"WRK-0000a\",\n  \"phase\": \"review\"\n}\n```\n"
        let environment = ProcessInfo.processInfo.environment.merging(sandbox.environment(api: api)) { _, new in new }
            .merging(extra) { _, new in new }
        let output = try ProcessRunner.run(sandbox.bin + "/claude",
                                           ["--dangerously-skip-permissions", "--output-format", "stream-json", "--verbose", "-p", prompt],
                                           in: sandbox.root, environment: environment)
        let last = output.stdoutText.split(separator: "\n").last.map(String.init) ?? ""
        let result = (try? JSONSerialization.jsonObject(with: Data(last.utf8))) as? [String: Any] ?? [:]
        return (result, output.stdoutText + output.stderrText)
    }

    static func sandbox() throws -> RealClaudeHarness.Sandbox {
        try RealClaudeHarness.Sandbox.make(items: [], config: RealClaudeHarness.config())
    }

    /// The CLI prices claude-opus-5-5 (its default model) at USD 4 per million input tokens,
    /// 20 per million output, 0.2 per million cache reads and 5 per million cache writes: the
    /// cost it reports for scripted usage is exactly that, to the last digit it prints.
    static func listPrice(_ usage: FakeAnthropicAPI.Usage) -> Double {
        (Double(usage.input) * 4 + Double(usage.output) * 20 + Double(usage.cacheRead) * 0.2 + Double(usage.cacheWrite) * 5) / 1_000_000
    }

    @Test("the CLI's cost is the scripted usage at claude-opus-5-5's list prices (4 / 20 / 0.2 / 5 USD per million)")
    func listPrices() throws {
        let sandbox = try Self.sandbox()
        defer { sandbox.remove() }
        let usage = RealClaudeRunTests.usage
        let api = try sandbox.startAPI(["*": [
            .tool("Bash", ["command": "echo hello"], usage: usage),
            .text("Finished.", usage: usage),
        ]])
        defer { api.stop() }
        let (result, output) = try Self.headless(sandbox, api: api)
        #expect(result["is_error"] as? Bool == false, "\(output)")
        #expect(result["num_turns"] as? Int == 2)
        let cost = try #require(result["total_cost_usd"] as? Double, "\(output)")
        #expect(abs(cost - 2 * Self.listPrice(usage)) < 1e-9, "cost \(cost)")
        let summed = try #require(result["usage"] as? [String: Any])
        #expect(summed["input_tokens"] as? Int == 2 * usage.input)
        #expect(summed["output_tokens"] as? Int == 2 * usage.output)
        #expect(summed["cache_read_input_tokens"] as? Int == 2 * usage.cacheRead)
        #expect(summed["cache_creation_input_tokens"] as? Int == 2 * usage.cacheWrite)
        #expect(try api.requests().map(\.model) == ["claude-opus-5-5", "claude-opus-5-5"])
    }

    @Test("a scripted 529 is retried by the CLI and the turn then succeeds; a 401 without retries ends it with is_error")
    func scriptedErrors() throws {
        let sandbox = try Self.sandbox()
        defer { sandbox.remove() }
        let api = try sandbox.startAPI(["*": [
            .failing(529, type: "overloaded_error", message: "Overloaded", then: .text("Fine after all.")),
        ]])
        let (result, output) = try Self.headless(sandbox, api: api)
        api.stop()
        #expect(result["is_error"] as? Bool == false, "\(output)")
        #expect(result["result"] as? String == "Fine after all.")
        #expect(output.contains("\"subtype\":\"api_retry\""))
        #expect(try api.requests().map(\.status) == [529, 200])

        let denied = try sandbox.startAPI(["*": [
            .failing(401, type: "authentication_error", message: "invalid x-api-key", times: 100, then: .text("never")),
        ]])
        defer { denied.stop() }
        let (failed, failedOutput) = try Self.headless(sandbox, api: denied, extra: ["CLAUDE_CODE_MAX_RETRIES": "0"])
        #expect(failed["is_error"] as? Bool == true, "\(failedOutput)")
        #expect(failed["api_error_status"] as? Int == 401)
    }

    @Test("the fake API listens on 127.0.0.1 only, and stops within its grace while a turn is held")
    func stopsWhileHolding() throws {
        let base = try CLIHarness.makeTemporaryDirectory("pg-fakeapi")
        defer { CLIHarness.remove(base) }
        let api = try FakeAnthropicAPI(script: .init(root: base, conversations: ["*": [
            Turn(text: "late", delay: 600),
        ]]), directory: base)
        let listeners = try String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)
        let hexPort = String(format: ":%04X", api.port)
        let lines = listeners.split(separator: "\n").filter { $0.split(separator: " ").dropFirst().first?.hasSuffix(hexPort) == true }
        #expect(lines.map { String($0.split(separator: " ")[1]) } == ["0100007F" + hexPort])
        // A request the server holds for 10 minutes, then stop: it must not wait for it.
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        curl.arguments = ["python3", "-c", "import urllib.request,sys; urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=b'{\"messages\":[]}'), timeout=700)", api.baseURL + "/v1/messages"]
        curl.standardError = FileHandle.nullDevice
        try curl.run()
        defer { if curl.isRunning { kill(curl.processIdentifier, SIGKILL) }; curl.waitUntilExit() }
        let deadline = Date().addingTimeInterval(20)
        while try api.requests().isEmpty && Date() < deadline { usleep(20_000) }
        #expect(try api.requests().count == 1)
        let start = Date()
        api.stop()
        #expect(Date().timeIntervalSince(start) < 5)
        curl.waitUntilExit()
    }

    typealias Turn = FakeAnthropicAPI.Turn
}
