import PhaseGolemCore
#if canImport(Glibc)
import Glibc
#endif

/// The full-screen UI's loop: keys and engine events in, frames out, commands to the caller.
///
/// All curses calls happen on the thread that calls `run`. Engine events arrive on another
/// task and wait in a queue; the loop folds everything queued into the view state before each
/// frame, so a flood of agent output costs one redraw per frame, never a stalled keypress.
public final class TUIApp {
    /// How the UI ended.
    public struct Outcome: Sendable {
        public var exitCode: Int32
        public var summary: RunSummary?
    }

    private let input: TUIInput
    private let events: AsyncStream<SchedulerEvent>
    private let skipLaunch: Bool
    private let useColor: Bool
    private let leaveAfterHalt: Locked<Bool>

    /// Frames per second at most; enough for a smooth spinner and a live log.
    static let frameInterval = 1.0 / 30

    /// - Parameter leaveAfterHalt: set when the terminal may be gone (SIGHUP) or the operator
    ///   asked from outside (SIGTERM): then the UI exits as soon as the run halts.
    public init(input: TUIInput, events: AsyncStream<SchedulerEvent>, skipLaunch: Bool, useColor: Bool, leaveAfterHalt: Locked<Bool>) {
        self.input = input
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
        let consumer = Task.detached {
            for await event in stream {
                queue.withLock { $0.append(event) }
            }
        }
        defer { consumer.cancel() }

        var state = ViewState(input: input, unicode: terminal.unicode, colors: terminal.colors)
        var summary: RunSummary?
        var lastFrame = 0.0
        var dirty = true
        if skipLaunch {
            for command in ViewReducer.launch(&state) { onLaunch(command) }
        }
        while true {
            let now = StoreLock.monotonicSeconds()
            if let key = terminal.readKey(timeoutMilliseconds: 15) {
                if key == .resize {
                    dirty = true
                    terminal.draw(Renderer.render(state, width: terminal.size.width, height: terminal.size.height), clear: true)
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
                if dirty || state.isAnimating {
                    let (width, height) = terminal.size
                    terminal.draw(Renderer.render(state, width: width, height: height))
                    dirty = false
                }
                lastFrame = now
            }
        }
    }
}
