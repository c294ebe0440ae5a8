import Dispatch

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
    /// Readable lines about what the running agent does (`Bash: swift test`), translated from
    /// its structured output; sent instead of `.agentOutput` for the stdout of an agent whose
    /// output is translated (Claude in stream-json). Coalesced batches, like `.agentOutput`.
    case agentActivity(itemID: String, phase: String, activities: [AgentActivity])
    /// A phase finished: its outcome in a word, the summary or reason, and what the agent
    /// reported about its runs (all attempts of the phase taken together by
    /// `AgentRunFacts.adding`; nil when no agent ran, e.g. a phase refused before it started).
    case phaseFinished(itemID: String, phase: String, outcome: PhaseOutcome, detail: String, facts: AgentRunFacts?)
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
    /// The run ended with an error instead of a halt (the store cannot be written, git hung);
    /// nothing follows. The command prints the error once the UI is gone.
    case runFailed(String)

    /// How a phase ended, for observers.
    public enum PhaseOutcome: String, Sendable {
        case complete, subphaseComplete, failed, blocked, cancelled
    }
}

/// Publishes events to every subscriber, in order, never dropping one.
///
/// Agent output is the one event that can outrun a subscriber (an agent printing a gigabyte
/// while standard error is a slow pipe). Its publisher, an agent's own thread, waits while a
/// subscriber has more than `maxPendingAgentLines` lines it has not taken yet, so the agent
/// blocks on its pipe instead of the backlog growing without bound. The wait is capped per
/// batch: a subscriber that stopped reading slows the agent down but cannot stall it forever.
public final class EventBus: Sendable {
    private struct Subscriber {
        var id: Int
        var continuation: AsyncStream<SchedulerEvent>.Continuation
        var backlog: Locked<Int>
    }

    private struct State {
        var subscribers: [Subscriber] = []
        var nextID = 0
        var finished = false
    }

    private let state = Locked(State())
    public let maxPendingAgentLines: Int
    private let maxWait: Duration
    /// Publishers waiting for a subscriber to catch up, and the semaphore they wait on: a
    /// subscriber that takes lines wakes them, so a publisher resumes as soon as there is room.
    private let waiters = Locked(0)
    private let room = DispatchSemaphore(value: 0)

    public init(maxPendingAgentLines: Int = 10_000, maxWait: Duration = .seconds(2)) {
        self.maxPendingAgentLines = maxPendingAgentLines
        self.maxWait = maxWait
    }

    /// A new stream of every event published from now on (already ended if the bus is finished).
    ///
    /// The stream hands out events as they are asked for, so what has not been taken yet stays
    /// counted in the subscriber's backlog.
    public func subscribe() -> AsyncStream<SchedulerEvent> {
        let (stream, continuation) = AsyncStream<SchedulerEvent>.makeStream(bufferingPolicy: .unbounded)
        let backlog = Locked(0)
        let id = state.withLock { state -> Int? in
            guard !state.finished else { return nil }
            state.nextID += 1
            state.subscribers.append(Subscriber(id: state.nextID, continuation: continuation, backlog: backlog))
            return state.nextID
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        // A subscriber that goes away must not hold publishers back.
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { $0.subscribers.removeAll { $0.id == id } }
        }
        let source = IteratorBox(stream.makeAsyncIterator())
        let limit = maxPendingAgentLines
        let waiters = self.waiters
        let room = self.room
        return AsyncStream(unfolding: {
            let event = await source.next()
            if let event, case let count = Self.agentLineCount(event), count > 0 {
                let hasRoom = backlog.withLock { backlog in
                    backlog -= count
                    return backlog <= limit
                }
                if hasRoom {
                    for _ in 0..<waiters.value { room.signal() }
                }
            }
            return event
        })
    }

    public func publish(_ event: SchedulerEvent) {
        let added = Self.agentLineCount(event)
        // Yield under the lock so that concurrent publishers cannot reorder one subscriber's events.
        let backlogs = state.withLock { state -> [Locked<Int>] in
            for subscriber in state.subscribers {
                if added > 0 { subscriber.backlog.withLock { $0 += added } }
                subscriber.continuation.yield(event)
            }
            return added > 0 ? state.subscribers.map(\.backlog) : []
        }
        guard !backlogs.isEmpty else { return }
        let limit = maxPendingAgentLines
        let (seconds, attoseconds) = maxWait.components
        let deadline = DispatchTime.now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        while true {
            // Registered before the check, so a subscriber that catches up in between wakes us.
            // A wake-up nobody takes leaves the semaphore ahead: a later wait returns at once
            // and checks again, which costs one loop, never a missed wake-up.
            waiters.withLock { $0 += 1 }
            defer { waiters.withLock { $0 -= 1 } }
            guard backlogs.contains(where: { $0.value > limit }) else { return }
            if room.wait(timeout: deadline) == .timedOut { return }
        }
    }

    /// How many agent lines (output or activity) an event carries: what back-pressure counts.
    public static func agentLineCount(_ event: SchedulerEvent) -> Int {
        switch event {
        case .agentOutput(_, _, let lines): lines.count
        case .agentActivity(_, _, let activities): activities.count
        default: 0
        }
    }

    /// Agent output lines published but not yet taken, per subscriber (for tests and stats).
    public var pendingAgentLines: [Int] {
        state.withLock { $0.subscribers.map(\.backlog.value) }
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
            return state.subscribers.map(\.continuation)
        }
        for continuation in subscribers { continuation.finish() }
    }
}

/// One consumer's iterator, shared with the unfolding stream that wraps it.
///
/// Only that stream's single consumer calls `next`, one call at a time, which is what makes
/// the unchecked Sendable sound.
private final class IteratorBox: @unchecked Sendable {
    private var iterator: AsyncStream<SchedulerEvent>.AsyncIterator

    init(_ iterator: AsyncStream<SchedulerEvent>.AsyncIterator) {
        self.iterator = iterator
    }

    func next() async -> SchedulerEvent? {
        await iterator.next()
    }
}
