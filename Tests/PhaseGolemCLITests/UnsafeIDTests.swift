import Foundation
import Testing
import PhaseGolemCore

/// An item id is plain text in a file agents can edit; it becomes part of paths, so one that
/// could leave its folder is refused before anything is written.
@Suite("run: ids and phase names that cannot be file names", .serialized, .processSlot)
struct UnsafeIDTests {
    static let hostileIDs = ["../../escaped", "WRK-1/../../escaped", "..", "WRK 1", "WRK-\u{1B}[2J"]

    @Test("run refuses an item whose id is not a safe file name, before any agent or file", arguments: hostileIDs)
    func runRefusesUnsafeID(_ id: String) throws {
        let root = try RunHarness.project(items: [
            RunHarness.item(id, "Hostile id", status: .inProgress, phase: "review", pool: .main),
            RunHarness.item("WRK-00002", "Fine", status: .inProgress, phase: "review", pool: .main),
        ])
        defer { CLIHarness.remove(root) }
        let outside = URL(fileURLWithPath: root).deletingLastPathComponent().appendingPathComponent("escaped").path
        let store = try CLIHarness.read(root + "/.task-golem/tasks.jsonl")

        let result = try RunHarness.run(["--target", "WRK-00002"], in: root)

        #expect(result.status == 1)
        #expect(result.stderr.contains("Item id \"\(SafeFileName.displayed(id))\" cannot be used in a file name"), "\(result.stderr)")
        #expect(result.stderr.contains("Give the item an id of letters, digits and '-'"))
        #expect(!result.stderr.contains("\u{1B}"), "an escape sequence reached the output")
        #expect(RunHarness.agentLog(root).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: outside))
        #expect(try CLIHarness.read(root + "/.task-golem/tasks.jsonl") == store)
    }

    @Test("triage, which has no preflight, fails such an item without writing outside the project")
    func triageFailsUnsafeID() throws {
        let root = try RunHarness.project(items: [RunHarness.item("../../escaped", "Hostile id", status: .new)])
        defer { CLIHarness.remove(root) }
        let outside = URL(fileURLWithPath: root).deletingLastPathComponent().appendingPathComponent("escaped").path
        let agent = RunHarness.agentEnvironment(root)
        try CLIHarness.write("* triage triage small\n", to: agent["FAKE_AGENT_SCRIPT"] ?? "")

        let result = try CLIHarness.run(["triage"], in: root, environment: agent)

        #expect(result.stderr.contains("Item id \"../../escaped\" cannot be used in a file name"), "\(result.stderr)")
        #expect(RunHarness.agentLog(root).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: outside))
        #expect(!FileManager.default.fileExists(atPath: outside + ".json"))
    }

    @Test("a phase name that is not a safe file name is a config error")
    func unsafePhaseName() throws {
        let config = RunHarness.config().replacingOccurrences(of: #"{ name = "review""#, with: #"{ name = "../review""#)
        let root = try RunHarness.project(items: [RunHarness.item("WRK-00001", status: .ready)], config: config)
        defer { CLIHarness.remove(root) }
        let result = try RunHarness.run([], in: root)
        #expect(result.status == 1)
        #expect(result.stderr.contains("pipelines.feature: phase name '../review' must be letters, digits, '-', '_' or '.'"), "\(result.stderr)")
        #expect(RunHarness.agentLog(root).isEmpty)
    }
}
