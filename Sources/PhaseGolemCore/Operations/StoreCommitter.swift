/// Commits a store change made by a one-shot command (`add`, `advance`, `unblock`), per docs/decisions.md D4.
///
/// It runs inside the store transaction's lock so concurrent commands serialize their commits,
/// stages only the store files, and stands aside while a `run` holds the runtime lock (that run's
/// next commit picks the change up; git is never driven by two processes at once).
public struct StoreCommitter: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// What happened to the commit; the store change stands in every case.
    public enum Outcome: Sendable, Equatable {
        case committed(sha: String)
        case nothingToCommit
        case deferredToRun
        case notARepository
        case failed(String)

        /// A line for stderr when the operator should know, nil otherwise.
        public var warning: String? {
            switch self {
            case .committed, .nothingToCommit: nil
            case .deferredToRun:
                "Note: a phase-golem run is in progress; it will commit this change with its next commit."
            case .notARepository:
                "Warning: not committed: the project root is not a git repository."
            case .failed(let reason):
                "Warning: the store change was saved but not committed: \(reason). Commit .task-golem/ yourself."
            }
        }
    }

    /// Commits the store files with `message` (which must start with `[phase-golem] `).
    public func commit(message: String) -> Outcome {
        if RuntimeLock.isHeldByAnotherProcess(root: root) { return .deferredToRun }
        let git = Git(root: root)
        guard git.isRepository() else { return .notARepository }
        do {
            guard let sha = try git.commitOnly(paths: TaskStore.relativeStorePaths, message: message) else {
                return .nothingToCommit
            }
            return .committed(sha: sha)
        } catch {
            return .failed(error.description)
        }
    }
}
