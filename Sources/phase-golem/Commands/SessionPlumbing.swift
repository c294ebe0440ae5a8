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
    /// The run's journal (`run` only; `triage` keeps none).
    private let journal: RunJournal?

    init(options: RunOptions, level: LogLevel, plain: Bool = true, journal wantsJournal: Bool = false) {
        let events = self.events
        let shutdown = self.shutdown
        let registry = self.registry
        let session = RunSession(options: options, events: events, shutdown: shutdown, registry: registry) { agent in
            CLIAgentRunner(config: agent, registry: registry, shutdown: shutdown)
        }
        self.session = session
        // Subscribed before anything is published, like the printer and the UI.
        // PHASE_GOLEM_JOURNAL=0 turns it off: for measuring what it costs (phase-golem-bench journal).
        let journalOff = ProcessEnvironment.all["PHASE_GOLEM_JOURNAL"] == "0"
        journal = wantsJournal && !journalOff ? RunJournal(root: options.root, runID: session.runID, events: events.subscribe()) : nil
        session.journal = journal
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
    }

    /// Lets the printer and the journal finish, releases the runtime lock, restores signal
    /// handling. The lock is released last, so a watcher never sees a free lock before the
    /// journal's last line.
    func finish() async {
        events.finish()
        await printing?.value
        if let failure = await journal?.finish() {
            Output.stderr("Warning: the run journal is incomplete (`phase-golem watch` and `runs` will not show all of this run): \(failure)")
        }
        session.finish()
        signals.stop()
    }
}
