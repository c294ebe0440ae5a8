import Foundation
import Testing
@testable import PhaseGolemCore

/// Claude Code's stream-json turned into activity lines and facts (docs/decisions.md D13).
@Suite("Claude stream translator")
struct ClaudeStreamTranslatorTests {
    static func fixture(_ name: String) throws -> [String] {
        let path = Fixtures.repositoryRoot + "/Tests/Fixtures/claude-stream-json/" + name
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").map(String.init)
    }

    static func translate(_ lines: [String]) -> ([AgentActivity], AgentRunFacts) {
        var translator = ClaudeStreamTranslator()
        var activities: [AgentActivity] = []
        for line in lines { activities += translator.translate(AgentOutputLine(stream: .stdout, text: line)) }
        return (activities, translator.facts)
    }

    @Test("The real CLI's stream reads as an operator would skim it")
    func realSample() throws {
        let (activities, _) = Self.translate(try Self.fixture("write-result-two-turns.jsonl"))
        #expect(activities.map(\.text) == [
            "Claude Code 2.1.327 · claude-opus-5-5 · session 081e1187",
            "I will write the result file.",
            "Write out/result.json",
            "Wrote the result for ITEM-42 (implement).",
            "2 turns · 0s · $0.04 · 17k tokens, 10k cached",
        ])
        #expect(activities.map(\.kind) == [.start, .text, .tool, .text, .end])
        #expect(activities.map(\.turn) == [nil, 1, 1, 2, 2])
    }

    @Test("The result line gives the facts")
    func resultFacts() throws {
        let (_, facts) = Self.translate(try Self.fixture("write-result-two-turns.jsonl"))
        #expect(facts == AgentRunFacts(
            costUSD: 0.04, inputTokens: 4000, outputTokens: 600, cacheReadTokens: 10000, cacheCreationTokens: 2000,
            reasoningTokens: 0, turns: 2, durationMs: 242, model: "claude-opus-5-5",
            sessionID: "081e1187-f96d-4e43-a894-b303a57272ad", isError: false, apiErrorStatus: nil,
            terminalReason: "completed", resultText: "Wrote the result for ITEM-42 (implement).", budgetExhausted: false))
    }

    @Test("Without a result line, facts hold the turns and usage seen, and no cost")
    func killedBeforeResult() throws {
        let lines = try Self.fixture("write-result-two-turns.jsonl").dropLast()
        let (_, facts) = Self.translate(Array(lines))
        #expect(facts.costUSD == nil)
        #expect(facts.turns == 2)
        #expect(facts.inputTokens == 4000)
        #expect(facts.cacheReadTokens == 10000)
    }

    @Test("An API failure is decided on is_error, not subtype")
    func apiError() {
        let line = #"{"type":"result","subtype":"success","is_error":true,"num_turns":1,"duration_ms":600,"total_cost_usd":0,"usage":{"input_tokens":0,"output_tokens":0,"cache_read_input_tokens":0,"cache_creation_input_tokens":0},"result":"API Error: 529 overloaded","terminal_reason":"api_error","api_error_status":529}"#
        let (activities, facts) = Self.translate([line])
        #expect(facts.isError)
        #expect(facts.apiErrorStatus == 529)
        #expect(!facts.budgetExhausted)
        #expect(activities.map(\.text) == ["Failed (api_error, API 529) · 1 turn · 1s · $0.00 · 0 tokens"])
    }

    @Test("A run the CLI stopped for its budget says so")
    func budgetExhausted() {
        let line = #"{"type":"result","subtype":"error_max_budget_usd","is_error":true,"num_turns":3,"duration_ms":4000,"total_cost_usd":0.52,"usage":{"input_tokens":10,"output_tokens":10,"cache_read_input_tokens":0,"cache_creation_input_tokens":0},"terminal_reason":"budget_exhausted"}"#
        let (activities, facts) = Self.translate([line])
        #expect(facts.budgetExhausted)
        #expect(activities.first?.text == "Stopped: spending limit reached · 3 turns · 4s · $0.52 · 20 tokens")
    }

    @Test("A result line reporting zero usage after turns that used tokens keeps the turns' sum")
    func zeroUsageOnResult() {
        let lines = [
            #"{"type":"assistant","message":{"id":"m1","content":[{"type":"text","text":"Working."}],"usage":{"input_tokens":100,"output_tokens":50,"cache_read_input_tokens":1000,"cache_creation_input_tokens":0}}}"#,
            #"{"type":"result","subtype":"error_max_budget_usd","is_error":true,"num_turns":1,"duration_ms":4000,"total_cost_usd":0.52,"usage":{"input_tokens":0,"output_tokens":0,"cache_read_input_tokens":0,"cache_creation_input_tokens":0},"terminal_reason":"budget_exhausted"}"#,
        ]
        let (activities, facts) = Self.translate(lines)
        #expect(facts.totalTokens == 1150)
        #expect(facts.cacheReadTokens == 1000)
        #expect(activities.last?.text == "Stopped: spending limit reached · 1 turn · 4s · $0.52 · 1.2k tokens, 1k cached")
    }

    @Test("API retries, tool calls and failed results")
    func toolsAndRetries() {
        let lines = [
            #"{"type":"system","subtype":"api_retry","attempt":3,"max_retries":10,"retry_delay_ms":4200,"error_status":529,"error":"overloaded"}"#,
            #"{"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"swift test\necho done"}},{"type":"tool_use","id":"t2","name":"Grep","input":{"pattern":"TODO","path":"Sources"}},{"type":"tool_use","id":"t3","name":"Task","input":{"description":"Find the login code","prompt":"..."}}]}}"#,
            #"{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t1","is_error":true,"content":"error: build failed\nmore"},{"type":"tool_result","tool_use_id":"t2","content":"ok"}]}}"#,
            #"{"type":"assistant","parent_tool_use_id":"t3","message":{"id":"s1","content":[{"type":"tool_use","id":"t4","name":"Read","input":{"file_path":"/x/Login.swift"}}]}}"#,
        ]
        let (activities, facts) = Self.translate(lines)
        #expect(activities.map(\.text) == [
            "API retry 3/10 in 4 s: 529 overloaded",
            "Bash: swift test …",
            "Grep \"TODO\" in Sources",
            "Agent: Find the login code",
            "Bash failed: error: build failed …",
            "↳ Read /x/Login.swift",
        ])
        #expect(activities.map(\.kind) == [.retry, .tool, .tool, .tool, .toolFailed, .tool])
        // A sub-agent's messages are not the main agent's turns.
        #expect(facts.turns == 1)
    }

    @Test("A line that is not JSON is shown as it is")
    func plainText() {
        let (activities, _) = Self.translate(["Working on it...", "{not json", ""])
        #expect(activities == [AgentActivity(.text, "Working on it..."), AgentActivity(.text, "{not json")])
    }

    @Test("A cut line is read from its head: a huge Write still names its file, a huge tool result shows nothing")
    func cutLines() {
        let write = #"{"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","id":"t1","name":"Write","input":{"file_path":"/w/big.txt","content":"aaaa"#
        let result = #"{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t1","content":"aaaa"#
        var translator = ClaudeStreamTranslator()
        let marker = AgentOutputLine.truncationMarker(bytes: 52_000_000)
        let first = translator.translate(AgentOutputLine(stream: .stdout, text: write + marker, truncatedFromBytes: 52_000_000))
        let second = translator.translate(AgentOutputLine(stream: .stdout, text: result + marker, truncatedFromBytes: 52_000_000))
        #expect(first.map(\.text) == ["Write /w/big.txt"])
        #expect(second.isEmpty)
    }

    @Test("Figures for operators", arguments: [
        (999, "999"), (4_149, "4.1k"), (412_400, "412k"), (1_250_000, "1.3M"), (12_400_000, "12M"),
    ])
    func counts(value: Int, expected: String) {
        #expect(ActivitySummary.count(value) == expected)
    }

    @Test("Costs and durations")
    func costsAndDurations() {
        #expect(ActivitySummary.cost(0.84) == "$0.84")
        #expect(ActivitySummary.cost(0.004) == "$0.004")
        #expect(ActivitySummary.cost(0) == "$0.00")
        #expect(ActivitySummary.cost(123.4) == "$123")
        #expect(ActivitySummary.duration(milliseconds: 192_000) == "3m12s")
        #expect(ActivitySummary.duration(milliseconds: 42_000) == "42s")
        #expect(ActivitySummary.duration(milliseconds: 3_900_000) == "1h05m")
    }
}
