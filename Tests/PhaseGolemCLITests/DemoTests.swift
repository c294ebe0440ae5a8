import Foundation
import Testing
import PhaseGolemCore

/// `phase-golem demo` end to end in plain mode: a real run on the throw-away project.
@Suite("demo")
struct DemoTests {
    @Test("demo --no-tui --auto-advance: two targets complete, the legal one blocks, exit 0, history committed")
    func plainDemo() throws {
        let parent = try CLIHarness.makeTemporaryDirectory("demo")
        defer { CLIHarness.remove(parent) }
        let root = parent + "/project"
        let result = try CLIHarness.run(["demo", "--no-tui", "--auto-advance", "--dir", root], in: parent,
                                        environment: ["PHASE_GOLEM_DEMO_SPEED": "0"])
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        let summary = RunHarness.summaryLines(result.stderr)
        #expect(summary.first == "--- Run Summary ---")
        #expect(summary.contains { $0.hasPrefix("Items completed: ") && $0.split(separator: ",").count == 2 })
        #expect(summary.contains { $0.hasPrefix("Items blocked: ") })
        #expect(summary.last == "Halt reason: TargetCompleted")
        #expect(result.stderr.contains("The demo project is in \(root)"))
        #expect(result.stderr.contains("[demo-agent] design 1/4"))
        // The agent says what it is, in what it leaves behind.
        let items = try TaskStore(root: root).loadActive().items
        let blocked = try #require(items.first { $0.pgStatus == .blocked })
        #expect(blocked.title.contains("legal"))
        #expect(blocked.blockedReason?.contains("Demo agent (scripted)") == true)
        let archived = try TaskStore(root: root).loadArchive().items
        #expect(archived.count == 2)
        let log = try CLIHarness.git(["log", "--format=%s"], in: root)
        #expect(log.contains("Demo: build notes for"))
        #expect(log.contains("[phase-golem] Save task state: \(blocked.id) blocked"))
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
        let status = try CLIHarness.run(["status"], in: root)
        #expect(status.stdout.contains("blocked"))
    }

    @Test("without auto-advance the demo halts at the blocked target and exits 1")
    func haltsWithoutAutoAdvance() throws {
        let parent = try CLIHarness.makeTemporaryDirectory("demo")
        defer { CLIHarness.remove(parent) }
        let result = try CLIHarness.run(["demo", "--no-tui", "--dir", parent + "/p"], in: parent,
                                        environment: ["PHASE_GOLEM_DEMO_SPEED": "0"])
        #expect(RunHarness.summaryLines(result.stderr).last == "Halt reason: TargetBlocked")
        #expect(result.status == 0, "the first target completes before the blocked one: something completed")
    }

    @Test("an occupied --dir is refused before anything is written")
    func occupiedDir() throws {
        let root = try CLIHarness.makeProject()
        defer { CLIHarness.remove(root) }
        let before = try CLIHarness.git(["rev-parse", "HEAD"], in: root)
        let result = try CLIHarness.run(["demo", "--no-tui", "--dir", root], in: root)
        #expect(result.status == 1)
        #expect(result.stderr.contains("already holds a project"))
        #expect(try CLIHarness.git(["rev-parse", "HEAD"], in: root) == before)
    }
}
