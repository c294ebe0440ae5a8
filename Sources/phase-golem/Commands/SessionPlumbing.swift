import PhaseGolemCore

/// The wiring `run` and `triage` share: event bus, plain printer, signals, agent runner.
struct SessionPlumbing {
    let events = EventBus()
    let shutdown = ShutdownFlag()
    let registry = ProcessGroupRegistry()
    let session: RunSession
    /// Set by SIGTERM/SIGHUP/SIGINT from outside: the UI then leaves right after the halt.
    let signalled = Locked(false)
    /// The TUI's event stream (nil in plain mode), subscribed before anything is published.
    let uiEvents: AsyncStream<SchedulerEvent>?
    private let printing: Task<Void, Never>?
    private let signals: SignalMonitor

    init(options: RunOptions, level: LogLevel, plain: Bool = true) {
        let events = self.events
        let shutdown = self.shutdown
        let registry = self.registry
        // Subscribe before anything is published: a stream only sees events after it exists.
        if plain {
            let stream = events.subscribe()
            let printer = PlainPrinter(level: level)
            printing = Task { await printer.consume(stream) }
            uiEvents = nil
        } else {
            printing = nil
            uiEvents = events.subscribe()
        }
        let signalled = self.signalled
        signals = SignalMonitor(shutdown: shutdown, registry: registry, events: events) { _ in
            signalled.withLock { $0 = true }
        }
        session = RunSession(options: options, events: events, shutdown: shutdown, registry: registry) { agent in
            CLIAgentRunner(config: agent, registry: registry, shutdown: shutdown)
        }
    }

    /// Releases the runtime lock, lets the printer finish, restores signal handling.
    func finish() async {
        session.finish()
        events.finish()
        await printing?.value
        signals.stop()
    }
}
