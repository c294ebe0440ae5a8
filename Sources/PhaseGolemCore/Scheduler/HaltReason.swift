/// Why a run stopped; the Debug names are user-visible (`Halt reason: TargetCompleted`).
public enum HaltReason: String, Sendable, Equatable, CaseIterable {
    case allDoneOrBlocked = "AllDoneOrBlocked"
    case capReached = "CapReached"
    case circuitBreakerTripped = "CircuitBreakerTripped"
    case shutdownRequested = "ShutdownRequested"
    case targetCompleted = "TargetCompleted"
    case targetBlocked = "TargetBlocked"
    case filterExhausted = "FilterExhausted"
    case noMatchingItems = "NoMatchingItems"
    /// The run's spend reached its budget (`--max-cost`, `execution.max_cost_usd`).
    case budgetExhausted = "BudgetExhausted"
    /// Ours (docs/decisions.md D14): the agent itself could not work; nothing was blocked for it.
    case agentUnavailable = "AgentUnavailable"

    /// A sentence for operators (TUI summary, JSON summary).
    public var explanation: String {
        switch self {
        case .allDoneOrBlocked: "No actionable items remain: everything is done or blocked."
        case .capReached: "The phase cap was reached."
        case .circuitBreakerTripped: "Consecutive items exhausted their retries; the circuit breaker stopped the run."
        case .shutdownRequested: "Shutdown was requested (signal or operator)."
        case .targetCompleted: "Every target was processed."
        case .targetBlocked: "A target was blocked and auto-advance was off."
        case .filterExhausted: "Every item matching the filter is done or blocked."
        case .noMatchingItems: "No item matches the filter."
        case .budgetExhausted: "The run's spend reached its budget; the current target resumes on the next run."
        case .agentUnavailable: "The agent could not work (not the items' fault); the items were left as they were."
        }
    }
}
