/// One phase of a pipeline: a name, the workflow files its agent follows, and how it runs.
public struct PhaseConfig: Sendable, Equatable {
    /// Unique within its pipeline (pre and main phases together).
    public var name: String
    /// Workflow file paths, relative to the config base unless absolute.
    public var workflows: [String]
    /// Destructive phases run alone: nothing else executes while one is running.
    public var isDestructive: Bool
    /// What to do when the item's previous phase commit is stale (checked for destructive phases only).
    public var staleness: StalenessPolicy

    /// Creates a phase; the defaults match an omitted key in `phase-golem.toml` (docs/decisions.md D6 makes
    /// `is_destructive` optional).
    public init(name: String, workflows: [String] = [], isDestructive: Bool = false, staleness: StalenessPolicy = .ignore) {
        self.name = name
        self.workflows = workflows
        self.isDestructive = isDestructive
        self.staleness = staleness
    }
}
