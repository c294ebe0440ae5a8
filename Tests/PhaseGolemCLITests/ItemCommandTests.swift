import Foundation
import Testing
import PhaseGolemCore

@Suite("add, advance, unblock", .processSlot)
struct ItemCommandTests {
    static let config = """
        [project]
        prefix = "WRK"

        [pipelines.feature]
        pre_phases = [{ name = "research", workflows = [] }]
        phases = [
            { name = "prd", workflows = [] },
            { name = "build", workflows = [], is_destructive = true },
            { name = "review", workflows = [] },
        ]
        """

    static func loadItems(_ root: String) throws -> [StoreItem] {
        try TaskStore(root: root).loadActive().items
    }

    static func commitSubjects(_ root: String) throws -> [String] {
        try CLIHarness.git(["log", "--format=%s"], in: root).split(separator: "\n").map(String.init)
    }

    @Test("add creates a New item with a hex id, assessments, and commits only the store")
    func add() throws {
        let root = try CLIHarness.makeProject(config: Self.config)
        defer { CLIHarness.remove(root) }
        try CLIHarness.write("scratch", to: root + "/unrelated.txt")
        let result = try CLIHarness.run(["add", "Fix login timeout", "--impact", "H", "--size", "small", "--tag", "api", "--tag", "api"], in: root)
        #expect(result.status == 0, "\(result.stderr)")
        let items = try Self.loadItems(root)
        let item = try #require(items.first)
        #expect(items.count == 1)
        #expect(item.id.range(of: #"^WRK-[0-9a-f]{5}$"#, options: .regularExpression) != nil)
        #expect(result.stdout == "Added \(item.id): Fix login timeout\n")
        #expect(item.pgStatus == .new)
        #expect(item.extensionValue("x-pg-status") == .string("new"))
        #expect(item.impact == .high)
        #expect(item.size == .small)
        #expect(item.tags == ["api"])
        #expect(try Self.commitSubjects(root).first == "[phase-golem] Add \(item.id): Fix login timeout")
        // The unrelated file stays untracked: only the store was committed.
        let status = try CLIHarness.git(["status", "--porcelain"], in: root)
        #expect(status == "?? unrelated.txt\n")
    }

    @Test("add rejects an unknown dependency and writes nothing")
    func addUnknownDependency() throws {
        let root = try CLIHarness.makeProject(config: Self.config)
        defer { CLIHarness.remove(root) }
        let before = try CLIHarness.read(root + "/.task-golem/tasks.jsonl")
        let result = try CLIHarness.run(["add", "X", "--depends-on", "WRK-00000"], in: root)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("Error: Unknown dependency WRK-00000"))
        #expect(try CLIHarness.read(root + "/.task-golem/tasks.jsonl") == before)
    }

    @Test("add with a bad enum value is a usage error (exit 2)")
    func addBadEnum() throws {
        let root = try CLIHarness.makeProject(config: Self.config)
        defer { CLIHarness.remove(root) }
        let result = try CLIHarness.run(["add", "X", "--impact", "huge"], in: root)
        #expect(result.status == 2)
        #expect(result.stderr.contains("Invalid value 'huge' for --impact. Valid values: low, medium, high"))
    }

    static func inProgressLine(id: String, phase: String) -> String {
        #"{"id":"\#(id)","title":"Work","status":"doing","priority":0,"description":null,"tags":[],"dependencies":[],"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z","blocked_reason":null,"blocked_from_status":null,"claimed_by":null,"claimed_at":null,"x-pg-phase":"\#(phase)","x-pg-phase-pool":"main"}"#
    }

    @Test("advance moves to the next main phase and refuses the last one")
    func advance() throws {
        let root = try CLIHarness.makeProject(config: Self.config, storeLines: [Self.inProgressLine(id: "WRK-00001", phase: "prd")])
        defer { CLIHarness.remove(root) }
        var result = try CLIHarness.run(["advance", "WRK-00001"], in: root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "Advanced WRK-00001 from prd to build\n")
        #expect(try Self.loadItems(root).first?.phase == "build")
        #expect(try Self.commitSubjects(root).first == "[phase-golem] Advance WRK-00001 to build")
        result = try CLIHarness.run(["advance", "WRK-00001", "--to", "review"], in: root)
        #expect(result.stdout == "Advanced WRK-00001 to review\n")
        result = try CLIHarness.run(["advance", "WRK-00001"], in: root)
        #expect(result.status == 1)
        #expect(result.stderr == "Error: Cannot advance WRK-00001: 'review' is the final phase\n")
        result = try CLIHarness.run(["advance", "WRK-00001", "--to", "research"], in: root)
        #expect(result.stderr == "Error: Invalid phase 'research': expected one of prd, build, review\n")
        result = try CLIHarness.run(["advance", "WRK-99999"], in: root)
        #expect(result.stderr == "Error: Item not found: WRK-99999\n")
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
    }

    @Test("unblock restores the full-fidelity status of the fixture's blocked item")
    func unblockFixture() throws {
        let root = try CLIHarness.makeProject()
        defer { CLIHarness.remove(root) }
        try CLIHarness.copyFixtureStore("phase-golem-store", to: root)
        try CLIHarness.git(["add", "-A"], in: root)
        try CLIHarness.git(["commit", "-q", "-m", "fixture"], in: root)
        let before = try Self.loadItems(root)
        let result = try CLIHarness.run(["unblock", "tg-a67be", "--notes", "Go ahead"], in: root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "Unblocked tg-a67be -- restored to New\n")
        let after = try Self.loadItems(root)
        let item = try #require(after.first { $0.id == "tg-a67be" })
        #expect(item.pgStatus == .new)
        #expect(item.blockedReason == nil && item.blockedFromStatus == nil)
        #expect(item.unblockContext == "Go ahead")
        // Every other line is byte-identical.
        for (old, new) in zip(before, after) where old.id != "tg-a67be" {
            #expect(old.sourceLine == new.sourceLine)
        }
        #expect(try Self.commitSubjects(root).first == "[phase-golem] Unblock tg-a67be (restored to New)")
        let again = try CLIHarness.run(["unblock", "tg-a67be"], in: root)
        #expect(again.status == 1)
        #expect(again.stderr == "Error: Cannot unblock tg-a67be: status is New, expected Blocked\n")
    }

    @Test("while a run holds the runtime lock, add leaves the commit to that run")
    func deferredCommit() throws {
        let root = try CLIHarness.makeProject(config: Self.config)
        defer { CLIHarness.remove(root) }
        let lock = try RuntimeLock(root: root)
        let result = try CLIHarness.run(["add", "Queued while running"], in: root)
        withExtendedLifetime(lock) {}
        #expect(result.status == 0)
        #expect(result.stderr.contains("a phase-golem run is in progress"))
        #expect(try Self.commitSubjects(root) == ["initial"])
        #expect(try Self.loadItems(root).count == 1)
    }
}
