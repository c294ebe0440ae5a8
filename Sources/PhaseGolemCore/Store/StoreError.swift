/// A failure of the task-golem store, with a message that says what to do about it.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The active file cannot be trusted; nothing was written.
    case corruption(String)
    /// The file header names a schema this program does not know.
    case unsupportedSchema(version: String, path: String)
    /// `.task-golem/` does not exist.
    case notInitialized(String)
    /// Another process held `tasks.lock` for the whole wait.
    case lockTimeout(lockPath: String, seconds: Double)
    /// Ten random ids all collided with existing ones.
    case idCollisionExhausted(attempts: Int)
    /// No item with this id.
    case itemNotFound(String)
    /// A read, write, fsync or rename failed.
    case io(String)

    public var description: String {
        switch self {
        case .corruption(let inner):
            "Storage corruption: \(inner). Recovery: `git checkout .task-golem/tasks.jsonl`"
        case .unsupportedSchema(let version, let path):
            "Storage corruption: Unsupported schema version \(version) in \(path) (this program reads schema_version 1). "
                + "Recovery: use the task-golem release that wrote it, or `git checkout .task-golem/tasks.jsonl`"
        case .notInitialized(let message):
            "Store not initialized: \(message)"
        case .lockTimeout(let lockPath, let seconds):
            // The original's line unchanged; what to do on a hint line of its own.
            "Lock timeout after \(NumberText.decimal(seconds))s\nhint: another process holds \(lockPath); "
                + "wait for it to finish and retry (find it with `fuser \(lockPath)`)"
        case .idCollisionExhausted(let attempts):
            "ID collision exhausted after \(attempts) attempts"
        case .itemNotFound(let id):
            "Item not found: \(id)"
        case .io(let message):
            message
        }
    }

    /// Whether retrying the same operation later can succeed.
    public var isRetryable: Bool {
        if case .lockTimeout = self { return true }
        return false
    }

    /// Whether the files could not be read or written (disk full, I/O error…), as opposed to
    /// a missing item or a busy lock: going on would work from a state that is not on disk.
    public var isIOFailure: Bool {
        if case .io = self { return true }
        return false
    }
}
