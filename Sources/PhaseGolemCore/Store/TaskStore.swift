/// The task-golem store under `{root}/.task-golem/`: lock-free reads, locked read-modify-writes.
public struct TaskStore: Sendable {
    /// The project root the store belongs to.
    public let root: String
    /// `{root}/.task-golem`.
    public let directory: String
    public let activePath: String
    public let archivePath: String
    public let lockPath: String
    /// How long a writer waits for `tasks.lock`.
    public var lockPolicy: StoreLock.Policy

    /// The store paths relative to the project root, as git stages them.
    public static let relativeStorePaths = [".task-golem/tasks.jsonl", ".task-golem/archive.jsonl"]

    public init(root: String, lockPolicy: StoreLock.Policy = .taskGolem) {
        self.root = root
        self.directory = FileIO.join(root, ".task-golem")
        self.activePath = FileIO.join(directory, "tasks.jsonl")
        self.archivePath = FileIO.join(directory, "archive.jsonl")
        self.lockPath = FileIO.join(directory, "tasks.lock")
        self.lockPolicy = lockPolicy
    }

    /// Fails unless `.task-golem/` exists, with the command that creates it.
    public func requireInitialized() throws(StoreError) {
        guard FileIO.isDirectory(directory) else {
            throw .notInitialized(
                "\(directory) does not exist. Run `phase-golem init` (or `tg init`) in the project root to create the store")
        }
    }

    /// Reads the active items without locking: `tasks.jsonl` only changes by rename, so one read is consistent.
    public func loadActive() throws(StoreError) -> StoreFileFormat.Contents {
        try requireInitialized()
        return try Self.readFile(activePath, strict: true)
    }

    /// Reads the archive leniently: bad lines are skipped with warnings (a torn append is normal).
    public func loadArchive() throws(StoreError) -> StoreFileFormat.Contents {
        try requireInitialized()
        return try Self.readFile(archivePath, strict: false)
    }

    static func readFile(_ path: String, strict: Bool) throws(StoreError) -> StoreFileFormat.Contents {
        let bytes: [UInt8]?
        do {
            bytes = try FileIO.read(path)
        } catch {
            throw .io(error.description)
        }
        guard let bytes else { return StoreFileFormat.Contents(items: [], dialect: .v01, warnings: []) }
        return try StoreFileFormat.parse(bytes, path: path, strict: strict)
    }

    /// Runs `body` on a fresh read of the active items while holding `tasks.lock`, then
    /// appends archived items and rewrites `tasks.jsonl` atomically — only if something changed.
    ///
    /// If `body` throws, nothing is written.
    public func update<T>(_ body: (inout StoreTransaction) throws -> T) throws -> T {
        var cache: CachedContents?
        return try update(cache: &cache, body)
    }

    /// Changes one item under `tasks.lock`, writes the file, then runs `then` still holding the lock
    /// (to commit the change before another writer gets in). Throws `itemNotFound` when no item has
    /// that id; if `change` throws, nothing is written.
    ///
    /// Every line is still checked (a malformed one fails the edit with its line number), but only
    /// the item's own line is parsed into an item: when the file is already in the form a rewrite
    /// produces (canonical header, sorted unique ids, plain line ends), the new file is the old
    /// bytes with that one line replaced, written from the bytes read. Any other file goes through
    /// the full transaction, which normalizes it exactly as before.
    public func editItem<T, R>(_ id: String, _ change: (inout StoreItem) throws -> T, then: (T) throws -> R) throws -> R {
        try requireInitialized()
        let lock = try StoreLock(path: lockPath, policy: lockPolicy)
        defer { withExtendedLifetime(lock) {} }
        let read: [UInt8]?
        do {
            read = try FileIO.read(activePath)
        } catch {
            throw StoreError.io(error.description)
        }
        let bytes = read ?? []
        if read != nil, let location = try SingleLineEdit.locate(id, in: bytes, path: activePath) {
            guard let line = location.line else { throw StoreError.itemNotFound(id) }
            var item = try bytes.withUnsafeBufferPointer { buffer throws(StoreError) in
                try StoreFileFormat.parseItem(UnsafeBufferPointer(rebasing: buffer[line]), lineNumber: location.lineNumber, path: activePath)
            }
            let value = try change(&item)
            if item.id == id {
                if item.isModified {
                    var writer = JSONWriter(capacity: line.count + 512)
                    item.write(to: &writer, dialect: location.dialect)
                    do {
                        try FileIO.writeAtomically(activePath, slices: [bytes[..<line.lowerBound], writer.bytes[...], bytes[line.upperBound...]])
                    } catch {
                        throw StoreTransaction.rewriteFailure(error, archiveNote: "")
                    }
                }
                return try then(value)
            }
            // A changed id can change the order: the full transaction sorts and checks it.
            var transaction = StoreTransaction(store: self, contents: try StoreFileFormat.parse(bytes, path: activePath, strict: true))
            guard let index = transaction.index(of: id) else { throw StoreError.itemNotFound(id) }
            transaction.items[index] = item
            try transaction.commitNow()
            return try then(value)
        }
        var transaction = StoreTransaction(store: self, contents: try StoreFileFormat.parse(bytes, path: activePath, strict: true))
        guard let index = transaction.index(of: id) else { throw StoreError.itemNotFound(id) }
        var item = transaction.items[index]
        let value = try change(&item)
        transaction.items[index] = item
        try transaction.commitNow()
        return try then(value)
    }

    /// `update` that reuses a parse of the file when its stamp shows it unchanged, and leaves the
    /// written state in `cache` for the next call (the run's coordinator keeps one).
    public func update<T>(cache: inout CachedContents?, _ body: (inout StoreTransaction) throws -> T) throws -> T {
        try requireInitialized()
        // Held until this scope ends; its deinit unlocks and closes.
        let lock = try StoreLock(path: lockPath, policy: lockPolicy)
        defer { withExtendedLifetime(lock) {} }
        let contents = try loadActive(cache: &cache)
        var transaction = StoreTransaction(store: self, contents: contents)
        let result = try body(&transaction)
        try transaction.commitNow()
        // Still inside the lock, so the file at the path is the version just written (or read).
        if let pin = FilePin(path: activePath), let stamp = pin.stamp {
            cache = CachedContents(pin: pin, stamp: stamp, contents: StoreFileFormat.Contents(
                items: transaction.items, dialect: transaction.dialect, warnings: []))
        } else {
            cache = nil
        }
        return result
    }

    /// The active items, from `cache` when the file's stamp still matches, else read and cached.
    public func loadActive(cache: inout CachedContents?) throws(StoreError) -> StoreFileFormat.Contents {
        try requireInitialized()
        // One open descriptor gives the stamp and the bytes of the same version, even if the
        // file is replaced meanwhile, and pins that version for the cache.
        guard let pin = FilePin(path: activePath), let stamp = pin.stamp else {
            cache = nil
            return try Self.readFile(activePath, strict: true)
        }
        if let cached = cache, cached.stamp == stamp {
            return cached.contents
        }
        let bytes: [UInt8]
        do {
            bytes = try FileIO.read(descriptor: pin.descriptor, path: activePath)
        } catch {
            throw .io(error.description)
        }
        let contents = try StoreFileFormat.parse(bytes, path: activePath, strict: true)
        cache = CachedContents(pin: pin, stamp: stamp, contents: contents)
        return contents
    }
}
