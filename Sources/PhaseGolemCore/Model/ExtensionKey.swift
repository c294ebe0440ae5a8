/// The fifteen `x-pg-*` keys phase-golem stores on task-golem items (docs/compatibility.md#items-and-statuses).
public enum ExtensionKey {
    public static let status = "x-pg-status"
    public static let phase = "x-pg-phase"
    public static let phasePool = "x-pg-phase-pool"
    public static let size = "x-pg-size"
    public static let complexity = "x-pg-complexity"
    public static let risk = "x-pg-risk"
    public static let impact = "x-pg-impact"
    public static let requiresHumanReview = "x-pg-requires-human-review"
    public static let pipelineType = "x-pg-pipeline-type"
    public static let origin = "x-pg-origin"
    public static let blockedType = "x-pg-blocked-type"
    public static let blockedFromStatus = "x-pg-blocked-from-status"
    public static let unblockContext = "x-pg-unblock-context"
    public static let lastPhaseCommit = "x-pg-last-phase-commit"
    public static let description = "x-pg-description"

    /// All fifteen, for documentation and tests.
    public static let all = [
        status, phase, phasePool, size, complexity, risk, impact, requiresHumanReview, pipelineType,
        origin, blockedType, blockedFromStatus, unblockContext, lastPhaseCommit, description,
    ]
}
