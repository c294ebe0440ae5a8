import DequeModule
import PhaseGolemCore
#if canImport(Glibc)
import Glibc
#endif

/// The full-screen UI's loop: keys and engine events in, frames out, commands to the caller.
///
/// All curses calls happen on the thread that calls `run`. Engine events arrive on another
/// task and wait in a queue; the loop folds everything queued into the view state before each
/// frame, so a flood of agent output costs one redraw per frame, never a stalled keypress.
public final class TUIApp: Sendable {
    /// How the UI ended.
    public struct Outcome: Sendable {
        public var exitCode: Int32
        /// The launch screen's `d`: run these in the background instead (nothing ran here).
        public var detached: RunParams?

        public init(exitCode: Int32, detached: RunParams? = nil) {
            self.exitCode = exitCode
            self.detached = detached
        }
    }

    private let makeInput: @Sendable (_ colors: Bool, _ unicode: Bool) -> TUIInput
    private let events: AsyncStream<SchedulerEvent>
    private let skipLaunch: Bool
    private let useColor: Bool
    private let leaveAfterHalt: Locked<Bool>
    private let logLevel: LogLevel

    /// Frames per second at most; enough for a smooth spinner and a live log.
    static let frameInterval = 1.0 / 30

    /// - Parameter leaveAfterHalt: set when the terminal may be gone (SIGHUP) or the operator
    ///   asked from outside (SIGTERM): then the UI exits as soon as the run halts.
    /// - Parameter makeInput: builds the UI's input once the terminal says whether it has
    ///   colour and Unicode.
    public init(makeInput: @escaping @Sendable (_ colors: Bool, _ unicode: Bool) -> TUIInput, events: AsyncStream<SchedulerEvent>,
                skipLaunch: Bool, useColor: Bool, leaveAfterHalt: Locked<Bool>, logLevel: LogLevel = .info) {
        self.logLevel = logLevel
        self.makeInput = makeInput
        self.events = events
        self.skipLaunch = skipLaunch
        self.useColor = useColor
        self.leaveAfterHalt = leaveAfterHalt
    }

    /// Runs until the operator leaves. `onLaunch` starts the run with the launch screen's
    /// parameters; `onShutdown(force)` asks the engine to stop.
    public func run(onLaunch: @escaping @Sendable (RunParams) -> Void, onShutdown: @escaping @Sendable (Bool) -> Void) throws -> Outcome {
        let terminal = try CursesTerminal(useColor: useColor)
        defer { terminal.restore() }
        let queue = Locked(EventQueue())
        let stream = events
        let level = logLevel
        let consumer = Task.detached {
            for await event in stream {
                // The log pane shows what the plain log would print at this --log-level.
                if case .log(let messageLevel, _) = event, !level.shows(messageLevel) { continue }
                queue.withLock { $0.append(event) }
            }
        }
        defer { consumer.cancel() }

        var state = ViewState(input: makeInput(terminal.colors, terminal.unicode))
        ViewReducer.tick(&state, now: MonotonicClock.seconds())
        ViewReducer.resize(&state, width: terminal.size.width, height: terminal.size.height)
        var summary: RunSummary?
        var lastFrame = 0.0
        var dirty = true
        // The clock readings the frame on the terminal shows.
        var shownClock: [Int] = []
        var stats = FrameStats()
        defer { stats.write() }
        var launched = false
        var terminalGone = false
        if skipLaunch {
            // --yes: exactly what Enter on the launch screen does (preflight errors still stop it).
            for case .launch(let params) in ViewReducer.reduce(&state, key: .enter, now: MonotonicClock.seconds()) {
                launched = true
                onLaunch(params)
            }
        }
        while true {
            let now = MonotonicClock.seconds()
            let key = terminal.readKey(timeoutMilliseconds: 15)
            // From here to the end of the iteration a new key waits: that is the UI's key latency.
            let busyStart = MonotonicClock.seconds()
            if let key {
                if key == .resize {
                    dirty = true
                    let (width, height) = terminal.size
                    ViewReducer.resize(&state, width: width, height: height)
                    terminal.draw(Renderer.render(state, width: width, height: height), clear: true)
                } else {
                    for command in ViewReducer.reduce(&state, key: key, now: now) {
                        switch command {
                        case .launch(let params):
                            launched = true
                            onLaunch(params)
                        case .detach(let params): return Outcome(exitCode: 0, detached: params)
                        case .requestShutdown: onShutdown(false)
                        case .forceShutdown: onShutdown(true)
                        case .quit(let code), .exit(let code): return Outcome(exitCode: code)
                        }
                    }
                    dirty = true
                }
            }
            let pending = queue.withLock { $0.take() }
            for event in pending {
                if case .halted(let result) = event { summary = result }
                // No summary will come: leave, so the error reaches the restored terminal.
                if case .runFailed = event { return Outcome(exitCode: 1) }
                ViewReducer.reduce(&state, event: event)
                dirty = true
            }
            // A closed terminal (the pane or ssh session went away) reads as end of file for
            // ever: stop the run as SIGHUP would, and do not spin on a dead descriptor.
            if !terminalGone, Self.inputHungUp() {
                terminalGone = true
                onShutdown(false)
            }
            if terminalGone || leaveAfterHalt.value {
                if !launched { return Outcome(exitCode: 130) }
                if let summary { return Outcome(exitCode: summary.exitCode) }
                if terminalGone { MonotonicClock.sleep(.milliseconds(50)) }
            }
            if now - lastFrame >= Self.frameInterval {
                ViewReducer.tick(&state, now: now)
                // The run screen's spinner and elapsed times move on their own: a frame is drawn
                // when the state changed or when what they show would.
                let clock = Renderer.clockReadings(state)
                if dirty || clock != shownClock {
                    let (width, height) = terminal.size
                    terminal.draw(Renderer.render(state, width: width, height: height))
                    dirty = false
                    shownClock = clock
                    if state.screen == .run { stats.frame(at: now) }
                }
                lastFrame = now
            }
            stats.iteration(started: busyStart, finished: MonotonicClock.seconds())
        }
    }
}

