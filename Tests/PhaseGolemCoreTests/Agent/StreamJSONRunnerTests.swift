import Foundation
import Testing
@testable import PhaseGolemCore

/// A real process printing stream-json through the real runner: the log keeps every byte,
/// observers get activity lines and facts, a huge line is cut for display only.
@Suite("CLI agent runner: stream-json")
struct StreamJSONRunnerTests {
    static let fixture = Fixtures.repositoryRoot + "/Tests/Fixtures/claude-stream-json/write-result-two-turns.jsonl"

    /// Prints the real sample, a 300 KB tool result line, a plain line, then writes its result.
    static let script = """
        cat "$FIXTURE"
        printf '{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"x","content":"'
        head -c 300000 /dev/zero | tr '\\0' a
        printf '"}]}}\\n'
        echo 'plain words from a wrapper'
        echo 'to stderr' >&2
        printf '{"item_id":"%s","phase":"%s","result":"phase_complete","summary":"ok"}' \
            "$PHASE_GOLEM_ITEM_ID" "$PHASE_GOLEM_PHASE" > "$PHASE_GOLEM_RESULT_PATH"
        """

    @Test("activities and facts reach the callback, the log holds every raw byte")
    func streamJSONThroughTheRunner() async throws {
        let harness = try FakeAgentHarness()
        defer { harness.remove() }
        let runner = CLIAgentRunner(
            config: AgentConfig(cli: .command, command: ["/bin/sh", "-c", Self.script, "agent"], output: .streamJSON),
            registry: harness.registry, shutdown: harness.shutdown, extraEnvironment: ["FIXTURE": Self.fixture])
        let (result, events) = await harness.run(runner: runner)
        #expect(try result.get().summary == "ok")

        let activities = events.all.flatMap { event -> [AgentActivity] in
            if case .activity(let activities) = event { return activities }
            return []
        }
        #expect(activities.map(\.text) == [
            "Claude Code 2.1.327 · claude-opus-5-5 · session 081e1187",
            "I will write the result file.",
            "Write out/result.json",
            "Wrote the result for ITEM-42 (implement).",
            "2 turns · 0s · $0.04 · 17k tokens, 10k cached",
            "plain words from a wrapper",
        ])
        // Stderr is not translated; no stdout line comes through raw.
        #expect(events.lines == [AgentOutputLine(stream: .stderr, text: "to stderr")])
        let facts = events.all.compactMap { event -> AgentRunFacts? in
            if case .facts(let facts) = event { return facts }
            return nil
        }
        #expect(facts.count == 1)
        #expect(facts.first?.costUSD == 0.04)
        #expect(facts.first?.turns == 2)
        // .facts is the last event: sent once the output is all delivered.
        if case .facts? = events.all.last {} else { Issue.record("facts is not the last event") }

        let log = try Data(contentsOf: URL(fileURLWithPath: harness.logPath()))
        let sample = try Data(contentsOf: URL(fileURLWithPath: Self.fixture))
        var expected = sample
        expected.append(Data(#"{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"x","content":""#.utf8))
        expected.append(Data(repeating: UInt8(ascii: "a"), count: 300_000))
        expected.append(Data("\"}]}}\nplain words from a wrapper\n[stderr] to stderr\n".utf8))
        #expect(log == expected)
    }

    @Test("a run that reports nothing still sends facts once, with its wall-clock duration")
    func textAgentFacts() async throws {
        let harness = try FakeAgentHarness(script: "WRK-001 build complete All built\n")
        defer { harness.remove() }
        let (_, events) = await harness.run()
        let facts = events.all.compactMap { event -> AgentRunFacts? in
            if case .facts(let facts) = event { return facts }
            return nil
        }
        #expect(facts.count == 1)
        #expect(facts.first?.costUSD == nil)
        #expect(facts.first?.durationMs != nil)
        #expect(!events.lines.isEmpty)
    }
}
