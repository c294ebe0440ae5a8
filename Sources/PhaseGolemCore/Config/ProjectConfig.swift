/// The `[project]` table.
public struct ProjectConfig: Sendable, Equatable {
    /// Prefix for IDs that phase-golem itself generates (follow-ups), e.g. `WRK`.
    public var prefix: String

    public init(prefix: String = "WRK") {
        self.prefix = prefix
    }
}
