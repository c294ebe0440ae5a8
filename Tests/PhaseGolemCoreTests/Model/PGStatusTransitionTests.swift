import Testing
@testable import PhaseGolemCore

/// The lifecycle's allowed moves (docs/compatibility.md#items-and-statuses) and the TransitionStatus update.
@Suite("PG status transitions")
struct PGStatusTransitionTests {
    /// The spec's list, written out: forward New→Scoping→Ready→InProgress→Done;
    /// New/Scoping/Ready/InProgress → Blocked; Blocked → New/Scoping/Ready/InProgress.
    static let allowed: Set<String> = [
        "new>scoping", "scoping>ready", "ready>in_progress", "in_progress>done",
        "new>blocked", "scoping>blocked", "ready>blocked", "in_progress>blocked",
        "blocked>new", "blocked>scoping", "blocked>ready", "blocked>in_progress",
    ]

    static let allPairs: [(PGStatus, PGStatus)] = PGStatus.allCases.flatMap { from in
        PGStatus.allCases.map { (from, $0) }
    }

    /// An item in `status`, built the way the store would hold it.
    static func item(in status: PGStatus) throws -> StoreItem {
        var item = try parseItem(itemLine(id: "WRK-a1b2c"))
        if status == .blocked {
            _ = item.block(reason: "setup", now: Timestamp(seconds: 0, nanoseconds: 0))
        } else {
            item.setPGStatus(status, now: Timestamp(seconds: 0, nanoseconds: 0))
        }
        // Re-read so the item carries a source line, like one loaded from disk.
        return try parseItem(item.canonicalLine(dialect: .v01))
    }

    @Test("All 36 pairs of canTransition match the spec", arguments: allPairs)
    func canTransition(from: PGStatus, to: PGStatus) {
        #expect(from.canTransition(to: to) == Self.allowed.contains("\(from.rawValue)>\(to.rawValue)"))
    }

    @Test("The spec's list has exactly 12 allowed moves, none of them identities")
    func tableShape() {
        #expect(Self.allPairs.count == 36)
        #expect(Self.allPairs.filter { $0.0.canTransition(to: $0.1) }.count == 12)
        #expect(PGStatus.allCases.allSatisfy { !$0.canTransition(to: $0) })
    }

    @Test("apply(.transitionStatus) applies allowed moves and skips forbidden ones with a warning", arguments: allPairs)
    func applyTransition(from: PGStatus, to: PGStatus) throws {
        var item = try Self.item(in: from)
        let before = item
        let warnings = item.apply(.transitionStatus(to), now: fixedNow)
        if Self.allowed.contains("\(from.rawValue)>\(to.rawValue)") {
            #expect(warnings.isEmpty)
            #expect(item.pgStatus == to)
            #expect(item.updatedAt == fixedNow)
        } else {
            #expect(warnings == ["Item WRK-a1b2c: invalid transition \(from.debugName) -> \(to.debugName), skipping"])
            #expect(item == before)
            #expect(!item.isModified, "a skipped transition must leave the item untouched")
        }
    }

    @Test("Exact warning text for Done -> New")
    func doneToNewWarning() throws {
        var item = try Self.item(in: .done)
        #expect(item.apply(.transitionStatus(.new), now: fixedNow)
            == ["Item WRK-a1b2c: invalid transition Done -> New, skipping"])
        #expect(item.pgStatus == .done)
    }

    @Test("Transition into Blocked records where from, without a reason")
    func transitionToBlocked() throws {
        var item = try Self.item(in: .ready)
        #expect(item.apply(.transitionStatus(.blocked), now: fixedNow).isEmpty)
        #expect(item.status == .blocked)
        #expect(item.extensionValue(ExtensionKey.blockedFromStatus) == .string("ready"))
        #expect(item.blockedFromStatus == .todo)
        #expect(item.blockedFromPGStatus == .ready)
        #expect(item.blockedReason == nil)
        #expect(item.extensionValue(ExtensionKey.status) == nil)
    }

    @Test("Transition out of Blocked clears every block field")
    func transitionOutOfBlocked() throws {
        var item = try Self.item(in: .blocked)
        item.setExtension(ExtensionKey.blockedType, .string("decision"))
        item.setExtension(ExtensionKey.unblockContext, .string("old notes"))
        item.setExtension(ExtensionKey.lastPhaseCommit, .string("abc"))
        #expect(item.blockedReason == "setup")
        #expect(item.apply(.transitionStatus(.ready), now: fixedNow).isEmpty)
        #expect(item.pgStatus == .ready)
        #expect(item.blockedReason == nil)
        #expect(item.blockedFromStatus == nil)
        for key in [ExtensionKey.blockedFromStatus, ExtensionKey.blockedType, ExtensionKey.unblockContext] {
            #expect(item.extensionValue(key) == nil, "\(key)")
        }
        #expect(item.lastPhaseCommit == "abc")
    }

    @Test("The other updates set and clear their keys and bump updated_at")
    func otherUpdates() throws {
        var item = try Self.item(in: .inProgress)
        item.apply(.setPhase("build"), now: fixedNow)
        item.apply(.setPhasePool(.main), now: fixedNow)
        item.apply(.setPipelineType("feature"), now: fixedNow)
        item.apply(.setLastPhaseCommit("abc123def"), now: fixedNow)
        #expect(item.phase == "build")
        #expect(item.phasePool == .main)
        #expect(item.pipelineType == "feature")
        #expect(item.lastPhaseCommit == "abc123def")
        #expect(item.canonicalLine(dialect: .v01).hasSuffix(
            ",\"x-pg-last-phase-commit\":\"abc123def\",\"x-pg-phase\":\"build\",\"x-pg-phase-pool\":\"main\",\"x-pg-pipeline-type\":\"feature\"}"))
        let later = Timestamp(seconds: 1_900_000_000, nanoseconds: 0)
        item.apply(.clearPhase, now: later)
        #expect(item.phase == nil)
        #expect(item.phasePool == nil)
        #expect(item.updatedAt == later)
    }
}
