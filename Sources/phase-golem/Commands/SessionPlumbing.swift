import PhaseGolemCore

/// The wiring `run` and `triage` share: event bus, plain printer, signals, agent runner.
struct SessionPlumbing {
    let events = EventBus()
    let shutdown = ShutdownFlag()
    let registry = ProcessGroupRegistry()
    let session: RunSession
    private let printing: Task<Void, Never>
    private let signals: SignalMonitor

    init(options: RunOptions, level: LogLevel) {
        let events = self.events
        let shutdown = self.shutdown
        let registry = self.registry
        // Subscribe before anything is published: a stream only sees events after it exists.
        let stream = events.subscribe()
        let printer = PlainPrinter(level: level)
        printing = Task { await printer.consume(stream) }
        signals = SignalMonitor(shutdown: shutdown, registry: registry, events: events)
        session = RunSession(options: options, events: events, shutdown: shutdown, registry: registry) { agent in
            CLIAgentRunner(config: agent, registry: registry, shutdown: shutdown)
        }
    }

    /// Releases the runtime lock, lets the printer finish, restores signal handling.
    func finish() async {
        session.finish()
        events.finish()
        await printing.value
        signals.stop()
    }
}
