import PhaseGolemCore
#if canImport(Glibc)
import Glibc
#endif

/// `phase-golem watch`: the run screen of a run another process is running, rebuilt from its
/// journal (docs/journal.md) by the same reducer and renderer as the run's own TUI.
///
/// A follower thread tails the journal, reads the agent output it points at from the attempt
/// logs, and queues the events with the time they were written; the loop folds them as
/// `TUIApp` does, bounded per frame. The watcher writes nothing and signals the run only when
/// the operator confirms `s`.
public final class WatchApp: Sendable {
    public struct Outcome: Sendable {
        /// The run ended with an error rather than a summary: its message.
        public var runFailure: String?
    }

    private let root: String
    private let runID: String
    private let header: JournalHeader
    private let useColor: Bool
    private let logLevel: LogLevel

    /// `logLevel`: the run's log lines shown, as the run's own TUI shows them at that level (the
    /// journal keeps every level).
    public init(root: String, runID: String, header: JournalHeader, useColor: Bool, logLevel: LogLevel = .info) {
        self.logLevel = logLevel
        self.root = root
        self.runID = runID
        self.header = header
        self.useColor = useColor
    }

    /// Runs until the operator leaves. `onStop` asks the watched run to stop (SIGTERM).
    public func run(onStop: @escaping @Sendable () -> Void) throws -> Outcome {
        let terminal = try CursesTerminal(useColor: useColor)
        defer { terminal.restore() }
        let queue = Locked(EventQueue())
        let notice = Locked<String?>(nil)
        let stop = Locked(false)
        let follower = JournalFollower(root: root, runID: runID, pid: header.pid)
        BlockingThread.start { follower.follow(into: queue, notice: notice, stop: stop) }
        defer { stop.withLock { $0 = true } }

        var state = ViewState(watching: header, colors: terminal.colors, unicode: terminal.unicode)
        ViewReducer.resize(&state, width: terminal.size.width, height: terminal.size.height)
        var lastFrame = 0.0
        var dirty = true
        var shownClock: [Int] = []
        var stats = FrameStats()
        defer { stats.write() }
        while true {
            let key = terminal.readKey(timeoutMilliseconds: 15)
            let busyStart = MonotonicClock.seconds()
            let now = WallClock.seconds()
            if let key {
                if key == .resize {
                    let (width, height) = terminal.size
                    ViewReducer.resize(&state, width: width, height: height)
                    terminal.draw(Renderer.render(state, width: width, height: height), clear: true)
                } else {
                    for command in ViewReducer.reduce(&state, key: key, now: now) {
                        switch command {
                        case .requestShutdown, .forceShutdown: onStop()
                        case .quit, .exit: return Outcome(runFailure: nil)
                        case .launch, .detach: break
                        }
                    }
                }
                dirty = true
            }
            for (event, time) in queue.withLock({ $0.takeTimed() }) {
                if case .runFailed(let message) = event { return Outcome(runFailure: message) }
                if case .log(let level, _) = event, !logLevel.shows(level) { continue }
                if let time { ViewReducer.tick(&state, now: time) }
                ViewReducer.reduce(&state, event: event)
                dirty = true
            }
            if let text = notice.value, state.watchNotice != text, state.summary == nil {
                state.watchNotice = text
                dirty = true
            }
            if now - lastFrame >= TUIApp.frameInterval {
                ViewReducer.tick(&state, now: now)
                let clock = Renderer.clockReadings(state)
                if dirty || clock != shownClock {
                    let (width, height) = terminal.size
                    terminal.draw(Renderer.render(state, width: width, height: height))
                    dirty = false
                    shownClock = clock
                    if state.screen == .run { stats.frame(at: MonotonicClock.seconds()) }
                }
                lastFrame = now
            }
            stats.iteration(started: busyStart, finished: MonotonicClock.seconds())
        }
    }
}

/// Tails one run's journal into an `EventQueue`, on a thread of its own.
struct JournalFollower: Sendable {
    let root: String
    let runID: String
    let pid: Int32

    /// How often a journal with nothing new is read again.
    static let pollInterval: Duration = .milliseconds(50)

    func follow(into queue: Locked<EventQueue>, notice: Locked<String?>, stop: Locked<Bool>) {
        let reader = JournalReader(path: RunHistory.journalPath(root: root, runID: runID))
        let resolver = AgentLogResolver(root: root, runID: runID)
        var ended = false
        while !stop.value {
            let records = reader.poll()
            for timed in records {
                let time = Double(timed.time) / 1000
                switch timed.record {
                case .event(let event):
                    queue.withLock { $0.append(event, time: time) }
                case .output(let itemID, let phase, let source):
                    let event = resolver.event(itemID: itemID, phase: phase, source: source)
                    queue.withLock { $0.append(event, time: time) }
                case .end:
                    ended = true
                case .header:
                    break
                }
            }
            if ended { return }
            if records.isEmpty {
                // Nothing new and its process gone: it was killed (or the machine went down).
                if !RunHistory.isAlive(pid) {
                    let cut = reader.trailingBytes > 0 ? " (its last line was cut short)" : ""
                    notice.withLock { $0 = "The run is gone: its process (PID \(pid)) ended without a summary\(cut). Shown: what it wrote. q leaves." }
                    return
                }
                MonotonicClock.sleep(Self.pollInterval)
            }
        }
    }
}

extension ViewState {
    /// The state a watcher starts from: the run screen of the run a journal header describes.
    public init(watching header: JournalHeader, colors: Bool, unicode: Bool) {
        let input = TUIInput(projectName: header.projectName, agentDescription: header.agentDescription, params: header.params,
                             items: header.items.map { TUIInput.Item(id: $0.id, title: $0.title, status: $0.status, phase: $0.phase, phases: $0.phases) },
                             maxRetries: header.maxRetries, phaseTimeoutMinutes: header.phaseTimeoutMinutes,
                             breakerThreshold: header.breakerThreshold, defaultPhases: header.defaultPhases, colors: colors, unicode: unicode)
        self.init(input: input)
        watching = true
        ViewReducer.tick(&self, now: Double(header.startedAt) / 1000)
        ViewReducer.reduce(&self, event: .runStarted(header.params))
    }
}
