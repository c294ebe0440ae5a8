import Dispatch

/// The plain-mode observer: prints the original's log lines and echoes agent output to stderr,
/// with escape sequences and control characters taken out (`TerminalText`).
public struct PlainPrinter: Sendable {
    public let level: LogLevel
    public let echoAgentOutput: Bool
    private let write: @Sendable ([UInt8]) -> Void

    public init(level: LogLevel, echoAgentOutput: Bool = true,
                write: @escaping @Sendable ([UInt8]) -> Void = { try? FileIO.writeAll(2, $0, path: "standard error") }) {
        self.level = level
        self.echoAgentOutput = echoAgentOutput
        self.write = write
    }

    /// Prints every event until the stream ends. The writes happen on a thread of their own: a
    /// slow or full standard error blocks that thread, never Swift's cooperative pool.
    public func consume(_ stream: AsyncStream<SchedulerEvent>) async {
        let writer = OffPoolWriter(write)
        for await event in stream {
            if let bytes = render(event) { await writer.enqueue(bytes) }
        }
        await writer.finish()
    }

    /// `[cost] [WRK-001][BUILD] $0.84 · 412k tokens, 380k cached · 14 turns · 3m12s`; nil
    /// when the agent reported neither cost nor tokens.
    public static func costLine(itemID: String, phase: String, facts: AgentRunFacts) -> String? {
        RunSummary.costFigures(facts).map { "[cost] [\(itemID)][\(phase.uppercased())] " + $0 }
    }

    /// The bytes an event prints, if any.
    public func render(_ event: SchedulerEvent) -> [UInt8]? {
        switch event {
        case .log(let messageLevel, let message):
            guard level.shows(messageLevel) else { return nil }
            // Messages quote titles, ids and agent summaries: store and agent text. A message of
            // several lines (a preflight error's three) keeps them: split first, then sanitize
            // each line, so stripping control characters cannot join them.
            return Array((TerminalText.plainLines(message) + "\n").utf8)
        case .agentOutput(_, _, let lines):
            guard echoAgentOutput, !lines.isEmpty else { return nil }
            var bytes: [UInt8] = []
            for line in lines {
                // The raw bytes are in the attempt's log file; a terminal only gets harmless text.
                bytes.append(contentsOf: TerminalText.plain(line.text).utf8)
                bytes.append(0x0A)
            }
            return bytes
        case .phaseFinished(let itemID, let phase, _, _, let facts?):
            // A line of its own after the phase's result line (docs/decisions.md D13).
            guard level.shows(.info), let line = Self.costLine(itemID: itemID, phase: phase, facts: facts) else { return nil }
            return Array((TerminalText.plainLines(line) + "\n").utf8)
        case .agentActivity(_, _, let activities):
            // Translated stream-json: one readable line per activity, instead of the JSON
            // (which is in the attempt's log file, byte for byte).
            guard echoAgentOutput, !activities.isEmpty else { return nil }
            var bytes: [UInt8] = []
            for activity in activities {
                bytes.append(contentsOf: TerminalText.plain(activity.text).utf8)
                bytes.append(0x0A)
            }
            return bytes
        default:
            return nil
        }
    }
}

/// Hands byte chunks to one writer thread, in order.
///
/// Rendering stays on the caller's task; only the write, which may block, moves. While more
/// than `maxPendingBytes` wait, `enqueue` suspends (never blocks), so a stalled standard error
/// still slows the event stream down and the EventBus's back-pressure reaches the agents.
/// A thread of its own rather than an actor on a Dispatch queue: allocating on a Dispatch
/// worker raised the run's peak memory by a fifth (a malloc arena of its own).
private final class OffPoolWriter: Sendable {
    private struct State {
        var pending: [[UInt8]] = []
        var pendingBytes = 0
        var finished = false
        var spaceWaiters: [CheckedContinuation<Void, Never>] = []
        var drained: CheckedContinuation<Void, Never>?
    }

    static let maxPendingBytes = 256 * 1024
    private let state = Locked(State())
    private let wake = DispatchSemaphore(value: 0)
    private let write: @Sendable ([UInt8]) -> Void

    init(_ write: @escaping @Sendable ([UInt8]) -> Void) {
        self.write = write
        BlockingThread.start { [self] in loop() }
    }

    func enqueue(_ bytes: [UInt8]) async {
        let full = state.withLock { state in
            state.pending.append(bytes)
            state.pendingBytes += bytes.count
            return state.pendingBytes > Self.maxPendingBytes
        }
        wake.signal()
        guard full else { return }
        await withCheckedContinuation { continuation in
            let roomAlready = state.withLock { state in
                guard state.pendingBytes > Self.maxPendingBytes else { return true }
                state.spaceWaiters.append(continuation)
                return false
            }
            if roomAlready { continuation.resume() }
        }
    }

    /// Returns once everything enqueued is written; the thread then ends.
    func finish() async {
        await withCheckedContinuation { continuation in
            state.withLock { state in
                state.finished = true
                state.drained = continuation
            }
            wake.signal()
        }
    }

    private func loop() {
        while true {
            wake.wait()
            let chunks = state.withLock { state in
                defer { state.pending.removeAll() }
                return state.pending
            }
            for chunk in chunks { write(chunk) }
            let written = chunks.reduce(0) { $0 + $1.count }
            let (waiters, drained) = state.withLock { state -> ([CheckedContinuation<Void, Never>], CheckedContinuation<Void, Never>?) in
                state.pendingBytes -= written
                var waiters: [CheckedContinuation<Void, Never>] = []
                if state.pendingBytes <= Self.maxPendingBytes { swap(&waiters, &state.spaceWaiters) }
                guard state.finished, state.pending.isEmpty else { return (waiters, nil) }
                defer { state.drained = nil }
                return (waiters, state.drained)
            }
            for waiter in waiters { waiter.resume() }
            if let drained {
                drained.resume()
                return
            }
        }
    }
}
