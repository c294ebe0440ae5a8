import Foundation
import Testing
@testable import PhaseGolemCore

/// `status`, `unblock` and `advance` skip the argument parser on their simple forms; every form
/// still means what the parser makes of it, and anything unusual still gets the parser's error.
@Suite("argument fast path", .processSlot)
struct FastPathTests {
    static let blocked = "{\"id\":\"WRK-00001\",\"title\":\"Blocked one\",\"status\":\"blocked\",\"priority\":0,\"description\":null,"
        + "\"tags\":[],\"dependencies\":[],\"created_at\":\"2026-02-26T12:00:00Z\",\"updated_at\":\"2026-02-26T12:00:00Z\","
        + "\"blocked_reason\":\"why\",\"blocked_from_status\":\"todo\",\"claimed_by\":null,\"claimed_at\":null,"
        + "\"x-pg-blocked-from-status\":\"ready\"}"

    static func unblockContext(_ root: String) throws -> String? {
        let items = try TaskStore(root: root).loadActive().items
        return try #require(items.first).unblockContext
    }

    @Test("Options in any order and inline values are read as the parser reads them", arguments: [
        ["unblock", "WRK-00001", "--notes", "Use v2"],
        ["unblock", "--notes", "Use v2", "WRK-00001"],
        ["unblock", "--notes=Use v2", "WRK-00001"],
        ["--log-level", "warn", "unblock", "WRK-00001", "--notes=Use v2"],
        ["unblock", "--log-level=warn", "WRK-00001", "--notes", "Use v2"],
    ])
    func simpleForms(_ arguments: [String]) throws {
        let root = try CLIHarness.makeProject(storeLines: [Self.blocked])
        defer { CLIHarness.remove(root) }
        let result = try CLIHarness.run(arguments, in: root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "Unblocked WRK-00001 -- restored to Ready\n")
        #expect(try Self.unblockContext(root) == "Use v2")
    }

    @Test("Unusual forms reach the parser, which refuses them with a usage error and changes nothing", arguments: [
        ["unblock", "WRK-00001", "WRK-00002"],
        ["unblock", "WRK-00001", "--json"],
        ["unblock", "WRK-00001", "--notes"],
        ["unblock", "WRK-00001", "--to", "build"],
        ["advance", "WRK-00001", "--notes", "x"],
        ["status", "WRK-00001"],
        ["unblock"],
    ])
    func unusualForms(_ arguments: [String]) throws {
        let root = try CLIHarness.makeProject(storeLines: [Self.blocked])
        defer { CLIHarness.remove(root) }
        let before = try String(contentsOfFile: root + "/.task-golem/tasks.jsonl", encoding: .utf8)
        let result = try CLIHarness.run(arguments, in: root)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try String(contentsOfFile: root + "/.task-golem/tasks.jsonl", encoding: .utf8) == before)
    }

    @Test("help on the fast commands is the parser's help")
    func help() throws {
        let root = try CLIHarness.makeProject(storeLines: [Self.blocked])
        defer { CLIHarness.remove(root) }
        let result = try CLIHarness.run(["unblock", "--help"], in: root)
        #expect(result.status == 0)
        #expect(result.stdout.contains("Unblock an item: restore the status it had before it was blocked."))
    }
}
