import Foundation
import Testing
@testable import PhaseGolemCore

/// What an interrupted writer leaves in `.task-golem/`, and how a run's startup settles it.
@Suite("store repair after an interrupted write")
struct StoreRepairTests {
    static let header = "{\"schema_version\":1}\n"

    @Test("leftover .tmpXXXXXX files are removed; other files stay")
    func temporaryFiles() throws {
        let fixture = try TemporaryStore()
        try fixture.write(fixture.activePath, Self.header + itemLine(id: "WRK-00001") + "\n")
        let directory = fixture.store.directory
        for name in [".tmpAb12Cd", ".tmpxyz", "cache.db.tmp-123", ".tmpAb12Cd9", "notes.tmp"] {
            try fixture.write(directory + "/" + name, "partial")
        }
        let before = try fixture.read(fixture.activePath)
        let messages = try StoreRepair.repair(fixture.store)
        #expect(messages == ["Removed \(directory)/.tmpAb12Cd, a temporary file left by an interrupted store write"])
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: directory))
        #expect(names == ["tasks.jsonl", "tasks.lock", ".tmpxyz", "cache.db.tmp-123", ".tmpAb12Cd9", "notes.tmp"])
        #expect(try fixture.read(fixture.activePath) == before)
    }

    @Test("an item in both files whose archiving was interrupted is taken out of the archive, every other line kept")
    func interruptedArchiveIsUndone() throws {
        let fixture = try TemporaryStore()
        let active = Self.header + itemLine(id: "WRK-00001", status: "doing") + "\n" + itemLine(id: "WRK-00002") + "\n"
        try fixture.write(fixture.activePath, active)
        // An old archived item, a line this version cannot read, and the interrupted append.
        let old = itemLine(id: "WRK-00000", status: "done")
        let unreadable = "{\"id\":\"WRK-0000f\",\"from\":\"a newer task-golem\"}"
        try fixture.write(fixture.archivePath, Self.header + old + "\n" + unreadable + "\n" + itemLine(id: "WRK-00001", status: "done") + "\n")
        let activeIdentity = try fileIdentity(fixture.activePath)

        let messages = try StoreRepair.repair(fixture.store)

        #expect(messages.count == 1)
        #expect(messages.first?.hasPrefix("Removed WRK-00001 from archive.jsonl: the change that archived it was interrupted") == true)
        #expect(text(try fixture.read(fixture.archivePath)) == Self.header + old + "\n" + unreadable + "\n")
        #expect(text(try fixture.read(fixture.activePath)) == active)
        // The active file was not rewritten.
        #expect(try fileIdentity(fixture.activePath) == activeIdentity)
    }

    @Test("an item already done in the active list and archived is removed from the active list")
    func finishedArchiveIsRolledForward() throws {
        let fixture = try TemporaryStore()
        try fixture.write(fixture.activePath, Self.header + itemLine(id: "WRK-00001", status: "done") + "\n" + itemLine(id: "WRK-00002") + "\n")
        let archive = Self.header + itemLine(id: "WRK-00001", status: "done") + "\n"
        try fixture.write(fixture.archivePath, archive)

        let messages = try StoreRepair.repair(fixture.store)

        #expect(messages == ["Removed WRK-00001 from tasks.jsonl: it is done and already in archive.jsonl (an archive that was interrupted)"])
        #expect(try fixture.store.loadActive().items.map(\.id) == ["WRK-00002"])
        #expect(text(try fixture.read(fixture.archivePath)) == archive)
    }

    @Test("a consistent store is left untouched")
    func noRepairNoWrite() throws {
        let fixture = try TemporaryStore(copying: Fixtures.phaseGolemStore)
        let active = try fileIdentity(fixture.activePath)
        let archive = try fileIdentity(fixture.archivePath)
        #expect(try StoreRepair.repair(fixture.store).isEmpty)
        #expect(try fileIdentity(fixture.activePath) == active)
        #expect(try fileIdentity(fixture.archivePath) == archive)
    }

    @Test("only the archive's tail is read to decide; an interrupted line with later archives after it is still found")
    func tailWindow() throws {
        let fixture = try TemporaryStore()
        var archive = Self.header
        for index in 0..<50 { archive += itemLine(id: String(format: "OLD-%05d", index), status: "done") + "\n" }
        // The interrupted append, then one tg `done` after it, then a torn append.
        archive += itemLine(id: "WRK-00001", status: "done") + "\n" + itemLine(id: "TG-00001", status: "done") + "\n{\"id\":\"WRK-0"
        try fixture.write(fixture.archivePath, archive)
        let path = fixture.archivePath
        #expect(StoreRepair.tailMayHoldActiveItems(path, activeIDs: ["WRK-00001"]))
        #expect(!StoreRepair.tailMayHoldActiveItems(path, activeIDs: ["WRK-00002"]))
        // A window that ends before the interrupted line does not see it: the documented bound.
        let tailBytes = itemLine(id: "TG-00001", status: "done").utf8.count + 20
        #expect(!StoreRepair.tailMayHoldActiveItems(path, activeIDs: ["OLD-00003"], window: tailBytes))
        #expect(StoreRepair.tailMayHoldActiveItems(path, activeIDs: ["OLD-00003"], window: 1 << 20))

        try fixture.write(fixture.activePath, Self.header + itemLine(id: "WRK-00001", status: "doing") + "\n")
        let messages = try StoreRepair.repair(fixture.store)
        #expect(messages.count == 1 && messages[0].hasPrefix("Removed WRK-00001 from archive.jsonl"))
        #expect(!text(try fixture.read(path)).contains("\"WRK-00001\""))
        #expect(text(try fixture.read(path)).hasSuffix(itemLine(id: "TG-00001", status: "done") + "\n{\"id\":\"WRK-0"))
    }
}
