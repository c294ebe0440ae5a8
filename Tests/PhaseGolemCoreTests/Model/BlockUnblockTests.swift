import Testing
@testable import PhaseGolemCore

/// Blocking and unblocking (docs/compatibility.md#items-and-statuses, docs/store-format.md#phase-golems-keys).
@Suite("Block and unblock")
struct BlockUnblockTests {
    static let blockable: [(PGStatus, NativeStatus)] = [
        (.new, .todo), (.scoping, .todo), (.ready, .todo), (.inProgress, .doing),
    ]

    /// An item in `status` with a phase, a pool and a claim, as loaded from disk.
    static func item(in status: PGStatus) throws -> StoreItem {
        var item = try parseItem(itemLine(
            id: "WRK-a1b2c",
            extra: ",\"x-pg-phase\":\"build\",\"x-pg-phase-pool\":\"main\",\"x-pg-last-phase-commit\":\"abc\""))
        item.claimedBy = "agent-1"
        item.setPGStatus(status, now: Timestamp(seconds: 0, nanoseconds: 0))
        return try parseItem(item.canonicalLine(dialect: .v01))
    }

    @Test("Block records the full and the lossy pre-block status and keeps phase, pool and claims", arguments: blockable)
    func block(from status: PGStatus, native: NativeStatus) throws {
        var item = try Self.item(in: status)
        #expect(item.apply(.setBlocked("need API key"), now: fixedNow).isEmpty)
        #expect(item.status == .blocked)
        #expect(item.pgStatus == .blocked)
        #expect(item.extensionValue(ExtensionKey.blockedFromStatus) == .string(status.rawValue))
        #expect(item.blockedFromStatus == native)
        #expect(item.blockedFromPGStatus == status)
        #expect(item.blockedReason == "need API key")
        #expect(item.extensionValue(ExtensionKey.status) == nil)
        #expect(item.phase == "build")
        #expect(item.phasePool == .main)
        #expect(item.claimedBy == "agent-1")
        #expect(item.updatedAt == fixedNow)
        let line = item.canonicalLine(dialect: .v01)
        #expect(line.contains("\"blocked_reason\":\"need API key\",\"blocked_from_status\":\"\(native.rawValue)\""))
        #expect(line.contains("\"x-pg-blocked-from-status\":\"\(status.rawValue)\""))
    }

    @Test("Block from Done or Blocked is skipped with a warning", arguments: [PGStatus.done, .blocked])
    func blockSkipped(from status: PGStatus) throws {
        var item = try Self.item(in: status)
        let before = item
        #expect(item.block(reason: "again", now: fixedNow) == ["Item WRK-a1b2c: cannot block from \(status.debugName), skipping"])
        #expect(item == before)
        #expect(!item.isModified)
    }

    @Test("Exact warning for a blocked Done item")
    func blockDoneWarningText() throws {
        var item = try Self.item(in: .done)
        #expect(item.apply(.setBlocked("x"), now: fixedNow) == ["Item WRK-a1b2c: cannot block from Done, skipping"])
    }

    @Test("Unblock restores the full-fidelity status and clears every block field", arguments: blockable)
    func unblock(from status: PGStatus, native: NativeStatus) throws {
        var item = try Self.item(in: status)
        _ = item.block(reason: "why", now: fixedNow)
        item.setExtension(ExtensionKey.blockedType, .string("clarification"))
        item.setExtension(ExtensionKey.unblockContext, .string("earlier notes"))
        let later = Timestamp(seconds: 1_900_000_000, nanoseconds: 0)
        let result = item.unblock(context: nil, now: later)
        #expect(result.restored == status)
        #expect(result.warnings.isEmpty)
        #expect(item.pgStatus == status)
        #expect(item.status == native)
        #expect(item.blockedReason == nil)
        #expect(item.blockedFromStatus == nil)
        for key in [ExtensionKey.blockedFromStatus, ExtensionKey.blockedType, ExtensionKey.unblockContext] {
            #expect(item.extensionValue(key) == nil, "\(key)")
        }
        #expect(item.lastPhaseCommit == "abc", "a plain unblock keeps the staleness anchor")
        #expect(item.phase == "build")
        #expect(item.updatedAt == later)
    }

