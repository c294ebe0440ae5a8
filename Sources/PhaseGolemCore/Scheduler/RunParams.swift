/// What a run was asked to do.
public struct RunParams: Sendable, Equatable {
    /// Targets in run order; empty for a backlog or filter run.
    public var targets: [String]
    /// `--only` criteria (all must match); empty for no filter.
    public var filter: ItemFilter?
    /// Most phases (and triages) this run may start.
    public var cap: Int
    /// Skip a blocked target and go on to the next, instead of halting.
    public var autoAdvance: Bool
    /// Targets found only in the archive when the run started: done already, so skipped as
    /// done (docs/decisions.md D12) rather than reported missing.
    public var archivedTargets: Set<String>
    /// The run's budget in USD (`--max-cost`, `execution.max_cost_usd`); nil for none.
    public var maxCostUSD: Double?

    public init(targets: [String] = [], filter: ItemFilter? = nil, cap: Int = 100, autoAdvance: Bool = false,
                archivedTargets: Set<String> = [], maxCostUSD: Double? = nil) {
        self.maxCostUSD = maxCostUSD
        self.targets = targets
        self.filter = filter
        self.cap = cap
        self.autoAdvance = autoAdvance
        self.archivedTargets = archivedTargets
    }
}
