import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Writes a run's journal, `.phase-golem/runs/<run-id>/events.jsonl`: a subscriber of the
/// event bus like the plain printer and the TUI (docs/journal.md).
///
/// Events are encoded on the subscriber's task and written by a thread of its own, everything
/// waiting at that moment in one `write`, so the engine never waits for the disk. Agent output
/// is recorded as a byte range of its attempt log, not copied. Nothing is written until
/// `open` gives the header (a run that fails its startup checks leaves no journal); the
/// events published before it, the startup's log lines, follow the header.
public final class RunJournal: Sendable {
    public let root: String
    public let runID: String
    private let sink: JournalSink
    private let consumer: Task<Void, Never>

    /// - Parameter events: a subscription taken before anything is published.
    public init(root: String, runID: String, events: AsyncStream<SchedulerEvent>) {
        self.root = root
        self.runID = runID
        let sink = JournalSink(root: root, runID: runID)
        self.sink = sink
        consumer = Task {
            var encoder = JournalEncoder()
            for await event in events {
                for chunk in encoder.chunks(for: event, time: WallClock.milliseconds()) { await sink.enqueue(chunk) }
            }
        }
    }

    /// Starts the file with `header`, after pruning all but the newest `keepRuns - 1` older runs.
    public func open(_ header: JournalHeader, keepRuns: Int) {
        sink.open(header: JournalRecord.encode(.header(header), time: header.startedAt), keepRuns: keepRuns)
    }

    /// Waits until the event stream has ended and everything is written (call after the bus is
    /// finished). Returns why the journal is incomplete, if a write failed.
    public func finish() async -> String? {
        await consumer.value
        return await sink.finish()
    }
}

/// Turns events into journal lines, keeping what a reference to an attempt log needs.
struct JournalEncoder {
    /// The attempt log of each item's running phase.
    private var logs: [String: String] = [:]
    private var phasesUsed = 0
    private var costUSD: Double?

    enum Chunk: Sendable {
        case line([UInt8])
        /// `summary.json`, the `--summary-json` content.
        case summary([UInt8])
    }

    mutating func chunks(for event: SchedulerEvent, time: Int64) -> [Chunk] {
        switch event {
        case .phaseStarted(let itemID, let phase, let attempt, _, _):
            let file = RunContext.logFileName(itemID: itemID, phase: phase, attempt: attempt)
            logs[itemID + "\u{0}" + phase] = file
        case .agentOutput(let itemID, let phase, let lines):
            return [.line(JournalRecord.encode(.output(itemID: itemID, phase: phase, source: outputSource(itemID, phase, lines)), time: time))]
        case .capUsage(let used, _):
            phasesUsed = used
        case .phaseFinished(_, _, _, _, let facts):
            if let cost = facts?.costUSD { costUSD = (costUSD ?? 0) + cost }
        case .halted(let summary):
            return [.line(JournalRecord.encode(.event(event), time: time)),
                    .line(JournalRecord.encode(.end(JournalEnd(exitCode: summary.exitCode, phases: summary.phasesExecuted, costUSD: costUSD)),
                                               time: time)),
                    .summary(Array(summary.json().utf8))]
        case .runFailed:
            return [.line(JournalRecord.encode(.event(event), time: time)),
                    .line(JournalRecord.encode(.end(JournalEnd(exitCode: 1, phases: phasesUsed, costUSD: costUSD)), time: time))]
        default:
            break
        }
        return [.line(JournalRecord.encode(.event(event), time: time))]
    }

    /// A byte range of the attempt log when the lines lie there one after another; the lines
    /// themselves otherwise (a runner that keeps no log, an overlong line, stdout lines the
    /// agent's translator turned into activity in between).
    private func outputSource(_ itemID: String, _ phase: String, _ lines: [AgentOutputLine]) -> JournalRecord.OutputSource {
        guard let file = logs[itemID + "\u{0}" + phase], let from = lines.first?.logOffset else { return .inline(lines) }
        var end = from
        for line in lines {
            guard line.logOffset == end, let bytes = line.logBytes else { return .inline(lines) }
            end += bytes
        }
        let stderr = lines.indices.filter { lines[$0].stream == .stderr }
        return .log(file: file, from: from, to: end, count: lines.count, stderrLines: stderr)
    }
}

/// The journal's writer thread: takes encoded lines in order and appends them in batches.
///
/// While more than `maxPendingBytes` wait, `enqueue` suspends (never blocks), so a disk that
/// stalls slows the journal's subscription, and through the bus's back-pressure the agents,
/// instead of growing memory.
final class JournalSink: Sendable {
    private struct State {
        var pending: [JournalEncoder.Chunk] = []
        var pendingBytes = 0
        var header: (bytes: [UInt8], keepRuns: Int)?
        var finished = false
        var spaceWaiters: [CheckedContinuation<Void, Never>] = []
        var drained: CheckedContinuation<String?, Never>?
    }