extension TUIApp {
    /// Whether standard input reports a hang-up (its terminal is gone).
    static func inputHungUp() -> Bool {
        var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) > 0 else { return false }
        return descriptor.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
    }
}

/// Engine events waiting for the UI loop, bounded so that a flood of agent output can neither
/// grow memory nor hold a keypress up.
///
/// Events leave from the front of a `Deque` in O(1); agent output dropped for the bound leaves
/// a hole (nil) in place, so an append, a drop and a take each cost O(1) amortized under the lock.
struct EventQueue {
    /// nil: agent output dropped for the bound.
    private var events: Deque<SchedulerEvent?> = []
    /// When each event happened, for `watch` (which replays a journal); nil for live events.
    private var times: Deque<Double?> = []
    /// No agent output waits before this index (all dropped): where a drop looks first.
    private var firstOutput = 0
    private var pendingLines = 0
    private var skippedLines = 0

    /// Agent lines waiting beyond this are dropped, oldest first; they are all in the log file.
    static let maxPendingLines = 20_000
    /// Agent lines folded into the view per loop iteration, so keys are read in between.
    static let linesPerIteration = 2_500

    mutating func append(_ event: SchedulerEvent, time: Double? = nil) {
        events.append(event)
        times.append(time)
        pendingLines += Self.lines(event)
        var index = firstOutput
        while pendingLines > Self.maxPendingLines {
            while index < events.count, Self.lines(events[index]) == 0 { index += 1 }
            guard index < events.count else { break }
            let count = Self.lines(events[index])
            events[index] = nil
            pendingLines -= count
            skippedLines += count
            index += 1
        }
        firstOutput = index
    }

    /// The next events to fold, within the per-iteration budget.
    mutating func take() -> [SchedulerEvent] {
        takeTimed().map(\.event)
    }

    /// The next events to fold with their times, within the per-iteration budget.
    mutating func takeTimed() -> [(event: SchedulerEvent, time: Double?)] {
        var taken: [(event: SchedulerEvent, time: Double?)] = []
        if skippedLines > 0 {
            taken.append((.log(.info, "… \(skippedLines) agent output lines not shown here (all are in the attempt's log file)"), nil))
            skippedLines = 0
        }
        var budget = Self.linesPerIteration
        while let first = events.first {
            if let event = first {
                let lines = Self.lines(event)
                if lines > 0 && budget <= 0 { break }
                budget -= lines
                pendingLines -= lines
                taken.append((event, times.first ?? nil))
            }
            events.removeFirst()
            times.removeFirst()
            firstOutput = max(0, firstOutput - 1)
        }
        return taken
    }

    private static func lines(_ event: SchedulerEvent?) -> Int {
        event.map(EventBus.agentLineCount) ?? 0
    }
}

/// Frame and loop timings for the TUI benchmark, written as JSON to `$PHASE_GOLEM_TUI_STATS`
/// when that is set (otherwise nothing is recorded or written).
struct FrameStats {
    private let path = getenv("PHASE_GOLEM_TUI_STATS").map { String(cString: $0) }
    private var frames = 0
    private var firstFrame: Double?
    private var lastFrame: Double?
    private var longestGap = 0.0
    private var longestIteration = 0.0

    mutating func frame(at now: Double) {
        guard path != nil else { return }
        if let lastFrame { longestGap = max(longestGap, now - lastFrame) }
        if firstFrame == nil { firstFrame = now }
        lastFrame = now
        frames += 1
    }

    mutating func iteration(started: Double, finished: Double) {
        guard path != nil else { return }
        longestIteration = max(longestIteration, finished - started)
    }

    func write() {
        guard let path, let firstFrame, let lastFrame else { return }
        let seconds = max(lastFrame - firstFrame, 0.001)
        let text = "{\"frames\":\(frames),\"seconds\":\(seconds),\"fps\":\(Double(frames) / seconds),"
            + "\"longest_gap_ms\":\(longestGap * 1000),\"longest_key_wait_ms\":\(longestIteration * 1000)}\n"
        try? FileIO.writeAtomically(path, chunks: [Array(text.utf8)])
    }
}
