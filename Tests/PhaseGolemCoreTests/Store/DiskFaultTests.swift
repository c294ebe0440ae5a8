import Foundation
import Testing
@testable import PhaseGolemCore

/// Store transactions on a disk that fills up or fails mid-write (the `WriteFaults` seam):
/// every failed write leaves `tasks.jsonl` and `archive.jsonl` byte for byte as they were, no
/// temporary file behind, and an error that names the file, the cause and the fix.
///
/// A torn archive line left by a crash (not a failed write) is healed by the next append:
/// `TaskStoreUpdateTests.archiveAppends(.noFinalNewline)`.
@Suite("Store: disk faults")
struct DiskFaultTests {
    /// The store's files before and after, and what the failure said.
    struct Outcome {
        var error: StoreError?
        var failedWrites: Int
    }

    static func snapshot(_ scratch: TemporaryStore) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: scratch.store.directory) {
            files[name] = try scratch.read(scratch.store.directory + "/" + name)
        }
        return files
    }

    /// Runs `body` as one store transaction on a disk with `bytesFree` bytes left.
    static func transaction(_ scratch: TemporaryStore, bytesFree: Int, errno code: Int32 = ENOSPC,
                            _ body: @escaping (inout StoreTransaction) throws -> Void) -> Outcome {
        let plan = WriteFaults.Plan(directory: scratch.store.directory, bytesFree: bytesFree, errno: code)
        let (error, failures) = WriteFaults.run(plan) { () -> StoreError? in
            do {
                try scratch.store.update(body)
                return nil
            } catch let error as StoreError {
                return error
            } catch {
                return .io("unexpected error type: \(error)")
            }
        }
        return Outcome(error: error, failedWrites: failures)
    }

    /// A status change plus an archived item: both files are written.
    static func archiveAndModify(_ transaction: inout StoreTransaction) throws {
        try transaction.modify("tg-17988") { $0.title = "Renamed on a full disk" }
        try transaction.archive("tg-a67be")
    }

    @Test("a rewrite that fails after a partial write leaves the old tasks.jsonl and no temp file")
    func rewriteFails() throws {
        let scratch = try TemporaryStore(copying: Fixtures.phaseGolemStore)
        try scratch.store.update { _ in }  // creates tasks.lock, so the snapshot holds every file
        let before = try Self.snapshot(scratch)
        let size = try #require(before["tasks.jsonl"]).count
        let outcome = Self.transaction(scratch, bytesFree: size / 2) { try $0.modify("tg-17988") { $0.title = "x" } }
        let error = try #require(outcome.error)
        #expect(outcome.failedWrites == 1)
        #expect(error.description == "Failed to write \(scratch.activePath): No space left on device "
            + "(the previous tasks.jsonl is unchanged). Free some space on that file system, then run again")
        #expect(try Self.snapshot(scratch) == before)
    }

    @Test("an archive append cut short is rolled back: no torn line, active file untouched")
    func archiveAppendFails() throws {
        let scratch = try TemporaryStore(copying: Fixtures.phaseGolemStore)
        try scratch.store.update { _ in }
        let before = try Self.snapshot(scratch)
        let outcome = Self.transaction(scratch, bytesFree: 40, errno: EIO, Self.archiveAndModify)
        let error = try #require(outcome.error)
        #expect(error.description == "Failed to write \(scratch.archivePath): Input/output error "
            + "(archive.jsonl is unchanged; so is tasks.jsonl). The device reported an I/O error: check the disk (`dmesg`), then run again")
        #expect(try Self.snapshot(scratch) == before)
        #expect(try scratch.store.loadArchive().warnings.isEmpty)
    }

    @Test("an archive append that succeeds before the rewrite fails is undone")
    func rewriteFailsAfterArchive() throws {
        let scratch = try TemporaryStore(copying: Fixtures.phaseGolemStore)
        try scratch.store.update { _ in }
        let before = try Self.snapshot(scratch)
        let outcome = Self.transaction(scratch, bytesFree: 4096, Self.archiveAndModify)
        let error = try #require(outcome.error)
        #expect(error.description.hasPrefix("Failed to write \(scratch.activePath): No space left on device "
            + "(the previous tasks.jsonl is unchanged, and so is archive.jsonl)"))
        #expect(try Self.snapshot(scratch) == before)
    }

    @Test("a missing archive created by a failed transaction is removed again")
    func createdArchiveRemoved() throws {
        let scratch = try TemporaryStore(copying: Fixtures.phaseGolemStore)
        try FileManager.default.removeItem(atPath: scratch.archivePath)
        try scratch.store.update { _ in }
        let before = try Self.snapshot(scratch)
        for budget in [10, 4096] {
            #expect(Self.transaction(scratch, bytesFree: budget, Self.archiveAndModify).error != nil)
            #expect(try Self.snapshot(scratch) == before)
        }
    }

    /// Every budget from an empty disk to one byte short, for both failure kinds.
    @Test("sweep: every byte budget short of enough leaves the store intact")
    func sweep() throws {
        let scratch = try TemporaryStore(copying: Fixtures.phaseGolemStore)
        try scratch.store.update { _ in }
        let before = try Self.snapshot(scratch)
        // Measure what the transaction writes on a healthy disk, in a copy.
        let probe = try TemporaryStore(copying: Fixtures.phaseGolemStore)
        try probe.store.update(Self.archiveAndModify)
        let archiveGrowth = try probe.read(probe.archivePath).count - before["archive.jsonl", default: []].count
        let needed = archiveGrowth + (try probe.read(probe.activePath).count)
        var failures = 0
        var budgets = 0
        var problems = 0
        for code in [ENOSPC, EIO] {
            for budget in stride(from: 0, to: needed, by: 97) {
                let outcome = Self.transaction(scratch, bytesFree: budget, errno: code, Self.archiveAndModify)
                budgets += 1
                failures += outcome.failedWrites
                let message = outcome.error?.description ?? "no error"
                let named = message.contains(String(cString: strerror(code)))
                let intact = try Self.snapshot(scratch) == before
                if !named || !intact { problems += 1 }
                #expect(named, "budget \(budget): \(message)")
                #expect(intact, "budget \(budget), errno \(code)")
            }
        }
        // One byte short still fails; exactly enough succeeds.
        let shortFails = Self.transaction(scratch, bytesFree: needed - 1, Self.archiveAndModify).error != nil
        let shortIntact = try Self.snapshot(scratch) == before
        let enoughSucceeds = Self.transaction(scratch, bytesFree: needed, Self.archiveAndModify).error == nil
        let enoughWritten = try scratch.read(scratch.activePath) == probe.read(probe.activePath)
        #expect(shortFails)
        #expect(shortIntact)
        #expect(enoughSucceeds)
        #expect(enoughWritten)
        #expect(failures >= budgets)
        guard problems == 0, shortFails, shortIntact, enoughSucceeds, enoughWritten, failures >= budgets else { return }
        print("disk-full: store intact after \(failures) failed writes (\(budgets) byte budgets of 0–\(needed - 1), ENOSPC and EIO)")
    }

    @Test("the seam only touches its own directory")
    func seamIsScoped() throws {
        let scratch = try TemporaryStore(copying: Fixtures.phaseGolemStore)
        let other = try TemporaryDirectory("pg-other")
        let (_, failures) = try WriteFaults.run(.init(directory: scratch.store.directory, bytesFree: 0)) {
            try FileIO.writeAtomically(other.file("file"), chunks: [Array("fine".utf8)])
        }
        #expect(failures == 0)
        #expect(try FileIO.readText(other.file("file")) == "fine")
    }
}
