/// What a destructive phase does when the item's last phase commit is no longer an ancestor of HEAD.
public enum StalenessPolicy: String, Sendable, Equatable, CaseIterable {
    /// Run the phase anyway.
    case ignore
    /// Log a warning, then run the phase.
    case warn
    /// Block the item instead of running the phase.
    case block
}
