/// The `[execution]` table: timeouts, retries and the scheduler's limits.
public struct ExecutionConfig: Sendable, Equatable {
    /// Agent wall-clock limit per attempt, in minutes.
    ///
    /// A `Double` rather than the original's integer so tests can ask for sub-minute timeouts
    /// (`phase_timeout_minutes = 0.05`); whole numbers behave exactly as before.
    public var phaseTimeoutMinutes: Double
    /// Extra attempts after a failed one: a phase runs at most `maxRetries + 1` times.
    public var maxRetries: Int
    /// Default for `run --cap` (docs/decisions.md D5; the original parsed it but hard-coded 100).
    public var defaultPhaseCap: Int
    /// Most items allowed InProgress at once.
    public var maxWip: Int
    /// Most agent tasks running at once.
    public var maxConcurrent: Int
    /// Whether a targeted run moves on to the next target when one blocks, unless the CLI overrides it.
    public var autoAdvance: Bool
    /// Failed tasks in a row (no item finishing or blocking in between) that halt the run.
    public var circuitBreakerThreshold: Int
    /// The run's budget in USD (`max_cost_usd`, overridden by `run --max-cost`); nil for none.
    public var maxCostUSD: Double?
    /// Seconds to wait before retrying after an agent failure, doubling per consecutive one up
    /// to `maxAgentRetryBackoffSeconds`; 0 retries at once (docs/decisions.md D14).
    public var agentRetryBackoffSeconds: Double
    /// Consecutive agent failures that halt the run `AgentUnavailable` (docs/decisions.md D14).
    public var agentFailureLimit: Int
    /// Items in a row blocked by attempts that exited non-zero without a result file that halt the
    /// run `AgentUnavailable`, those items put back; 0 turns the rule off (docs/decisions.md D14).
    public var agentFailureStreak: Int
    /// Minutes an attempt may go without printing anything before it is stopped like a timeout;
    /// nil (or 0 in the file) is off, the default (docs/decisions.md D14).
    public var idleTimeoutMinutes: Double?

    /// The longest wait between agent-failure retries, however many came before.
    public static let maxAgentRetryBackoffSeconds: Double = 300
    /// How many runs' journals (and attempt logs) `.phase-golem/runs/` keeps; older ones are
    /// pruned when a run starts (docs/journal.md). `PHASE_GOLEM_KEEP_RUNS` overrides it.
    public var keepRuns: Int = 100

    public init(
        phaseTimeoutMinutes: Double = 30,
        maxRetries: Int = 2,
        defaultPhaseCap: Int = 100,
        maxWip: Int = 1,
        maxConcurrent: Int = 1,
        autoAdvance: Bool = false,
        circuitBreakerThreshold: Int = 2,
        agentRetryBackoffSeconds: Double = 30,
        agentFailureLimit: Int = 3,
        agentFailureStreak: Int = 2
    ) {
        self.phaseTimeoutMinutes = phaseTimeoutMinutes
        self.maxRetries = maxRetries
        self.defaultPhaseCap = defaultPhaseCap
        self.maxWip = maxWip
        self.maxConcurrent = maxConcurrent
        self.autoAdvance = autoAdvance
        self.circuitBreakerThreshold = circuitBreakerThreshold
        self.agentRetryBackoffSeconds = agentRetryBackoffSeconds
        self.agentFailureLimit = agentFailureLimit
        self.agentFailureStreak = agentFailureStreak
    }

    /// The wait before the retry that follows the `failures`-th consecutive agent failure:
    /// the base, doubled per earlier failure, capped at `maxAgentRetryBackoffSeconds`.
    public func agentRetryBackoff(afterFailures failures: Int) -> Duration {
        guard agentRetryBackoffSeconds > 0, failures >= 1 else { return .zero }
        var seconds = agentRetryBackoffSeconds
        for _ in 1..<failures where seconds < Self.maxAgentRetryBackoffSeconds { seconds *= 2 }
        return .seconds(min(seconds, Self.maxAgentRetryBackoffSeconds))
    }

    /// Why `amount` is not a usable budget, naming where it came from; nil when it is.
    public static func budgetProblem(_ amount: Double, name: String) -> String? {
        guard amount.isFinite, amount > 0 else {
            return "\(name): must be a positive number of US dollars, such as 5 or 12.5, got \(NumberText.decimal(amount)) (remove it for no budget)"
        }
        guard amount >= 0.01 else {
            return "\(name): must be at least 0.01 US dollars (a cent), got \(NumberText.decimal(amount))"
        }
        return nil
    }

    /// The idle limit in seconds, nil when off.
    public var idleTimeoutSeconds: Double? {
        guard let idleTimeoutMinutes, idleTimeoutMinutes > 0 else { return nil }
        return idleTimeoutMinutes * 60
    }

    /// The phase timeout in seconds.
    public var phaseTimeoutSeconds: Double { phaseTimeoutMinutes * 60 }

    /// The phase timeout as a `Duration`, for clocks and `Task.sleep`.
    public var phaseTimeout: Duration { .seconds(phaseTimeoutSeconds) }
}
