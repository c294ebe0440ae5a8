/// The one-shot item commands: `add`, `advance`, `unblock` (docs/compatibility.md#other-commands, docs/decisions.md).
///
/// Each runs one locked read-modify-write of `tasks.jsonl`, and commits it while still holding
/// the lock, so that concurrent commands cannot interleave their commits.
public struct ItemOperations: Sendable {
    public let store: TaskStore
    public let config: PhaseGolemConfig
    /// Whether to commit the change to git (docs/decisions.md D4); off for callers that commit themselves.
    public var commits: Bool = true

    public init(store: TaskStore, config: PhaseGolemConfig) {
        self.store = store
        self.config = config
    }

    /// The result of a command: what to print, and what happened to the commit.
    public struct Result: Sendable {
        public var message: String
        public var commit: StoreCommitter.Outcome?
        public var warnings: [String]
    }

    /// What `add` needs to create an item.
    public struct NewItem: Sendable {
        public var title: String
        public var assessments = Assessments()
        public var tags: [String] = []
        public var dependencies: [String] = []
        public var description: String?

        public init(title: String) {
            self.title = title
        }
    }

    private var committer: StoreCommitter { StoreCommitter(root: store.root) }

    /// Creates a New item with a fresh `{prefix}-{hex}` id.
    public func add(_ request: NewItem, now: Timestamp = .now()) throws -> Result {
        let title = request.title.trimmed()
        guard !title.isEmpty else { throw OperationError("Title must not be empty. Give the item a short summary, e.g. phase-golem add \"Fix login timeout\"") }
        guard !title.contains("\n"), !title.contains("\r") else {
            throw OperationError("Title must be a single line. Put details in --description instead")
        }
        return try store.update { transaction in
            var known = try transaction.knownIDs()
            var missing: [String] = []
            for dependency in request.dependencies where !known.contains(dependency) {
                missing.append(dependency)
            }
            if !missing.isEmpty {
                throw OperationError("Unknown dependency \(missing.joined(separator: ", ")): no such item in the backlog or archive. "
                    + "Check the id with `phase-golem status`")
            }
            let id = try transaction.generateID(prefix: config.project.prefix)
            known.insert(id)
            var item = StoreItem(id: id, title: title, now: now)
            item.tags = Self.unique(request.tags)
            item.dependencies = Self.unique(request.dependencies)
            item.setPGStatus(.new, now: now)
            if request.assessments != Assessments() { item.updateAssessments(request.assessments, now: now) }
            if let description = request.description?.trimmed(), !description.isEmpty {
                item.setStructuredDescription(StructuredDescription(context: description), now: now)
            }
            item.parent = nil
            transaction.items.append(item)
            try transaction.commitNow()
            let outcome = commits ? committer.commit(message: "[phase-golem] Add \(id): \(title)") : nil
            return Result(message: "Added \(id): \(title)", commit: outcome, warnings: [])
        }
    }

    /// Moves an InProgress item to the next main phase, or to `--to` (a main phase).
    public func advance(_ id: String, to target: String?, now: Timestamp = .now()) throws -> Result {
        try store.update { transaction in
            guard let index = transaction.index(of: id) else { throw StoreError.itemNotFound(id) }
            var item = transaction.items[index]
            guard item.pgStatus == .inProgress else {
                throw OperationError("Cannot advance \(id): status is \(item.pgStatus.debugName), expected InProgress")
            }
            let pipelineName = item.pipelineType ?? PipelineConfig.defaultName
            guard let pipeline = config.pipelines[pipelineName] else {
                throw OperationError("Pipeline type '\(pipelineName)' not found in config")
            }
            let message: String
            let newPhase: String
            if let target {
                guard pipeline.isMainPhase(target) else {
                    throw OperationError("Invalid phase '\(target)': expected one of \(pipeline.phases.map(\.name).joined(separator: ", "))")
                }
                item.setPhase(target, now: now)
                item.setPhasePool(.main, now: now)
                newPhase = target
                message = "Advanced \(id) to \(target)"
            } else {
                guard let current = item.phase else { throw OperationError("Cannot advance \(id): no current phase set") }
                guard let position = pipeline.mainPhaseIndex(of: current) else {
                    throw OperationError("Current phase '\(current)' not found in pipeline")
                }
                guard position + 1 < pipeline.phases.count else {
                    throw OperationError("Cannot advance \(id): '\(current)' is the final phase")
                }
                newPhase = pipeline.phases[position + 1].name
                item.setPhase(newPhase, now: now)
                message = "Advanced \(id) from \(current) to \(newPhase)"
            }
            transaction.items[index] = item
            try transaction.commitNow()
            let outcome = commits ? committer.commit(message: "[phase-golem] Advance \(id) to \(newPhase)") : nil
            return Result(message: message, commit: outcome, warnings: [])
        }
    }

    /// Returns a Blocked item to the status it had before, with optional notes for the agent.
    public func unblock(_ id: String, notes: String?, now: Timestamp = .now()) throws -> Result {
        try store.update { transaction in
            guard let index = transaction.index(of: id) else { throw StoreError.itemNotFound(id) }
            var item = transaction.items[index]
            guard item.pgStatus == .blocked else {
                throw OperationError("Cannot unblock \(id): status is \(item.pgStatus.debugName), expected Blocked")
            }
            let outcome = item.unblock(context: notes, resetPhaseCommit: true, now: now)
            let restored = outcome.restored ?? .new
            transaction.items[index] = item
            try transaction.commitNow()
            let commit = commits ? committer.commit(message: "[phase-golem] Unblock \(id) (restored to \(restored.debugName))") : nil
            return Result(message: "Unblocked \(id) -- restored to \(restored.debugName)", commit: commit, warnings: outcome.warnings)
        }
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }
}
