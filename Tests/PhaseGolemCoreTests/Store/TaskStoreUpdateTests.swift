import Foundation
import Testing
@testable import PhaseGolemCore

/// Locked read-modify-write of the store (docs/store-format.md#concurrent-writers).
@Suite("TaskStore.update")
struct TaskStoreUpdateTests {
    static func files(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    @Test("A modification is written by atomic rename and reads back equal")
    func modificationIsSaved() throws {
        let scratch = try TemporaryStore(copying: Fixtures.phaseGolemStore)
        let before = try fileIdentity(scratch.activePath)
        let expected = try scratch.store.update { transaction -> [StoreItem] in
            try transaction.modify("tg-17988") { item in
                item.setPGStatus(.scoping, now: fixedNow)
                item.setPhase("research", now: fixedNow)
            }
            return transaction.items
        }
        let after = try fileIdentity(scratch.activePath)
        #expect(after.inode != before.inode, "tasks.jsonl must be replaced by rename, not rewritten in place")
        let reread = try scratch.store.loadActive()
        #expect(reread.items == expected)
        let item = try #require(reread.items.first { $0.id == "tg-17988" })
        #expect(item.pgStatus == .scoping)
        #expect(item.phase == "research")
        #expect(item.updatedAt == fixedNow)
        // No temporary file is left behind.
        #expect(try Self.files(in: scratch.store.directory) == ["archive.jsonl", "tasks.jsonl", "tasks.lock"])
    }

    @Test("A rewrite keeps the file's permission bits")
    func modeIsKept() throws {
        let scratch = try TemporaryStore(copying: Fixtures.phaseGolemStore)
        #expect(chmod(scratch.activePath, 0o640) == 0)
        try scratch.store.update { try $0.modify("tg-17988") { $0.title = "x" } }
        var info = stat()
        #expect(stat(scratch.activePath, &info) == 0)
        #expect(info.st_mode & 0o7777 == 0o640)
    }

    @Test("A no-op update does not rewrite the file", arguments: [false, true])
    func noOpDoesNotWrite(readsItems: Bool) throws {
        let scratch = try TemporaryStore(copying: Fixtures.taskGolemStore)
        let bytes = try scratch.read(scratch.activePath)
        let before = try fileIdentity(scratch.activePath)
        usleep(20_000) // so that a rewrite would show in the mtime as well
        let count = try scratch.store.update { transaction -> Int in
            if readsItems {
                _ = try transaction.item("tg-1rh14")
                _ = transaction.index(of: "tg-22mxj")
                _ = transaction.hasActiveChanges
            }
            return transaction.items.count
        }
        #expect(count == 17)
        let after = try fileIdentity(scratch.activePath)
        #expect(after.inode == before.inode)
        #expect(after.mtimeNanoseconds == before.mtimeNanoseconds)
        #expect(try scratch.read(scratch.activePath) == bytes)
    }

    @Test("Setting an extension to its current value is not a change")
    func sameExtensionValueIsNoChange() throws {
        let scratch = try TemporaryStore(copying: Fixtures.phaseGolemStore)
        let before = try fileIdentity(scratch.activePath)
        try scratch.store.update { transaction in
            try transaction.modify("tg-ffd7b") { item in
                item.setExtension(ExtensionKey.size, .string("medium"))
                item.setExtension("x-absent", nil)
            }
            #expect(!transaction.hasActiveChanges)
        }
        #expect(try fileIdentity(scratch.activePath).inode == before.inode)
    }

    @Test("A throwing body writes nothing, archive included")
    func throwingBodyWritesNothing() throws {
        struct Abort: Error {}
        let scratch = try TemporaryStore(copying: Fixtures.phaseGolemStore)
        let active = try scratch.read(scratch.activePath)
        let archive = try scratch.read(scratch.archivePath)
        let before = try fileIdentity(scratch.activePath)
        #expect(throws: Abort.self) {
            try scratch.store.update { transaction in
                try transaction.modify("tg-17988") { $0.title = "changed" }
                try transaction.archive("tg-ffd7b")
                transaction.items.append(StoreItem(id: "tg-00000", title: "new", now: fixedNow))
                throw Abort()
            }
        }
        #expect(try scratch.read(scratch.activePath) == active)
        #expect(try scratch.read(scratch.archivePath) == archive)
        #expect(try fileIdentity(scratch.activePath).inode == before.inode)
    }

