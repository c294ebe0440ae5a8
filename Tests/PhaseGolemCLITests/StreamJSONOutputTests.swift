import Foundation
import PhaseGolemCore
import Testing

/// The real binary reading an agent's stream-json flood (docs/decisions.md D13): bounded
/// memory, every byte in the attempt's log, activity lines in the plain log, the phase's cost.
@Suite("CLI: stream-json output", .processSlot)
struct StreamJSONOutputTests {
    static let id = AgentMisbehaviourTests.id

    static func project(timeoutMinutes: Double = 1) throws -> String {
        let config = RunHarness.config(timeoutMinutes: timeoutMinutes).replacing("[agent]\n", with: "[agent]\noutput = \"stream-json\"\n")
        return try RunHarness.project(items: [RunHarness.item(id, "Only item", status: .inProgress, phase: "review", pool: .main)],
                                      config: config)
    }

    /// `bytes` of stream-json in one phase: completes, memory under `boundMB`, the log holds
    /// exactly what the agent printed.
    static func stream(_ bytes: Int, boundMB: Int, label: String) throws {
        // These measure memory and bytes, not speed: a loaded CI machine must not time them out
        // (the 1 GiB case once took over a minute in a debug build on a busy machine).
        let root = try project(timeoutMinutes: 30)
        defer { CLIHarness.remove(root) }
        let script = root + "/.git/fake-agent-script"
        try CLIHarness.write("\(id) review stream \(bytes)\n", to: script)
        let run = try MeasuredRun.run(["run"], in: root, environment: ["FAKE_AGENT_SCRIPT": script])
        let log = try #require(try AgentMisbehaviourTests.logFiles(root).first)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: log)[.size] as? Int)
        let resultLine = #"{"type":"result","subtype":"success","is_error":false,"num_turns":1,"duration_ms":5,"total_cost_usd":0.01,"usage":{"input_tokens":1,"output_tokens":1,"cache_read_input_tokens":0,"cache_creation_input_tokens":0}}"#
        let header = "fake-agent: \(id) review attempt 1 starting\nfake-agent: working on it\n[stderr] fake-agent: progress on stderr\n"
        let expected = header.utf8.count + bytes + 1 + resultLine.utf8.count + 1
        let peakMB = Double(run.peakRSSBytes) / 1_048_576
        #expect(run.status == 0, "\(run.stderrTail)")
        #expect(try RunHarness.archived(root) == [id])
        #expect(size == expected, "log holds \(size) bytes, expected \(expected)")
        #expect(run.stderrTail.contains("[cost] Run total: $0.01"), "\(run.stderrTail)")
        #expect(run.peakRSSBytes > 0, "no memory sample was taken")
        #expect(peakMB < Double(boundMB), "peak RSS \(peakMB) MB")
        print("stream-json output: \(label) in \(String(format: "%.1f", run.seconds)) s, peak RSS \(String(format: "%.0f", peakMB)) MB "
            + "(bound \(boundMB) MB), log holds all \(size) bytes")
    }

    @Test("64 MB of stream-json: bounded memory, the log byte for byte, the run's cost")
    func largeStream() throws {
        try Self.stream(64_000_000, boundMB: 61, label: "64 MB")
    }

    @Test("1 GiB of stream-json (PHASE_GOLEM_LONG_TESTS=1): under 100 MB resident, every byte in the log",
          .enabled(if: ProcessInfo.processInfo.environment["PHASE_GOLEM_LONG_TESTS"] == "1", "long case: set PHASE_GOLEM_LONG_TESTS=1"))
    func gigabyteStream() throws {
        try Self.stream(1 << 30, boundMB: 100, label: "1 GiB")
    }
}

/// `run --max-cost` from the command line: validated, and refused for an agent whose cost is unknown.
@Suite("CLI: budget flag", .processSlot)
struct BudgetFlagTests {
    @Test("a budget that is not a positive amount is a usage error naming the fix")
    func invalidBudget() throws {
        let root = try StreamJSONOutputTests.project()
        defer { CLIHarness.remove(root) }
        let result = try RunHarness.run(["--max-cost", "0"], in: root)
        #expect(result.status == 2)
        #expect(result.stderr.contains("--max-cost: must be a positive number of US dollars"), "\(result.stderr)")
    }

    @Test("a budget with an agent that does not report its cost is refused before anything runs")
    func budgetNeedsCost() throws {
        let root = try AgentMisbehaviourTests.project()
        defer { CLIHarness.remove(root) }
        let result = try RunHarness.run(["--max-cost", "5"], in: root, script: ["\(StreamJSONOutputTests.id) review complete Done"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("A budget (--max-cost or execution.max_cost_usd) needs an agent that reports its cost"),
                "\(result.stderr)")
        #expect(try RunHarness.archived(root).isEmpty)
    }
}
