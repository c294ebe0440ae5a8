import Foundation
import Testing
import PhaseGolemCore

@Suite("status command", .processSlot)
struct StatusCommandTests {
    /// Derived by hand from docs/compatibility.md#other-commands and the fixture's six items: blocked first, then
    /// scoping, then the four New items in store order; titles over 36 bytes cut to 33 characters.
    static let expectedFixtureTable = """
        ID           STATUS       PHASE        PIPELINE   IMPACT   SIZE     RISK     TITLE
        ----------------------------------------------------------------------------------------------
        tg-a67be     blocked      -            feature    low      small    low      Test item for e2e validation
        tg-ffd7b     scoping      research     feature    medium   medium   medium   Migrate scheduler/executor error ...
        HAMY-5c0f8   new          -            -          -        small    low      Add CI check for tg-cli-safety.md...
        HAMY-958ba   new          -            -          -        small    low      Consider splitting tg archive int...
        HAMY-c0ff6   new          -            -          -        small    low      Clean up test fixture items from ...
        tg-17988     new          -            -          -        -        -        Remove From<PgError> for String b...

        6 item(s) total

        """

    @Test("prints the original's table for the phase-golem fixture store")
    func fixtureTable() throws {
        let result = try CLIHarness.run(["--root", CLIHarness.fixtures + "/phase-golem-store", "status"], in: "/tmp")
        #expect(result.stderr == "")
        #expect(result.status == 0)
        #expect(result.stdout == Self.expectedFixtureTable)
    }

    @Test("a title with escape sequences cannot drive the terminal; --json keeps it exactly")
    func hostileTitle() throws {
        let title = "\u{1B}]52;c;Y2xpcA==\u{07}\u{1B}[2JSafe title"
        let root = try CLIHarness.makeProject(storeLines: [RunHarness.item("WRK-00001", title, status: .ready)])
        defer { CLIHarness.remove(root) }
        let table = try CLIHarness.run(["status"], in: root)
        #expect(table.status == 0)
        #expect(!table.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(table.stdout.debugDescription)")
        #expect(table.stdout.contains("Safe title\n"))
        let json = try CLIHarness.run(["status", "--json"], in: root)
        #expect(json.stdout.contains(#"\u001b]52;c;Y2xpcA==\u0007\u001b[2JSafe title"#), "\(json.stdout)")
    }

    @Test("an empty store says so")
    func emptyStore() throws {
        let root = try CLIHarness.makeProject()
        defer { CLIHarness.remove(root) }
        let result = try CLIHarness.run(["status"], in: root)
        #expect(result.status == 0)
        #expect(result.stdout == "No items in backlog.\n")
    }

    @Test("--json lists every item with its phase-golem status")
    func json() throws {
        let result = try CLIHarness.run(["--root", CLIHarness.fixtures + "/phase-golem-store", "status", "--json"], in: "/tmp")
        #expect(result.status == 0)
        let parsed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        let items = try #require(parsed)
        #expect(items.map { $0["id"] as? String } == ["tg-a67be", "tg-ffd7b", "HAMY-5c0f8", "HAMY-958ba", "HAMY-c0ff6", "tg-17988"])
        #expect(items[0]["status"] as? String == "blocked")
        #expect(items[1]["phase"] as? String == "research")
        #expect(items[1]["phase_pool"] as? String == "pre")
    }

    @Test("reads a task-golem 0.3 store (parent keys, base32 ids)")
    func readsNewDialect() throws {
        let result = try CLIHarness.run(["--root", CLIHarness.fixtures + "/task-golem-0.3-store", "status"], in: "/tmp")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("\n17 item(s) total\n"))
        #expect(result.stdout.contains("tg-22mxj"))
    }
}
