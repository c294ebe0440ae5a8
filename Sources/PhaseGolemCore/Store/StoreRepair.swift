#if canImport(Glibc)
import Glibc
#endif

/// Heals what an interrupted writer can leave in `.task-golem/` (docs/store-format.md#files, docs/store-format.md#concurrent-writers).
///
/// Both repairs run under `tasks.lock`. Every writer, task-golem's included, holds that lock
/// while its temporary file exists and between its archive append and its rewrite of
/// `tasks.jsonl`, so whatever is found while holding it belongs to a writer that died.
public enum StoreRepair {
    /// Removes leftover temporary files, and settles items left in both the active list and the
    /// archive. Returns one message per repair, for the run's log.
    ///
    /// An archive append comes before the rewrite of `tasks.jsonl` in the same transaction, so an
    /// item in both files means the rewrite never happened. Its other changes (follow-ups, the
    /// transition) are lost with it, so the archive copy is taken back and the transaction is
    /// undone as a whole: the phase runs again. Only an item already `done` in the active list
    /// (phase-golem 0.1's two-step archive) is rolled forward instead, as `tg doctor --fix` does.
    public static func repair(_ store: TaskStore) throws -> [String] {
        var cache: CachedContents?
        return try repair(store, cache: &cache)
    }

    /// `repair` that leaves the parse of `tasks.jsonl` in `cache`, so the run's next read of an
    /// unchanged file costs nothing.
    public static func repair(_ store: TaskStore, cache: inout CachedContents?) throws -> [String] {
        guard FileIO.isDirectory(store.directory) else { return [] }
        return try store.update(cache: &cache) { transaction in
            var messages = removeTemporaryFiles(in: store.directory)
            let activeIDs = Set(transaction.items.map(\.id))
            // The archive is only worth reading when something can be in both.
            guard !activeIDs.isEmpty, FileIO.exists(store.archivePath),
                  tailMayHoldActiveItems(store.archivePath, activeIDs: activeIDs) else { return messages }
            let both = activeIDs.intersection(try store.loadArchive().items.map(\.id))
            guard !both.isEmpty else { return messages }
            let finished = Set(transaction.items.filter { both.contains($0.id) && $0.status == .done }.map(\.id))
            transaction.items.removeAll { finished.contains($0.id) }
            for id in finished.sorted() {
                messages.append("Removed \(id) from tasks.jsonl: it is done and already in archive.jsonl (an archive that was interrupted)")
            }
            let undone = both.subtracting(finished)
            if !undone.isEmpty {
                try removeFromArchive(undone, store: store)
                for id in undone.sorted() {
                    messages.append("Removed \(id) from archive.jsonl: the change that archived it was interrupted before "
                        + "tasks.jsonl was written, so it is undone and the item stays active")
                }
            }
            return messages
        }
    }

    /// Whether the archive's last lines could belong to an interrupted archive: every run starts
    /// here, and a large archive should not be read whole to find out it is fine.
    ///
    /// Appends only add at the end, so an interrupted transaction's lines are among the last
    /// ones: only other writers' archives (tg's `done`) can come after them before this run.
    /// The last `window` bytes (about 800 items) are checked line by line; when none names an
    /// active item, nothing older is taken to (that would take hundreds of archives between a
    /// crash and the restart). A torn last line is skipped, as every reader does.
    static func tailMayHoldActiveItems(_ path: String, activeIDs: Set<String>, window: Int = 1 << 20) -> Bool {
        guard let tail = FileIO.readTail(path, maxBytes: window) else { return true }
        var bytes = tail.bytes[...]
        // A partial first line (the window cut it) cannot be read: start after it.
        if !tail.isWholeFile {
            guard let firstBreak = bytes.firstIndex(of: 0x0A) else { return true }
            bytes = bytes[(firstBreak + 1)...]
        }
        for line in bytes.split(separator: 0x0A) {
            if let item = try? StoreItem.parse(line: line), activeIDs.contains(item.id) { return true }
        }
        return false
    }

    /// Rewrites the archive without the lines of `ids`; every other line is kept byte for byte,
    /// even one this version cannot read.
    private static func removeFromArchive(_ ids: Set<String>, store: TaskStore) throws {
        guard let bytes = try FileIO.read(store.archivePath) else { return }
        var kept: [UInt8] = []
        kept.reserveCapacity(bytes.count)
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.endIndex
            let line = bytes[start..<end]
            let next = end < bytes.endIndex ? end + 1 : end
            if let item = try? StoreItem.parse(line: line), ids.contains(item.id) {
                start = next
                continue
            }
            kept += bytes[start..<next]
            start = next
        }
        do {
            try FileIO.writeAtomically(store.archivePath, chunks: [kept])
        } catch {
            throw StoreError.io(error.description + " (archive.jsonl is unchanged)")
        }
    }

    /// `.tmp` and six letters or digits: the temporary files of an atomic rewrite (ours and task-golem's).
    static func isTemporaryName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count == 10, bytes.starts(with: Array(".tmp".utf8)) else { return false }
        return bytes.dropFirst(4).allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        }
    }

    private static func removeTemporaryFiles(in directory: String) -> [String] {
        var messages: [String] = []
        for name in (try? FileIO.entryNames(directory)) ?? [] where isTemporaryName(name) {
            let path = FileIO.join(directory, name)
            guard FileIO.isRegularFile(path) else { continue }
            if unlink(path) == 0 {
                messages.append("Removed \(path), a temporary file left by an interrupted store write")
            } else {
                messages.append("Warning: could not remove \(path), a temporary file left by an interrupted store write: "
                    + String(cString: strerror(errno)))
            }
        }
        return messages
    }
}
