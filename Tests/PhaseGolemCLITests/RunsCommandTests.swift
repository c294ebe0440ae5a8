import Foundation
import Testing
import PhaseGolemCore

/// The run journal through the real binary: every run leaves one, `runs` lists them,
/// `runs show` prints one, old runs are pruned (docs/journal.md).
@Suite("runs: the journal and the history", .serialized, .processSlot)
struct RunsCommandTests {
    @Test("two runs: journals with referenced agent output, summary.json, `runs`, `runs --json`, `runs show`")
    func severalRuns() throws {
        let root = try RunHarness.project(items: [
            RunHarness.item("WRK-00001", "First thing", status: .ready, phase: "prd", pool: .main),
            RunHarness.item("WRK-00002", "Second thing", status: .ready, phase: "prd", pool: .main),
        ])
        defer { CLIHarness.remove(root) }
        let first = try RunHarness.run(["--target", "WRK-00001", "--summary-json", ".git/s.json"], in: root)
        #expect(first.status == 0, "\(first.stderr)")
        let second = try RunHarness.run(["--target", "WRK-00002"], in: root, script: ["WRK-00002 prd block needs a human"])
        #expect(second.status == 1, "\(second.stderr)")

        let ids = RunHistory.runIDs(root: root)
        #expect(ids.count == 2)
        let oldest = try #require(ids.last)
        // summary.json is the --summary-json content.
        #expect(try CLIHarness.read(root + "/.phase-golem/runs/\(oldest)/summary.json") == CLIHarness.read(root + "/.git/s.json"))
        // Agent output is referenced by attempt log and byte range, never copied.
        let journal = try String(decoding: CLIHarness.read(RunHistory.journalPath(root: root, runID: oldest)), as: UTF8.self)
        #expect(journal.contains(#""k":"output""#))
        #expect(journal.contains(#""log":"WRK-00001_prd_1.log""#))
        #expect(!journal.contains(#""text":["#))
        #expect(journal.hasPrefix(#"{"agent":"#))
        // The journal stays out of git.
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")

        let table = try CLIHarness.run(["runs"], in: root)
        #expect(table.status == 0)
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("RUN ID"))
        #expect(lines[1].hasPrefix(ids[0]) && lines[1].contains("WRK-00002") && lines[1].contains("TargetBlocked ") && lines[1].hasSuffix(" 1"))
        #expect(lines[2].hasPrefix(ids[1]) && lines[2].contains("WRK-00001") && lines[2].hasSuffix("TargetCompleted  0"))

        let json = try CLIHarness.run(["runs", "--json"], in: root)
        let runs = try JSONParser.parse(json.stdout)
        guard case .array(let entries) = runs else {
            Issue.record("not an array: \(json.stdout)")
            return
        }
        #expect(entries.map { $0["id"]?.stringValue } == ids)
        #expect(entries.map { $0["halt_reason"]?.stringValue } == ["TargetBlocked", "TargetCompleted"])
        #expect(entries.map { $0["exit_code"] } == [.number("1"), .number("0")])
        #expect(entries.map { $0["state"]?.stringValue } == ["finished", "finished"])
        #expect(entries.first?["blocked"] == .number("1"))
        #expect(entries.last?["completed"] == .number("1"))
        #expect(entries.first?["cost_usd"] == .null)

        let show = try CLIHarness.run(["runs", "show", ids[0]], in: root)
        #expect(show.status == 0)
        #expect(show.stdout.contains("Outcome: TargetBlocked, exit 1\n"))
        #expect(show.stdout.contains("Halt reason: TargetBlocked\n"))
        let row = try #require(show.stdout.split(separator: "\n").first { $0.hasPrefix("WRK-00002") })
        #expect(row.contains("blocked") && row.contains("Second thing") && row.contains("needs a human"))

        let missing = try CLIHarness.run(["runs", "show", "nope"], in: root)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("No run nope in"))
    }

    @Test("PHASE_GOLEM_KEEP_RUNS keeps that many runs, their logs with them; a bad value is refused")
    func pruning() throws {
        let root = try RunHarness.project(items: [RunHarness.item("WRK-00001", status: .ready, phase: "prd", pool: .main)])
        defer { CLIHarness.remove(root) }
        for _ in 0..<3 {
            let result = try RunHarness.run(["--target", "WRK-00001", "--cap", "1"], in: root, environment: ["PHASE_GOLEM_KEEP_RUNS": "2"])
            #expect(result.status == 0, "\(result.stderr)")
            usleep(1_100_000)  // Run ids have a resolution of one second (and a PID).
        }
        let ids = RunHistory.runIDs(root: root)
        #expect(ids.count == 2)
        let logs = try FileManager.default.contentsOfDirectory(atPath: root + "/.phase-golem/logs").sorted()
        #expect(logs == ids.sorted())
        let bad = try RunHarness.run(["--target", "WRK-00001"], in: root, environment: ["PHASE_GOLEM_KEEP_RUNS": "0"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("PHASE_GOLEM_KEEP_RUNS must be a whole number of runs, 1 or more (got \"0\")"))
    }
}

@Suite("run --detach", .processSlot)
struct DetachTests {
    @Test("run --detach returns at once with the watch command; the run goes on in plain mode and leaves its journal and log")
    func detached() throws {
        let root = try RunHarness.project(items: [RunHarness.item("WRK-00001", status: .ready, phase: "prd", pool: .main)])
        defer { CLIHarness.remove(root) }
        let result = try RunHarness.run(["--detach", "--target", "WRK-00001"], in: root, script: ["* * sleep 2"])
        #expect(result.status == 0, "\(result.stderr)")
        let id = try #require(RunHistory.runIDs(root: root).first)
        #expect(result.stdout.contains("Started run \(id) in the background (PID "))
        #expect(result.stdout.hasSuffix("Watch it: phase-golem watch\n"))
        // Returned while the run still holds the lock.
        #expect(RunHistory.activeRunID(root: root) == id)
        let deadline = Date().addingTimeInterval(30)
        while RunHistory.activeRunID(root: root) != nil, Date() < deadline { usleep(50_000) }
        let record = try #require(RunRecord.load(root: root, runID: id))
        #expect(record.summary?.haltReason == .targetCompleted)
        let log = try String(decoding: CLIHarness.read(root + "/.phase-golem/detached.out"), as: UTF8.self)
        #expect(log.contains("--- Run Summary ---\n"))
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
    }
}
