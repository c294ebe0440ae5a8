/// The active items as read inside `tasks.lock`, and the changes to write when the lock is released.
public struct StoreTransaction {
    /// The active items, in file order. Mutate freely; only changes are written.
    public var items: [StoreItem]
    /// The dialect of `tasks.jsonl`, which every write keeps.
    public let dialect: StoreDialect
    let store: TaskStore
    private var originalIDs: [String]
    private var pendingArchive: [StoreItem] = []
    private var archiveIDs: Set<String>?

    init(store: TaskStore, contents: StoreFileFormat.Contents) {
        self.store = store
        self.items = contents.items
        self.dialect = contents.dialect
        self.originalIDs = contents.items.map(\.id)
    }

    /// The position of the item with this id.
    public func index(of id: String) -> Int? {
        items.firstIndex { $0.id == id }
    }

    /// The item with this id, or `ItemNotFound`.
    public func item(_ id: String) throws(StoreError) -> StoreItem {
        guard let index = index(of: id) else { throw .itemNotFound(id) }
        return items[index]
    }

    /// Mutates the item with this id in place.
    public mutating func modify<T>(_ id: String, _ body: (inout StoreItem) throws -> T) throws -> T {
        guard let index = index(of: id) else { throw StoreError.itemNotFound(id) }
        return try body(&items[index])
    }

    /// Removes the item from the active list and queues it for the archive.
    @discardableResult
    public mutating func archive(_ id: String) throws(StoreError) -> StoreItem {
        guard let index = index(of: id) else { throw .itemNotFound(id) }
        let item = items.remove(at: index)
        pendingArchive.append(item)
        archiveIDs?.insert(item.id)
        return item
    }

    /// Every id in the active list and the archive: new ids must avoid all of them.
    public mutating func knownIDs() throws(StoreError) -> Set<String> {
        if archiveIDs == nil {
            archiveIDs = Set(try store.loadArchive().items.map(\.id))
        }
        return Set(items.map(\.id)).union(archiveIDs ?? [])
    }

    /// A new `{prefix}-{5 lowercase hex}` id, checked against active and archived ids (10 tries).
    public mutating func generateID(prefix: String, avoiding extra: Set<String> = []) throws(StoreError) -> String {
        let known = try knownIDs().union(extra)
        for _ in 0..<10 {
            let candidate = IDGenerator.hexID(prefix: prefix)
            if !known.contains(candidate) { return candidate }
        }
        throw .idCollisionExhausted(attempts: 10)
    }

    /// Whether `tasks.jsonl` must be rewritten: an item changed, or the set or order of ids did.
    public var hasActiveChanges: Bool {
        if items.count != originalIDs.count { return true }
        for (item, id) in zip(items, originalIDs) where item.isModified || item.id != id {
            return true
        }
        return false
    }

    /// Writes pending changes now, still holding the lock (so the caller can commit them to git
    /// before another writer gets in). Later changes in the same transaction are written at its end.
    public mutating func commitNow() throws(StoreError) {
        try commit()
        for index in items.indices where items[index].isModified {
            var writer = JSONWriter()
            items[index].write(to: &writer, dialect: dialect)
            items[index].sourceLine = writer.bytes[...]
        }
        originalIDs = items.map(\.id)
    }

    /// Appends the archived items, then rewrites `tasks.jsonl`. If the rewrite fails, the
    /// archive is cut back to its old length, so a failed write leaves both files as they were
    /// (instead of an item in both, which docs/store-format.md#concurrent-writers allows after a crash).
    mutating func commit() throws(StoreError) {
        let ids = items.map(\.id)
        if hasActiveChanges, Set(ids).count != ids.count {
            throw .io("Refusing to write \(store.activePath): duplicate item ids would be stored")
        }
        var archiveLength: Int??
        if !pendingArchive.isEmpty {
            archiveLength = .some(try appendToArchive(pendingArchive))
            pendingArchive = []
        }
        guard hasActiveChanges else { return }
        let bytes = StoreFileFormat.serialize(items, dialect: dialect)
        do {
            try FileIO.writeAtomically(store.activePath, chunks: [bytes])
        } catch {
            var message = "\(error.summary) (the previous tasks.jsonl is unchanged"
            if let length = archiveLength {
                do {
                    try FileIO.restoreLength(store.archivePath, length)
                    message += ", and so is archive.jsonl"
                } catch let undo {
                    message += "; archive.jsonl already holds the archived items: \(undo.summary)"
                }
            }
            message += ")"
            if !error.remedy.isEmpty { message += ". " + error.remedy }
            throw .io(message)
        }
    }

    /// Appends the items (docs/store-format.md#concurrent-writers); returns the archive's length before, nil if it was missing.
    private func appendToArchive(_ archived: [StoreItem]) throws(StoreError) -> Int? {
        var writer = JSONWriter(capacity: archived.count * 1024 + 32)
        let path = store.archivePath
        let last = FileIO.lastByte(path)
        if last == nil {
            writer.appendRaw(StoreFileFormat.header)
            writer.appendRaw(CollectionOfOne(UInt8(0x0A)))
        } else if last != 0x0A {
            // A torn earlier append: finish its line so ours starts fresh.
            writer.appendRaw(CollectionOfOne(UInt8(0x0A)))
        }
        for item in archived {
            item.write(to: &writer, dialect: dialect)
            writer.appendRaw(CollectionOfOne(UInt8(0x0A)))
        }
        // Under the lock nobody else appends, so cutting back to this length undoes only ours.
        let before = FileIO.length(path)
        do {
            try FileIO.append(path, writer.bytes)
        } catch {
            var message = error.summary
            do {
                try FileIO.restoreLength(path, before)
                message += " (archive.jsonl is unchanged"
            } catch let undo {
                message += " (archive.jsonl may end in a torn line, which the next append completes: \(undo.summary)"
            }
            message += "; so is tasks.jsonl)"
            throw .io(error.remedy.isEmpty ? message : message + ". " + error.remedy)
        }
        return before
    }
}