    @Test("Unblock with notes sets the context and, on request, forgets the last phase commit")
    func unblockWithContext() throws {
        var item = try Self.item(in: .ready)
        _ = item.block(reason: "why", now: fixedNow)
        item.setExtension(ExtensionKey.unblockContext, .string("stale"))
        let result = item.unblock(context: "use the sandbox key", resetPhaseCommit: true, now: fixedNow)
        #expect(result.restored == .ready)
        #expect(item.unblockContext == "use the sandbox key")
        #expect(item.lastPhaseCommit == nil)
        #expect(item.extensionValue(ExtensionKey.lastPhaseCommit) == nil)
    }

    @Test("apply(.unblock) is the plain unblock")
    func applyUnblock() throws {
        var item = try Self.item(in: .inProgress)
        _ = item.block(reason: "why", now: fixedNow)
        #expect(item.apply(.unblock, now: fixedNow).isEmpty)
        #expect(item.pgStatus == .inProgress)
        #expect(item.lastPhaseCommit == "abc")
        #expect(item.unblockContext == nil)
    }

    @Test("Unblock with native blocked_from_status null restores New; the stale extension is ignored")
    func unblockStaleExtension() throws {
        var item = try parseItem(itemLine(id: "WRK-a1b2c", status: "blocked",
                                          extra: ",\"x-pg-blocked-from-status\":\"in_progress\""))
        #expect(item.blockedFromPGStatus == nil)
        // The original's words.
        let stale = "Item WRK-a1b2c: x-pg-blocked-from-status extension is stale (native field cleared), treating as absent"
        #expect(item.phaseGolemWarnings() == [stale])
        let result = item.unblock(context: nil, now: fixedNow)
        #expect(result.restored == .new)
        #expect(result.warnings == [stale])
        #expect(item.pgStatus == .new)
        #expect(item.status == .todo)
        #expect(item.extensionValue(ExtensionKey.blockedFromStatus) == nil)
    }

    @Test("Unblock with an unreadable blocked-from value restores New and says so, as the original does")
    func unblockInvalidExtension() throws {
        var item = try parseItem(itemLine(id: "WRK-a1b2c", status: "blocked", extra: ",\"x-pg-blocked-from-status\":\"done\"")
            .replacingOccurrences(of: "\"blocked_from_status\":null", with: "\"blocked_from_status\":\"todo\""))
        let result = item.unblock(context: nil, now: fixedNow)
        #expect(result.restored == .new)
        #expect(result.warnings == ["Item WRK-a1b2c: invalid x-pg-blocked-from-status value 'done', treating as absent"])
    }

    @Test("Unblock without the extension but with a native value restores New")
    func unblockWithoutExtension() throws {
        var item = try parseItem(itemLine(id: "WRK-a1b2c", status: "blocked")
            .replacingOccurrences(of: "\"blocked_from_status\":null", with: "\"blocked_from_status\":\"doing\""))
        #expect(item.unblock(context: nil, now: fixedNow).restored == .new)
        #expect(item.pgStatus == .new)
    }

    @Test("An invalid extension value restores New", arguments: ["\"done\"", "\"blocked\"", "\"invalid_status\"", "3"])
    func unblockInvalidExtension(value: String) throws {
        var item = try parseItem(itemLine(id: "WRK-a1b2c", status: "blocked", extra: ",\"x-pg-blocked-from-status\":\(value)")
            .replacingOccurrences(of: "\"blocked_from_status\":null", with: "\"blocked_from_status\":\"todo\""))
        #expect(item.blockedFromPGStatus == nil)
        #expect(item.unblock(context: nil, now: fixedNow).restored == .new)
    }

    @Test("Unblocking an item that is not blocked is skipped with a warning")
    func unblockNotBlocked() throws {
        var item = try Self.item(in: .inProgress)
        let before = item
        let result = item.unblock(context: "x", now: fixedNow)
        #expect(result.restored == nil)
        #expect(result.warnings == ["Item WRK-a1b2c: cannot unblock, not blocked (status: InProgress), skipping"])
        #expect(item == before)
        #expect(item.apply(.unblock, now: fixedNow) == result.warnings)
    }
}
