/// One thing the scheduler decided to do this iteration.
public enum SchedulerAction: Sendable, Equatable, CustomStringConvertible {
    /// Ready → InProgress at the first main phase.
    case promote(String)
    /// Run triage on a New item.
    case triage(String)
    /// Run one phase of an item.
    case runPhase(itemID: String, phase: String, pool: PhasePool, isDestructive: Bool)

    public var itemID: String {
        switch self {
        case .promote(let id), .triage(let id): id
        case .runPhase(let id, _, _, _): id
        }
    }

    /// Whether this is a Ready → InProgress promotion, which needs no concurrency slot.
    public var isPromotion: Bool {
        if case .promote = self { return true }
        return false
    }

    /// Whether this runs a destructive phase, which must run alone.
    public var isDestructive: Bool {
        if case .runPhase(_, _, _, let isDestructive) = self { return isDestructive }
        return false
    }

    /// `promote {id}`, `triage {id}` or `{id} → {phase}`, as the `Scheduling: […]` line prints.
    public var description: String {
        switch self {
        case .promote(let id): "promote \(id)"
        case .triage(let id): "triage \(id)"
        case .runPhase(let id, let phase, _, _): "\(id) → \(phase)"
        }
    }
}

/// A task in flight: the item, its phase and whether it runs alone.
public struct RunningTask: Sendable, Equatable {
    public var itemID: String
    public var phase: String
    public var pool: PhasePool
    public var isDestructive: Bool

    public init(itemID: String, phase: String, pool: PhasePool, isDestructive: Bool) {
        self.itemID = itemID
        self.phase = phase
        self.pool = pool
        self.isDestructive = isDestructive
    }
}
