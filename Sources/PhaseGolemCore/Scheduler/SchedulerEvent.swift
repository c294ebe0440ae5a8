/// Everything an observer of a run needs to know, published in order.
///
/// The engine knows nothing of terminals: the plain printer prints the `.log` lines (the
/// original's log, word for word) and echoes agent output; the TUI draws from the structured
/// cases. Both subscribe to the same stream.
public enum SchedulerEvent: Sendable {
    /// A line of the plain log, at its level.
    case log(LogLevel, String)
    /// The run is about to schedule: its parameters and the target list.
    case runStarted(RunParams)
    /// The target at `index` (0-based) of `total` is now the one being worked on.
    case targetStarted(id: String, index: Int, total: Int)
    /// A target was passed over before any work (already done, already blocked, not found).
    case targetSkipped(id: String, index: Int, total: Int, reason: String)
    /// The current target was blocked during the run; with auto-advance the run goes on with
    /// `next` (the next target in the list, which may still be skipped if already finished).
    case targetBlocked(id: String, index: Int, total: Int, reason: String?, autoAdvancing: Bool, next: String?)
    /// The current target completed.
    case targetCompleted(id: String, index: Int, total: Int)
    /// Ready → InProgress.
    case itemPromoted(id: String, phase: String)
    /// A phase (or triage, with phase `triage`) started an attempt.
    case phaseStarted(itemID: String, phase: String, attempt: Int, maxAttempts: Int, isDestructive: Bool)
    /// Lines the agent printed (coalesced batches; every line is also in the attempt's log file).
    case agentOutput(itemID: String, phase: String, lines: [AgentOutputLine])
    /// A phase finished: its outcome in a word and the summary or reason.
    case phaseFinished(itemID: String, phase: String, outcome: PhaseOutcome, detail: String)
    /// An item was blocked (with the reason stored on it).
    case itemBlocked(id: String, reason: String)
    /// An item reached Done and was archived.
    case itemCompleted(id: String)
    /// The circuit breaker count changed.
    case breakerChanged(count: Int, threshold: Int)
    /// Phases used so far against the cap.
    case capUsage(used: Int, cap: Int)
    /// The run stopped; nothing follows.
    case halted(RunSummary)

    /// How a phase ended, for observers.
    public enum PhaseOutcome: String, Sendable {
        case complete, subphaseComplete, failed, blocked, cancelled
    }
}

/// Publishes events to every subscriber, in order, never dropping one.
public final class EventBus: Sendable {
    private struct State {
        var subscribers: [AsyncStream<SchedulerEvent>.Continuation] = []
        var finished = false
    }

    private let state = Locked(State())

    public init() {}

    /// A new stream of every event published from now on (already ended if the bus is finished).
    public func subscribe() -> AsyncStream<SchedulerEvent> {
        let (stream, continuation) = AsyncStream<SchedulerEvent>.makeStream(bufferingPolicy: .unbounded)
        let finished = state.withLock { state -> Bool in
            if !state.finished { state.subscribers.append(continuation) }
            return state.finished
        }
        if finished { continuation.finish() }
        return stream
    }

    public func publish(_ event: SchedulerEvent) {
        // Yield under the lock so that concurrent publishers cannot reorder one subscriber's events.
        state.withLock { state in
            for continuation in state.subscribers { continuation.yield(event) }
        }
    }

    /// Publishes a plain log line.
    public func log(_ level: LogLevel, _ message: String) {
        publish(.log(level, message))
    }

    public func info(_ message: String) { log(.info, message) }
    public func warn(_ message: String) { log(.warn, message) }
    public func error(_ message: String) { log(.error, message) }
    public func debug(_ message: String) { log(.debug, message) }

    /// Ends every stream; subscribers see the end after the last event.
    public func finish() {
        let subscribers = state.withLock { state -> [AsyncStream<SchedulerEvent>.Continuation] in
            state.finished = true
            defer { state.subscribers.removeAll() }
            return state.subscribers
        }
        for continuation in subscribers { continuation.finish() }
    }
}
