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
        circuitBreakerThreshold: Int = 2
    ) {
        self.phaseTimeoutMinutes = phaseTimeoutMinutes
        self.maxRetries = maxRetries
        self.defaultPhaseCap = defaultPhaseCap
        self.maxWip = maxWip
        self.maxConcurrent = maxConcurrent
        self.autoAdvance = autoAdvance
        self.circuitBreakerThreshold = circuitBreakerThreshold
    }

    /// The phase timeout in seconds.
    public var phaseTimeoutSeconds: Double { phaseTimeoutMinutes * 60 }

    /// The phase timeout as a `Duration`, for clocks and `Task.sleep`.
    public var phaseTimeout: Duration { .seconds(phaseTimeoutSeconds) }
}