    @Test("Duplicate ids are refused and nothing is written")
    func duplicateIDsRefused() throws {
        let scratch = try TemporaryStore(copying: Fixtures.phaseGolemStore)
        let active = try scratch.read(scratch.activePath)
        #expect(throws: StoreError.self) {
            try scratch.store.update { transaction in
                transaction.items.append(StoreItem(id: "tg-17988", title: "dup", now: fixedNow))
            }
        }
        #expect(try scratch.read(scratch.activePath) == active)
    }

    @Test("Items are written sorted by id bytes")
    func sortedOutput() throws {
        let scratch = try TemporaryStore()
        try scratch.store.update { transaction in
            for id in ["tg-b", "HAMY-z", "tg-a", "TG-c", "tg-B"] {
                transaction.items.append(StoreItem(id: id, title: id, now: fixedNow))
            }
        }
        let ids = try scratch.store.loadActive().items.map(\.id)
        #expect(ids == ["HAMY-z", "TG-c", "tg-B", "tg-a", "tg-b"])
        let lines = splitLines(try scratch.read(scratch.activePath))
        #expect(lines.first == StoreFileFormat.header)
    }

    // MARK: Archive

    static func archivedSourceLine(_ id: String) throws -> [UInt8] {
        let bytes = try Fixtures.bytes("\(Fixtures.phaseGolemStore)/tasks.jsonl")
        return try #require(splitLines(bytes).first { text($0).hasPrefix("{\"id\":\"\(id)\"") })
    }

    enum ArchiveStart: String, CaseIterable {
        case missing, empty, headerOnly, fixture, noFinalNewline
    }

    @Test("archive() appends the item to archive.jsonl and removes it from active", arguments: ArchiveStart.allCases)
    func archiveAppends(start: ArchiveStart) throws {
        let scratch = try TemporaryStore(copying: Fixtures.phaseGolemStore)
        let header = text(StoreFileFormat.header) + "\n"
        let fixtureArchive = try scratch.read(scratch.archivePath)
        var existing: [UInt8]
        switch start {
        case .missing:
            try FileManager.default.removeItem(atPath: scratch.archivePath)
            existing = []
        case .empty:
            existing = []
        case .headerOnly:
            existing = utf8(header)
        case .fixture:
            existing = fixtureArchive
        case .noFinalNewline:
            existing = Array(fixtureArchive.dropLast())
        }
        if start != .missing { try scratch.write(scratch.archivePath, existing) }

        let archived = try scratch.store.update { try $0.archive("tg-a67be") }
        #expect(archived.id == "tg-a67be")

        let line = try Self.archivedSourceLine("tg-a67be") + [0x0A]
        let expected: [UInt8]
        switch start {
        case .missing, .empty: expected = utf8(header) + line
        case .headerOnly, .fixture: expected = existing + line
        case .noFinalNewline: expected = existing + [0x0A] + line
        }
        #expect(try scratch.read(scratch.archivePath) == expected)
        let active = try scratch.store.loadActive().items.map(\.id)
        #expect(active == ["HAMY-5c0f8", "HAMY-958ba", "HAMY-c0ff6", "tg-17988", "tg-ffd7b"])
        let archive = try scratch.store.loadArchive()
        #expect(archive.warnings.isEmpty)
        #expect(archive.items.last?.id == "tg-a67be")
    }

    @Test("A modified archived item is appended in canonical form, in the store's dialect")
    func archiveModifiedItemInV02() throws {
        let scratch = try TemporaryStore(copying: Fixtures.taskGolemStore)
        try scratch.store.update { transaction in
            try transaction.modify("tg-1rh14") { item in
                item.status = .done
                item.touch(fixedNow)
            }
            try transaction.archive("tg-1rh14")
        }
        let lines = splitLines(try scratch.read(scratch.archivePath)).map(text)
        #expect(lines.count == 2)
        #expect(lines[0] == "{\"schema_version\":1}")
        #expect(lines[1].hasPrefix("{\"id\":\"tg-1rh14\",\"title\":\"Add no-op detection to tg edit\",\"status\":\"done\""))
        #expect(lines[1].contains("\"updated_at\":\"2027-01-15T08:00:00.123Z\""))
        #expect(lines[1].contains("\"claimed_at\":null,\"parent\":null,\"x-complexity\":\"low\""))
        #expect(try scratch.store.loadActive().items.count == 16)
    }

    @Test("archive() of an unknown id is itemNotFound and writes nothing")
    func archiveUnknown() throws {
        let scratch = try TemporaryStore(copying: Fixtures.phaseGolemStore)
        let archive = try scratch.read(scratch.archivePath)
        #expect(throws: StoreError.itemNotFound("tg-nope0")) {
            try scratch.store.update { try $0.archive("tg-nope0") }
        }
        #expect(try scratch.read(scratch.archivePath) == archive)
    }

    // MARK: IDs

    @Test("generateID returns {prefix}-{5 lowercase hex} not among known ids")
    func generateIDFormat() throws {
        let scratch = try TemporaryStore(copying: Fixtures.phaseGolemStore)
        let hex = Set("0123456789abcdef")
        try scratch.store.update { transaction in
            let known = try transaction.knownIDs()
            var seenAllHexDigits = Set<Character>()
            for _ in 0..<300 {
                let id = try transaction.generateID(prefix: "HAMY")
                #expect(id.hasPrefix("HAMY-"))
                let suffix = id.dropFirst(5)
                #expect(suffix.count == 5)
                #expect(suffix.allSatisfy(hex.contains), "\(id)")
                #expect(!known.contains(id))
                seenAllHexDigits.formUnion(suffix)
            }
            // Random hex: all sixteen digits show up (fails if a digit can never be produced).
            #expect(seenAllHexDigits == hex)
        }
    }

    @Test("knownIDs is active ∪ archive, including items archived in the transaction")
    func knownIDsIncludesArchive() throws {
        let scratch = try TemporaryStore(copying: Fixtures.phaseGolemStore)
        try scratch.store.update { transaction in
            let all: Set<String> = ["HAMY-5c0f8", "HAMY-958ba", "HAMY-c0ff6", "tg-17988", "tg-a67be", "tg-ffd7b",
                                    "tg-8a8f7", "tg-5b1fc"]
            #expect(try transaction.knownIDs() == all)
            try transaction.archive("tg-17988")
            #expect(try transaction.knownIDs() == all)
        }
    }

    @Test("generateID gives up after 10 collisions")
    func generateIDExhaustion() throws {
        let scratch = try TemporaryStore()
        var everything = Set<String>()
        everything.reserveCapacity(1 << 20)
        let digits = Array("0123456789abcdef")
        for value in 0..<(1 << 20) {
            var suffix = ""
            for shift in stride(from: 16, through: 0, by: -4) { suffix.append(digits[(value >> shift) & 0xF]) }
            everything.insert("p-" + suffix)
        }
        #expect(throws: StoreError.idCollisionExhausted(attempts: 10)) {
            try scratch.store.update { transaction in
                _ = try transaction.generateID(prefix: "p", avoiding: everything)
            }
        }
    }

    // MARK: Failures

    @Test("A malformed tasks.jsonl makes update throw and leaves the file byte for byte")
    func malformedActiveIsUntouched() throws {
        let scratch = try TemporaryStore(copying: Fixtures.phaseGolemStore)
        var bytes = try scratch.read(scratch.activePath)
        bytes += utf8("{\"id\":\"tg-bad00\",\n")
        try scratch.write(scratch.activePath, bytes)
        let archive = try scratch.read(scratch.archivePath)
        var bodyRan = false
        let error = try #require(throws: StoreError.self) {
            try scratch.store.update { transaction in
                bodyRan = true
                try transaction.archive("tg-17988")
            }
        }
        guard case .corruption = error else {
            Issue.record("expected corruption, got \(error)")
            return
        }
        #expect(error.description.contains("line 8 of \(scratch.activePath)"))
        #expect(!bodyRan)
        #expect(try scratch.read(scratch.activePath) == bytes)
        #expect(try scratch.read(scratch.archivePath) == archive)
    }

    @Test("A missing .task-golem/ is notInitialized, pointing at phase-golem init")
    func requireInitialized() throws {
        let directory = try TemporaryDirectory("pg-noinit")
        let store = TaskStore(root: directory.path)
        for operation in [{ try store.requireInitialized() }, { _ = try store.loadActive() },
                          { _ = try store.loadArchive() }, { try store.update { _ in } }] as [() throws -> Void] {
            let error = try #require(throws: StoreError.self) { try operation() }
            guard case .notInitialized = error else {
                Issue.record("expected notInitialized, got \(error)")
                continue
            }
            #expect(error.description.contains("phase-golem init"))
            #expect(error.description.contains(directory.path + "/.task-golem"))
        }
        // Nothing was created.
        #expect(!FileManager.default.fileExists(atPath: directory.file(".task-golem")))
    }

    @Test("A .task-golem that is a file is not a store")
    func storeDirectoryIsAFile() throws {
        let directory = try TemporaryDirectory("pg-notdir")
        try Data().write(to: URL(fileURLWithPath: directory.file(".task-golem")))
        #expect(throws: StoreError.self) { try TaskStore(root: directory.path).requireInitialized() }
    }
}
