import Foundation
import Testing
@testable import PhaseGolemCore

/// `codex exec --json` events turned into activity lines and facts (docs/codex.md).
@Suite("Codex event translator")
struct CodexEventTranslatorTests {
    static func fixture(_ name: String) throws -> [String] {
        let path = Fixtures.repositoryRoot + "/Tests/Fixtures/codex-exec-json/" + name
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").map(String.init)
    }

    static func translate(_ lines: [String], price: TokenPrice? = nil) -> ([AgentActivity], AgentRunFacts) {
        var translator = CodexEventTranslator(price: price)
        var activities: [AgentActivity] = []
        for line in lines { activities += translator.translate(AgentOutputLine(stream: .stdout, text: line)) }
        return (activities, translator.facts)
    }

    @Test("The real CLI's events read as an operator would skim them")
    func realSample() throws {
        let (activities, _) = Self.translate(try Self.fixture("sample.jsonl"))
        // Quotes inside the script keep codex's quoting: shown as is.
        let write = #"Run: "mkdir -p /home/dev/acme/out && printf '%s' '{"#
        #expect(activities.map(\.kind) == [.start, .text, .tool, .tool, .tool, .text, .end])
        #expect(activities[0].text == "Codex · session 01a2497f")
        #expect(activities[1].text == "I will write the result file.")
        #expect(activities[2].text.hasPrefix(write), "\(activities[2].text)")
        #expect(activities[3].text == "Run: echo MARK-$((6*7)) && cat /home/dev/acme/out/result.json")
        #expect(activities[4].text == "add /home/dev/acme/NOTES.md")
        #expect(activities[5].text == "Wrote the result for ITEM-42 (implement).")
        #expect(activities[6].text == "1 turn · 9.2k tokens, 2k cached")
    }

    @Test("turn.completed gives the tokens; cached input is counted apart, reasoning kept")
    func tokens() throws {
        let (_, facts) = Self.translate(try Self.fixture("sample.jsonl"))
        #expect(facts.inputTokens == 6000)
        #expect(facts.cacheReadTokens == 2000)
        #expect(facts.cacheCreationTokens == 0)
        #expect(facts.outputTokens == 1200)
        #expect(facts.reasoningTokens == 160)
        #expect(facts.totalTokens == 9200)
        #expect(facts.sessionID == "01a2497f-a2c5-7df1-9ebc-113fb6c0e6f5")
        #expect(facts.resultText == "Wrote the result for ITEM-42 (implement).")
        #expect(!facts.isError)
        // No price: the cost is unknown, never zero.
        #expect(facts.costUSD == nil)
    }

    @Test("A price turns the tokens into a cost")
    func pricedCost() throws {
        let price = TokenPrice(input: 1.25, cachedInput: 0.125, output: 10)
        let (activities, facts) = Self.translate(try Self.fixture("sample.jsonl"), price: price)
        let uncached: Double = 6000 * 1.25, cached: Double = 2000 * 0.125, output: Double = 1200 * 10
        let expected = (uncached + cached + output) / 1_000_000
        #expect(abs((facts.costUSD ?? -1) - expected) < 1e-12)
        #expect(activities.last?.text == "1 turn · $0.02 · 9.2k tokens, 2k cached")
    }

    @Test("A failed command shows its exit code")
    func failedCommand() {
        let line = #"{"type":"item.completed","item":{"id":"item_2","type":"command_execution","command":"/bin/bash -lc false","aggregated_output":"","exit_code":1,"status":"failed"}}"#
        let (activities, _) = Self.translate([line])
        #expect(activities == [AgentActivity(.toolFailed, "Command failed (exit 1): false")])
    }

    @Test("An API error fails the turn with its HTTP status")
    func apiError() throws {
        let (activities, facts) = Self.translate(try Self.fixture("failed-401.jsonl"))
        #expect(facts.isError)
        #expect(facts.apiErrorStatus == 401)
        #expect(facts.terminalReason == "api_error")
        #expect(activities.map(\.kind) == [.start, .toolFailed, .end])
        #expect(activities[1].text.hasPrefix("Error: unexpected status 401 Unauthorized: scripted 401"))
        #expect(activities[2].text == "Failed (api_error, API 401) · 1 turn")
        #expect(CodexEventTranslator.httpStatus(in: "exceeded retry limit, last status: 429 Too Many Requests") == 429)
        #expect(CodexEventTranslator.httpStatus(in: "stream disconnected") == nil)
    }

    @Test("Lines that are not events are shown as text; reasoning is not shown")
    func otherLines() {
        let (activities, _) = Self.translate([
            "plain words",
            #"{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"thinking"}}"#,
            #"{"type":"item.completed","item":{"id":"item_9","type":"error","message":"model refused"}}"#,
            #"{"type":"error","message":"Reconnecting... 1/5"}"#,
        ])
        #expect(activities == [AgentActivity(.text, "plain words"), AgentActivity(.toolFailed, "Error: model refused"),
                               AgentActivity(.retry, "Reconnecting... 1/5")])
    }

    @Test("A cut line still names the command it starts")
    func cutLine() {
        var translator = CodexEventTranslator()
        let head = #"{"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"/bin/bash -lc 'cat big.log'","aggregated_output":"xxxx"#
        let started = translator.translate(AgentOutputLine(stream: .stdout, text: head + AgentOutputLine.truncationMarker(bytes: 9_000_000),
                                                           truncatedFromBytes: 9_000_000))
        #expect(started == [AgentActivity(.tool, "Run: cat big.log")])
        let completed = #"{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"x","aggregated_output":"yyyy"#
        #expect(translator.translate(AgentOutputLine(stream: .stdout, text: completed + AgentOutputLine.truncationMarker(bytes: 9_000_000),
                                                     truncatedFromBytes: 9_000_000)).isEmpty)
    }

    @Test func codexGetsItsTranslator() {
        #expect(AgentCommand(AgentConfig(cli: .codex)).makeTranslator() is CodexEventTranslator)
        #expect(AgentConfig(cli: .codex).reportsCost == false)
        #expect(AgentConfig(cli: .codex, price: TokenPrice(input: 1, output: 1)).reportsCost)
    }
}
