/// The single owner of every store write, git command and worklog append during a run.
///
/// Requests run one at a time, which is what keeps two phases from interleaving a
/// read-modify-write or a commit (docs/compatibility.md#the-coordinator-and-commits). The actor runs on its own serial queue
/// because its work blocks (flock waits, fsync, git processes), and blocking Swift's
/// cooperative pool would stall every other task of the run.
public actor Coordinator {
    private nonisolated let executor = QueueExecutor(label: "phase-golem.coordinator")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    public let store: TaskStore
    public let git: Git
    public let prefix: String
    private let events: EventBus
    private var pendingBatch: [CommitMessage.PendingPhase] = []
    /// A phase output whose staging was left to the batch commit (nothing else was running).
    private var stageAllAtBatch = false
    /// The last parse of `tasks.jsonl`, reused while the file is unchanged.
    private var cache: CachedContents?

    /// Attempts of a store operation that hit a held lock, 1 s apart (docs/compatibility.md#the-coordinator-and-commits).
    static let storeAttempts = 3

    /// - Parameters:
    ///   - cache: a parse of `tasks.jsonl` made at startup, reused while the file is unchanged.
    ///   - shutdown: the run's; it shortens the deadline of git commands, and forcing it kills them.
    public init(store: TaskStore, prefix: String, events: EventBus, cache: CachedContents? = nil, shutdown: ShutdownFlag? = nil) {
        self.store = store
        self.git = Git(root: store.root, limit: Git.standardLimit(shutdown: shutdown))
        self.prefix = prefix
        self.events = events
        self.cache = cache
    }

    // MARK: Reads

    /// The active items, read without the lock.
    public func snapshot() throws(StoreError) -> [StoreItem] {
        try store.loadActive(cache: &cache).items
    }

    public func headSHA() throws(Git.Failure) -> String {
        try git.headSHA()
    }

    public func isAncestor(_ sha: String) throws(Git.Failure) -> Bool {
        try git.isAncestorOfHead(sha)
    }

    // MARK: Store writes

    /// Runs a locked read-modify-write, retrying while another process holds the lock.
    private func withStore<T>(_ body: (inout StoreTransaction) throws -> T) throws -> T {
        var attempt = 1
        while true {
            do {
                return try store.update(cache: &cache, body)
            } catch let error as StoreError where error.isRetryable && attempt < Self.storeAttempts {
                events.warn("Store operation failed (attempt \(attempt)/\(Self.storeAttempts)): \(error)")
                attempt += 1
                MonotonicClock.sleep(seconds: 1)
            }
        }
    }

    /// Applies updates to one item in one locked write and returns the item as written;
    /// skipped updates are logged as warnings.
    @discardableResult
    public func apply(_ id: String, _ updates: [ItemUpdate]) throws -> StoreItem {
        let (item, warnings) = try withStore { transaction in
            try transaction.modify(id) { item in
                let warnings = updates.flatMap { item.apply($0) }
                return (item, warnings)
            }
        }
        for warning in warnings { events.warn(warning) }
        return item
    }

    /// Runs `body` inside one locked read-modify-write: several changes, one file write.
    public func transaction<T: Sendable>(_ body: @Sendable (inout StoreTransaction) throws -> T) throws -> T {
        try withStore(body)
    }

    /// Creates New items for an agent's follow-ups; returns their ids.
    public func ingestFollowUps(from result: PhaseResult) throws -> [String] {
        guard !result.followUps.isEmpty else { return [] }
        let prefix = self.prefix
        return try withStore { transaction in try transaction.appendFollowUps(result, prefix: prefix) }
    }

    /// Merges `source` into `target` (docs/compatibility.md#the-coordinator-and-commits): description note, dependency union,
    /// source removed from every dependency list and archived as it is.
    public func merge(source: String, into target: String) throws {
        guard source != target else { throw OperationError("Cycle detected: Cannot merge item \(source) into itself") }
        try withStore { transaction in
            guard let sourceIndex = transaction.index(of: source) else {
                throw OperationError("Item not found: Source item \(source) not found")
            }
            guard transaction.index(of: target) != nil else {
                throw OperationError("Item not found: Target item \(target) not found")
            }
            let sourceItem = transaction.items[sourceIndex]
            var parts = ["[Merged from \(source)] Title: \(sourceItem.title)"]
            if let description = sourceItem.structuredDescription {
                if !description.context.isEmpty { parts.append("Context: \(description.context)") }
                if !description.problem.isEmpty { parts.append("Problem: \(description.problem)") }
            } else if let native = sourceItem.description, !native.isEmpty {
                parts.append("Context: \(native)")
            }
            if let origin = sourceItem.origin { parts.append("Origin: \(origin)") }
            let note = parts.joined(separator: ". ")
            try transaction.modify(target) { item in
                var description = item.structuredDescription ?? StructuredDescription()
                description.context = description.context.isEmpty ? note : description.context + "\n" + note
                item.setStructuredDescription(description)
                for dependency in sourceItem.dependencies where dependency != source && dependency != target
                    && !item.dependencies.contains(dependency) {
                    item.dependencies.append(dependency)
                }
                item.touch()
            }
            for index in transaction.items.indices where transaction.items[index].dependencies.contains(source) {
                transaction.items[index].dependencies.removeAll { $0 == source }
            }
            try transaction.archive(source)
        }
    }

    // MARK: Worklog

    /// Appends a worklog entry; a failure is a warning, never a reason to stop the run.
    public func writeWorklog(itemID: String, title: String, phase: String, outcome: Worklog.Outcome, summary: String) {
        do {
            try Worklog.append(root: store.root, itemID: itemID, title: title, phase: phase, outcome: outcome, summary: summary)
        } catch {
            events.warn("Warning: failed to write worklog: \(error)")
        }
    }

    // MARK: Git

    /// Stages the phase's output (every dirty path, whoever wrote it) and commits it now
    /// (destructive or immediate) or with the next batch.
    ///
    /// - Parameter othersRunning: whether other agents are still working. When none are, staging
    ///   is left to the batch commit, which then stages everything in one `git add -A`: the same
    ///   files, one git process fewer per phase.
    public func completePhase(itemID: String, phase: String, commitSummary: String?, immediate: Bool, othersRunning: Bool = true) throws {
        let entry = CommitMessage.PendingPhase(itemID: itemID, phase: phase, summary: commitSummary)
        if !immediate && !othersRunning {
            pendingBatch.append(entry)
            stageAllAtBatch = true
            return
        }
        do {
            try git.stageAll()
        } catch where error.isStop {
            throw error
        } catch {
            throw OperationError("Failed to stage phase output: \(error)")
        }
        guard immediate else {
            pendingBatch.append(entry)
            return
        }
        do {
            _ = try git.commitStaged(message: CommitMessage.phase(itemID: itemID, phase: phase, summary: commitSummary))
        } catch where error.isStop {
            throw error
        } catch {
            events.warn("CompletePhase commit failed (JSONL state preserved): \(error)")
        }
    }

    /// Commits the pending non-destructive phase outputs, with the store and worklog changes.
    public func batchCommit() throws {
        guard !pendingBatch.isEmpty else { return }
        if stageAllAtBatch {
            try git.stageAll()
        } else {
            try stageState()
        }
        _ = try git.commitStaged(message: CommitMessage.batch(pendingBatch))
        pendingBatch.removeAll()
        stageAllAtBatch = false
    }

    /// docs/decisions.md D9: the blocked target's state in a commit of its own before the run moves on.
    public func commitBlockedTarget(_ id: String) throws {
        try stageState()
        _ = try git.commitStaged(message: CommitMessage.blockedTarget(itemID: id))
    }

    /// The final commit: whatever state is left uncommitted, so every run leaves a clean tree (docs/decisions.md D4).
    public func haltCommit(reason: HaltReason) {
        do {
            if let sha = try commitStateIfDirty(message: CommitMessage.halt(reason: reason.rawValue)) {
                events.info("Committed task state on halt: \(sha)")
            }
        } catch {
            events.warn("Shutdown commit skipped: \(error)")
        }
    }

    /// Commits the store and worklog if they changed (the end of `triage`, docs/decisions.md D4).
    public func commitState(message: String) {
        do {
            if let sha = try commitStateIfDirty(message: message) {
                events.info("Committed task state: \(sha)")
            }
        } catch {
            events.warn("Warning: task state not committed: \(error)")
        }
    }

    /// Commits every dirty path (the end of a run that failed): the work of a phase whose outcome
    /// could not be saved is kept in history, and the next run, which runs that phase again,
    /// starts from a clean tree (docs/decisions.md D4).
    public func commitEverything(message: String) {
        do {
            try git.stageAll()
            if let sha = try git.commitStaged(message: message) {
                events.info("Committed the work and task state left by the error: \(sha)")
            }
        } catch {
            events.warn("Warning: the work left by the error is not committed: \(error)")
        }
    }

    private func commitStateIfDirty(message: String) throws -> String? {
        let dirty = try git.porcelainStatus(paths: Self.statePaths)
        guard !dirty.isEmpty else { return nil }
        try stageState()
        return try git.commitStaged(message: message)
    }

    /// The store files and the worklog: what phase-golem itself writes.
    static let statePaths = TaskStore.relativeStorePaths + ["_worklog"]

    private func stageState() throws {
        let existing = Self.statePaths.filter { FileIO.exists(FileIO.join(store.root, $0)) }
        guard !existing.isEmpty else { return }
        try git.run(["add", "--"] + existing)
    }
}
