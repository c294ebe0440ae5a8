import CSystemShims
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGINT, SIGTERM and SIGHUP into a graceful shutdown request; a second SIGINT within
/// a few seconds kills the agents' process groups at once (docs/decisions.md "Signals", D10).
public final class SignalMonitor: @unchecked Sendable {
    // The sources are created in init and only cancelled afterwards.
    private let sources: [any DispatchSourceSignal]
    /// The signals watched: those not already ignored when the run started.
    private let watched: [Int32]
    private static let queue = DispatchQueue(label: "phase-golem.signals")

    /// How close a second Ctrl-C must follow the first to force.
    public static let forceWindowSeconds = 5.0

    /// Starts watching; `onFirst` and `onForce` run on a private queue.
    /// - Parameter onSignal: called with each first-time signal before shutdown is requested
    ///   (the TUI uses it to leave right after the halt: the terminal may be gone).
    public init(shutdown: ShutdownFlag, registry: ProcessGroupRegistry, events: EventBus,
                onSignal: (@Sendable (Int32) -> Void)? = nil) {
        let firstAt = Locked<Double?>(nil)
        var sources: [any DispatchSourceSignal] = []
        // A signal ignored from the start stays ignored: under `nohup`, closing the terminal
        // must not stop the run.
        let watched = [SIGINT, SIGTERM, SIGHUP].filter { pg_signal_is_ignored($0) == 0 }
        for signalNumber in watched {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: Self.queue)
            source.setEventHandler {
                let now = MonotonicClock.seconds()
                let previous = firstAt.withLock { value -> Double? in
                    let old = value
                    if old == nil { value = now }
                    return old
                }
                if let previous {
                    if signalNumber == SIGINT, now - previous <= Self.forceWindowSeconds {
                        events.warn("Second interrupt: killing agent processes now.")
                        shutdown.force()
                        registry.killAllNow()
                    }
                    return
                }
                onSignal?(signalNumber)
                let name = signalNumber == SIGINT ? "SIGINT" : signalNumber == SIGTERM ? "SIGTERM" : "SIGHUP"
                events.warn("Received \(name): shutting down gracefully (state will be saved). Press Ctrl-C again to force.")
                shutdown.request()
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
        self.watched = watched
    }

    /// Stops watching and restores the default dispositions of the signals it watched.
    public func stop() {
        for source in sources { source.cancel() }
        for signalNumber in watched { signal(signalNumber, SIG_DFL) }
    }
}
