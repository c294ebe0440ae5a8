import Testing
@testable import PhaseGolemCore

/// The phase-golem view of the real stores (docs/store-format.md#fixtures).
@Suite("Fixture items through the model")
struct FixtureItemModelTests {
    static func active(_ store: String) throws -> [StoreItem] {
        try StoreFileFormat.parse(Fixtures.bytes("\(store)/tasks.jsonl"), path: store, strict: true).items
    }

    @Test("tg-a67be reads as Blocked, blocked from New")
    func blockedFixture() throws {
        let item = try #require(try Self.active(Fixtures.phaseGolemStore).first { $0.id == "tg-a67be" })
        #expect(item.status == .blocked)
        #expect(item.pgStatus == .blocked)
        #expect(item.blockedFromStatus == .todo)
        #expect(item.blockedFromPGStatus == .new)
        #expect(item.blockedReason?.hasPrefix("This item was created in commit 676dfa3") == true)
        #expect(item.phaseGolemWarnings().isEmpty)
        // Its description mirrors the structured context.
        #expect(item.structuredDescription?.context == item.description)
    }

    @Test("Unblocking tg-a67be restores New and writes a clean line")
    func unblockFixture() throws {
        var item = try #require(try Self.active(Fixtures.phaseGolemStore).first { $0.id == "tg-a67be" })
        #expect(item.unblock(context: nil, now: fixedNow).restored == .new)
        let line = item.canonicalLine(dialect: .v01)
        #expect(line.contains("\"status\":\"todo\""))
        #expect(line.contains("\"blocked_reason\":null,\"blocked_from_status\":null,\"claimed_by\":null,\"claimed_at\":null,\"x-pg-complexity\":\"low\""))
        #expect(line.hasSuffix(",\"x-pg-status\":\"new\"}"))
        #expect(!line.contains("x-pg-blocked-from-status"))
    }

    @Test("The phase-golem store's derived states: New 4, Scoping 1, Blocked 1")
    func phaseGolemStates() throws {
        let items = try Self.active(Fixtures.phaseGolemStore)
        let states = Dictionary(grouping: items, by: \.pgStatus).mapValues(\.count)
        #expect(states == [.new: 4, .scoping: 1, .blocked: 1])
        let scoping = try #require(items.first { $0.pgStatus == .scoping })
        #expect(scoping.id == "tg-ffd7b")
        #expect(scoping.phase == "research")
        #expect(scoping.phasePool == .pre)
        #expect(scoping.pipelineType == "feature")
        #expect(scoping.assessments == Assessments(size: .medium, complexity: .medium, risk: .medium, impact: .medium))
        #expect(items.allSatisfy { $0.phaseGolemWarnings().isEmpty })
    }

    @Test("The 0.3 store's items read as New or InProgress (no x-pg keys)")
    func taskGolemStates() throws {
        let items = try Self.active(Fixtures.taskGolemStore)
        let states = Dictionary(grouping: items, by: \.pgStatus).mapValues(\.count)
        #expect(states == [.new: 14, .inProgress: 3])
        #expect(items.allSatisfy { $0.phase == nil && $0.size == nil })
    }
}
