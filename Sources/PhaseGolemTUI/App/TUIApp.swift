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
        public var summary: RunSummary?
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
        let queue = Locked<[SchedulerEvent]>([])
        let stream = events
        let level = logLevel
        let consumer = Task.detached {
            for await event in stream {
                // The log pane shows what the plain log would print at this --log-level.
                if case .log(let messageLevel, _) = event, messageLevel != .error, messageLevel > level { continue }
                queue.withLock { $0.append(event) }
            }
        }
        defer { consumer.cancel() }

        var state = ViewState(input: makeInput(terminal.colors, terminal.unicode))
        ViewReducer.tick(&state, now: StoreLock.monotonicSeconds())
        ViewReducer.resize(&state, width: terminal.size.width, height: terminal.size.height)
        var summary: RunSummary?
        var lastFrame = 0.0
        var dirty = true
        if skipLaunch {
            // --yes: exactly what Enter on the launch screen does (preflight errors still stop it).
            for case .launch(let params) in ViewReducer.reduce(&state, key: .enter, now: StoreLock.monotonicSeconds()) {
                onLaunch(params)
            }
        }
        while true {
            let now = StoreLock.monotonicSeconds()
            if let key = terminal.readKey(timeoutMilliseconds: 15) {
                if key == .resize {
                    dirty = true
                    let (width, height) = terminal.size
                    ViewReducer.resize(&state, width: width, height: height)
                    terminal.draw(Renderer.render(state, width: width, height: height), clear: true)
                } else {
                    for command in ViewReducer.reduce(&state, key: key, now: now) {
                        switch command {
                        case .launch(let params): onLaunch(params)
                        case .requestShutdown: onShutdown(false)
                        case .forceShutdown: onShutdown(true)
                        case .quit(let code), .exit(let code): return Outcome(exitCode: code, summary: summary)
                        }
                    }
                    dirty = true
                }
            }
            let pending = queue.withLock { queue -> [SchedulerEvent] in
                defer { queue.removeAll(keepingCapacity: true) }
                return queue
            }
            for event in pending {
                if case .halted(let result) = event { summary = result }
                ViewReducer.reduce(&state, event: event)
                dirty = true
            }
            if let summary, leaveAfterHalt.value {
                return Outcome(exitCode: summary.exitCode, summary: summary)
            }
            if now - lastFrame >= Self.frameInterval {
                ViewReducer.tick(&state, now: now)
                // The run screen's spinner and elapsed times move on their own.
                if dirty || state.screen == .run {
                    let (width, height) = terminal.size
                    terminal.draw(Renderer.render(state, width: width, height: height))
                    dirty = false
                }
                lastFrame = now
            }
        }
    }
}