    static let maxPendingBytes = 1024 * 1024
    private let root: String
    private let runID: String
    private let state = Locked(State())
    private let wake = DispatchSemaphore(value: 0)

    init(root: String, runID: String) {
        self.root = root
        self.runID = runID
        BlockingThread.start { [self] in loop() }
    }

    func open(header: [UInt8], keepRuns: Int) {
        state.withLock { $0.header = (header, keepRuns) }
        wake.signal()
    }

    func enqueue(_ chunk: JournalEncoder.Chunk) async {
        let (full, wasIdle) = state.withLock { state in
            let wasIdle = state.pending.isEmpty
            state.pending.append(chunk)
            state.pendingBytes += chunk.count
            return (state.pendingBytes > Self.maxPendingBytes && state.header != nil, wasIdle)
        }
        // The thread takes everything pending when it wakes: one wake-up per batch, not per line.
        if wasIdle { wake.signal() }
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

    /// Returns once everything enqueued is written (or dropped, for a run never opened).
    func finish() async -> String? {
        await withCheckedContinuation { continuation in
            state.withLock { state in
                state.finished = true
                state.drained = continuation
            }
            wake.signal()
        }
    }

    private func loop() {
        var file: JournalFile?
        var failure: String?
        while true {
            wake.wait()
            let (header, chunks, finished) = state.withLock { state -> ((bytes: [UInt8], keepRuns: Int)?, [JournalEncoder.Chunk], Bool) in
                // Until the header is known, events wait: they follow it in the file.
                guard state.header != nil || state.finished else { return (nil, [], false) }
                defer { state.pending.removeAll() }
                return (state.header, state.pending, state.finished)
            }
            if file == nil, failure == nil, let header {
                do {
                    file = try JournalFile(root: root, runID: runID, header: header.bytes, keepRuns: header.keepRuns)
                } catch {
                    failure = error.description
                }
            }
            if let file, failure == nil {
                failure = file.write(chunks)
            }
            let written = chunks.reduce(0) { $0 + $1.count }
            let (waiters, drained) = state.withLock { state -> ([CheckedContinuation<Void, Never>], CheckedContinuation<String?, Never>?) in
                state.pendingBytes -= written
                var waiters: [CheckedContinuation<Void, Never>] = []
                if state.pendingBytes <= Self.maxPendingBytes { swap(&waiters, &state.spaceWaiters) }
                guard finished, state.pending.isEmpty else { return (waiters, nil) }
                defer { state.drained = nil }
                return (waiters, state.drained)
            }
            for waiter in waiters { waiter.resume() }
            if let drained {
                file?.close()
                drained.resume(returning: failure)
                return
            }
        }
    }
}

extension JournalEncoder.Chunk {
    var count: Int {
        switch self {
        case .line(let bytes), .summary(let bytes): bytes.count
        }
    }
}

/// The open `events.jsonl` of one run, used by the sink's thread only.
final class JournalFile {
    private var fd: Int32
    private let directory: String

    init(root: String, runID: String, header: [UInt8], keepRuns: Int) throws(FileIO.Failure) {
        directory = RunHistory.runDirectory(root: root, runID: runID)
        try FileIO.makeDirectories(directory)
        RunHistory.prune(root: root, keep: keepRuns, keeping: runID)
        let path = FileIO.join(directory, RunHistory.journalName)
        fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            throw FileIO.Failure(description: "Failed to open \(path): \(String(cString: strerror(code)))", errno: code)
        }
        try FileIO.writeAll(fd, header, path: path)
    }

    /// Appends the lines in one write; writes `summary.json` when it comes. Returns a failure.
    func write(_ chunks: [JournalEncoder.Chunk]) -> String? {
        var lines: [UInt8] = []
        for chunk in chunks {
            switch chunk {
            case .line(let bytes):
                lines.append(contentsOf: bytes)
            case .summary(let bytes):
                // The lines before it (the halted event) go first.
                if let failure = append(&lines) { return failure }
                do {
                    // Written once, at the end, whole (a script waiting for it never reads half of
                    // it); like the journal it needs no fsync: the journal holds the same summary.
                    try FileIO.writeAtomically(FileIO.join(directory, RunHistory.summaryName), chunks: [bytes], durable: false)
                } catch {
                    return error.description
                }
            }
        }
        return append(&lines)
    }

    private func append(_ lines: inout [UInt8]) -> String? {
        guard !lines.isEmpty else { return nil }
        defer { lines.removeAll() }
        do {
            try FileIO.writeAll(fd, lines, path: FileIO.join(directory, RunHistory.journalName))
            return nil
        } catch {
            return error.description
        }
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }
}
