#if canImport(Glibc)
import Glibc
#endif

/// What `phase-golem run` was asked for on the command line.
public struct RunOptions: Sendable {
    public var root: String
    public var configPath: String?
    public var targets: [String]
    public var only: [String]
    /// nil: `execution.default_phase_cap` (docs/decisions.md D5).
    public var cap: Int?
    /// nil: `execution.auto_advance` from the config.
    public var autoAdvance: Bool?
    /// `--max-cost`; nil: `execution.max_cost_usd` (none by default).
    public var maxCostUSD: Double?

    public init(root: String = ".", configPath: String? = nil, targets: [String] = [], only: [String] = [], cap: Int? = nil,
                autoAdvance: Bool? = nil, maxCostUSD: Double? = nil) {
        self.maxCostUSD = maxCostUSD
        self.root = root
        self.configPath = configPath
        self.targets = targets
        self.only = only
        self.cap = cap
        self.autoAdvance = autoAdvance
    }
}

/// A run that passed every startup check and is ready to launch (the TUI's launch screen
/// shows it and may still change `params`).
public struct PreparedRun: Sendable {
    public var params: RunParams
    public var loaded: LoadedConfig
    public var items: [StoreItem]
    public var preflightErrors: [PreflightError]
    /// `Claude CLI (model: default)` and the like.
    public var agentDescription: String
}

/// The `run` command end to end: startup checks (docs/compatibility.md#run-startup), the scheduler, the final
/// commit and cleanup. Everything it says goes to the event bus.
public final class RunSession: @unchecked Sendable {
    // Mutated only by `prepare` and `execute`, which the caller runs one after the other.
    public let options: RunOptions
    public let events: EventBus
    public let shutdown: ShutdownFlag
    public let registry: ProcessGroupRegistry
    private let makeRunner: @Sendable (AgentConfig) -> any AgentRunner
    /// Who starts the agent, for preflight's root check (docs/decisions.md D14); tests inject it.
    private let host: ClaudeRootRule.Host
    private var lock: RuntimeLock?
    /// Names this run's attempt-log folder and journal: `20261125T183626Z-12345`.
    public let runID: String
    /// The run's journal, opened when the run starts (nil: none, as in tests and `triage`).
    public var journal: RunJournal?
    /// `execution.keep_runs`, or `PHASE_GOLEM_KEEP_RUNS`, checked at startup.
    private var keepRuns = 100
    /// The startup's parse of `tasks.jsonl`, handed on so a 10k-item store is parsed once, not three times.
    private var storeCache: CachedContents?

    /// - Parameter makeRunner: builds the agent runner for the loaded config (tests inject fakes).
    public init(options: RunOptions, events: EventBus, shutdown: ShutdownFlag, registry: ProcessGroupRegistry,
                host: ClaudeRootRule.Host = .current, makeRunner: @escaping @Sendable (AgentConfig) -> any AgentRunner) {
        self.options = options
        self.events = events
        self.shutdown = shutdown
        self.registry = registry
        self.host = host
        self.makeRunner = makeRunner
        runID = Self.runID()
    }

    private var root: String { options.root }

    /// Steps 2–14 of the startup: lock, git, config, agent, targets, filter, preflight.
    /// Throws the first fatal problem; preflight errors are returned for display.
    public func prepare() throws -> PreparedRun {
        let (loaded, agentDescription) = try startup()
        let config = loaded.config
        let items: [StoreItem]
        do {
            // No store folder: an empty backlog, so preflight reports it with its own three
            // lines and fix, as the original does.
            let hasStore = FileIO.isDirectory(FileIO.join(root, ".task-golem"))
            items = hasStore ? try TaskStore(root: root).loadActive(cache: &storeCache).items : []
        } catch {
            throw OperationError("Failed to load task-golem store: \(error)")
        }

        let targets = options.targets.map { $0.trimmed() }
        let activeIDs = Set(items.map(\.id))
        let archived = try archivedIDs(among: Set(targets).union(items.flatMap(\.dependencies)).subtracting(activeIDs))
        if !targets.isEmpty {
            let errors = TargetValidation.validate(targets, activeIDs: activeIDs, archivedIDs: archived)
            if !errors.isEmpty { throw OperationError(TargetValidation.formatError(errors)) }
        }
        var filter: ItemFilter?
        if !options.only.isEmpty {
            filter = try ItemFilter.parse(options.only)
        }
        let params = RunParams(targets: targets, filter: filter, cap: options.cap ?? config.execution.defaultPhaseCap,
                               autoAdvance: options.autoAdvance ?? config.execution.autoAdvance,
                               archivedTargets: Set(targets).intersection(archived),
                               maxCostUSD: options.maxCostUSD ?? config.execution.maxCostUSD)
        if params.maxCostUSD != nil, !config.agent.reportsCost, config.agent.cli == .codex {
            throw OperationError("A budget (--max-cost or execution.max_cost_usd) needs an agent whose cost is known. "
                + "Codex CLI reports tokens but no cost: add [agent] price = { input = …, cached_input = …, output = … } "
                + "(US dollars per million tokens) so phase-golem can compute it, or remove the budget.")
        }
        if params.maxCostUSD != nil, !config.agent.reportsCost {
            throw OperationError("A budget (--max-cost or execution.max_cost_usd) needs an agent that reports its cost: "
                + "Claude with [agent] output = \"stream-json\" (the default). The configured agent (\(AgentCommand(config.agent).displayName), "
                + "output \(config.agent.effectiveOutput.rawValue)) does not; remove the budget or change [agent].")
        }
        logConfiguration(params: params, config: config, items: items)

        events.info("")
        events.info("[pre] Running preflight checks...")
        let preflightErrors = Preflight(loaded: loaded, root: root, host: host).check(items: items, archivedIDs: archived)
        if preflightErrors.isEmpty {
            events.info("[pre] Preflight passed.")
        } else {
            events.error("[pre] Preflight FAILED:")
            for error in preflightErrors { events.error("  " + error.description) }
        }
        return PreparedRun(params: params, loaded: loaded, items: items, preflightErrors: preflightErrors,
                           agentDescription: agentDescription)
    }

    /// What `run` and `triage` share: header, runtime lock, stale results, git, config, agent.
    /// `triage` does the same steps without announcing them: the original's `triage` prints
    /// neither the header nor the lock and git lines, and scripts see its output as it was.
    private func startup(announce: Bool = true) throws -> (LoadedConfig, String) {
        if announce {
            events.info("--- Phase Golem ---")
            events.info("")
            events.info("[pre] Acquiring lock...")
        }
        do {
            lock = try RuntimeLock(root: root)
        } catch {
            throw OperationError(error.description)
        }
        let interrupted = lock?.interruptedHolder
        if let interrupted {
            events.warn("[pre] The previous run (PID \(interrupted)) ended without releasing the lock: checking what it left behind")
            // Its agents may still be at work; a second agent on the same files would be worse than a lost attempt.
            for pgid in ProcessGroupRegistry.stopLeftoverAgents(root: root) {
                events.warn("[pre] Stopped agent process group \(pgid), left running by the interrupted run (PID \(interrupted))")
            }
        }
        cleanStaleResults(tag: "pre")
        repairStore()

        if announce { events.info("[pre] Checking git preconditions...") }
        try GitPreconditions(root: root, events: events, interruptedHolder: interrupted, shutdown: shutdown).check()

        let loaded = try ConfigLoader.load(root: root, explicitPath: options.configPath)
        let config = loaded.config
        keepRuns = try RunHistory.keepRuns(configured: config.execution.keepRuns, environment: Self.environment([RunHistory.keepRunsVariable]))
        let agent = AgentCommand(config.agent)
        events.info("[pre] Verifying \(agent.displayName) ...")
        try agent.verifyAvailable(root: root)
        let model = config.agent.model ?? "default"
        let agentDescription = "\(agent.displayName) (model: \(model))"
        events.info("[config] Agent: \(agentDescription)")
        if config.agent.cli == .opencode { events.info("[config] Note: OpenCode CLI support is experimental.") }
        for line in agent.configLines { events.info(line) }
        if let path = agent.resolvedBinaryPath(root: root) {
            events.info("[config] Binary: \(path)")
        } else {
            events.warn("[config] Could not resolve binary path for \(agent.program)")
        }
        return (loaded, agentDescription)
    }

    /// The standalone `triage` command (docs/compatibility.md#other-commands): every New item once,
    /// no retries, each result applied as the run loop applies it (follow-ups, merges, routing:
    /// docs/decisions.md D15) and committed (D4). Returns how many items were triaged.
    public func triage() async throws -> Int {
        let (loaded, agentDescription) = try startup(announce: false)
        let context = makeContext(loaded: loaded, agentDescription: agentDescription)
        let coordinator = context.coordinator
        let executor = PhaseExecutor(context: context)
        let outcomes = OutcomeHandler(context: context)
        var triaged = 0
        for listed in try await coordinator.snapshot() where listed.pgStatus == .new {
            if shutdown.isRequested { break }
            let backlog = try await coordinator.snapshot()
            // An earlier triage may have merged this item away (D15).
            guard let item = backlog.first(where: { $0.id == listed.id }), item.pgStatus == .new else { continue }
            events.info("[\(item.id)][TRIAGE] Starting triage")
            switch await executor.triage(item: item, backlog: backlog) {
            case .success(let result):
                try await outcomes.applyTriage(item.id, result)
                events.info("[\(item.id)][TRIAGE] Result: \(result.result.debugName) -- \(result.summary)")
                triaged += 1
            case .failed(let error), .failedWithoutResult(let error, _):
                events.error("[\(item.id)][TRIAGE] Failed: \(error)")
            case .agentFailed(let failure):
                // docs/decisions.md D14: the item stays New for the next triage.
                events.error("[\(item.id)][TRIAGE] The agent could not work: \(failure.lastWords)")
                events.error("hint: \(failure.fix)")
            case .cancelled:
                events.info("[\(item.id)][TRIAGE] Cancelled: shutdown requested")
            case .blocked, .subphaseComplete, .budgetExhausted:
                // Standalone triage has no budget: the agent cannot have stopped for one.
                break
            }
        }
        registry.killAll()
        await coordinator.commitState(message: CommitMessage.afterTriage)
        events.info("Triaged \(triaged) item(s)")
        return triaged
    }

    /// Steps 15–19: run the scheduler, stop the agents, commit what is left, clean up.
    public func execute(_ prepared: PreparedRun) async throws -> RunSummary {
        guard prepared.preflightErrors.isEmpty else {
            throw OperationError("\(prepared.preflightErrors.count) preflight error(s) -- fix all issues before running")
        }
        journal?.open(JournalHeader(prepared: prepared, runID: runID, projectName: Self.projectName(root: root)), keepRuns: keepRuns)
        events.info("")
        let context = makeContext(loaded: prepared.loaded, agentDescription: prepared.agentDescription)
        let coordinator = context.coordinator
        let scheduler = Scheduler(params: prepared.params, context: context)
        let summary: RunSummary
        do {
            summary = try await scheduler.run()
        } catch let error as Git.Failure where error.isStop {
            registry.killAll()
            // git hung or was stopped: another commit would wait again. The state stays in the store.
            cleanStaleResults(tag: "post")
            let stop = GitStopError(failure: error, root: root)
            events.publish(.runFailed(stop.description))
            throw stop
        } catch {
            registry.killAll()
            // Not a halt reason: the run failed, and the commit says so.
            await coordinator.commitEverything(message: CommitMessage.afterError)
            cleanStaleResults(tag: "post")
            events.publish(.runFailed(String(describing: error)))
            throw error
        }
        registry.killAll()
        await coordinator.haltCommit(reason: summary.haltReason)
        cleanStaleResults(tag: "post")
        events.publish(.halted(summary))
        return summary
    }

    /// The coordinator (fed the startup's parse of the store), the agent runner and this run's log folder.
    private func makeContext(loaded: LoadedConfig, agentDescription: String) -> RunContext {
        let coordinator = Coordinator(store: TaskStore(root: root), prefix: loaded.config.project.prefix, events: events, cache: storeCache,
                                      shutdown: shutdown)
        return RunContext(
            coordinator: coordinator, runner: makeRunner(loaded.config.agent), loaded: loaded, root: root, events: events,
            shutdown: shutdown, logDirectory: FileIO.join(FileIO.join(RuntimeLock.directory(root: root), "logs"), runID),
            agentDescription: agentDescription)
    }

    /// Which of `wanted` (targets and dependencies not in the active list) are archived. The
    /// archive only grows, so it is read only when something is looked up in it.
    private func archivedIDs(among wanted: Set<String>) throws -> Set<String> {
        guard !wanted.isEmpty else { return [] }
        do {
            return wanted.intersection(try TaskStore(root: root).loadArchive().items.map(\.id))
        } catch {
            throw OperationError("Failed to load task-golem archive: \(error)")
        }
    }

    /// Releases the runtime lock (also released when the session is freed).
    public func finish() {
        lock = nil
    }

    // MARK: Steps

    /// Heals what a killed writer left in the store; a store that cannot be read is reported
    /// by the load that follows, with its own message.
    private func repairStore() {
        let store = TaskStore(root: root)
        guard FileIO.exists(store.activePath) else { return }
        do {
            for message in try StoreRepair.repair(store, cache: &storeCache) { events.warn("[pre] " + message) }
        } catch {
            // An unreadable store is the load's error, with the original's line: saying it twice
            // would only push that line down.
            switch error as? StoreError {
            case .corruption?, .unsupportedSchema?: return
            default: break
            }
            events.warn("[pre] Warning: could not check the store for an interrupted write: \(error)")
        }
    }

    private func cleanStaleResults(tag: String) {
        let directory = RuntimeLock.directory(root: root)
        let names = ((try? FileIO.entryNames(directory)) ?? []).filter { $0.hasPrefix("phase_result_") && $0.hasSuffix(".json") }
        var removed = 0
        for name in names {
            let path = FileIO.join(directory, name)
            guard !FileIO.isDirectory(path) else { continue }
            if unlink(path) == 0 {
                removed += 1
            } else {
                events.warn("Warning: could not remove stale result file \(path): \(String(cString: strerror(errno)))")
            }
        }
        if removed > 0 { events.info("[\(tag)] Cleaned up \(removed) stale result file(s) from .phase-golem/") }
    }

    private func logConfiguration(params: RunParams, config: PhaseGolemConfig, items: [StoreItem]) {
        events.info("")
        events.info("[config] Prefix: \(config.project.prefix)")
        let guardrails = config.guardrails
        events.info("[config] Guardrails: max_size=\(guardrails.maxSize.rawValue), max_complexity=\(guardrails.maxComplexity.rawValue), max_risk=\(guardrails.maxRisk.rawValue)")
        let execution = config.execution
        events.info("[config] Execution: max_wip=\(execution.maxWip), max_concurrent=\(execution.maxConcurrent), timeout=\(NumberText.decimal(execution.phaseTimeoutMinutes))min, retries=\(execution.maxRetries)")
        if params.targets.count == 1 {
            events.info("[config] Target: \(params.targets[0])")
        } else if params.targets.count > 1 {
            let rest = params.targets.dropFirst().joined(separator: ", ")
            events.info("[config] Targets: \(params.targets[0]) (active, 1/\(params.targets.count)), \(rest)")
        }
        if !params.targets.isEmpty {
            events.info("[config] Auto-advance: \(params.autoAdvance ? "on" : "off")")
        }
        if let filter = params.filter {
            let matching = items.filter { filter.matches($0) }.count
            events.info("[config] Filter: \(filter.display) — \(matching) items match (from \(items.count) total)")
        }
        events.info("[config] Phase cap: \(params.cap)")
        events.info("")
        for name in config.sortedPipelineNames {
            guard let pipeline = config.pipelines[name] else { continue }
            let pre = pipeline.prePhases.map(\.name).joined(separator: " -> ")
            let main = pipeline.phases.map(\.name).joined(separator: " -> ")
            events.info("[pipeline:\(name)] pre: [\(pre)] -> main: [\(main)]")
        }
        events.info("")
        var counts: [PGStatus: Int] = [:]
        for item in items { counts[item.pgStatus, default: 0] += 1 }
        events.info("[backlog] \(items.count) items: \(counts[.new] ?? 0) new, \(counts[.scoping] ?? 0) scoping, \(counts[.ready] ?? 0) ready, \(counts[.inProgress] ?? 0) in-progress, \(counts[.blocked] ?? 0) blocked, \(counts[.done] ?? 0) done")
        let next = items.filter { [.new, .scoping, .ready, .inProgress].contains($0.pgStatus) }
        if !next.isEmpty {
            events.info("[backlog] Next up:")
            for item in next.prefix(3) {
                events.info("  \(item.id) (\(item.pgStatus.debugName)) phase=\(item.phase ?? "-") -- \(item.title)")
            }
            if next.count > 3 { events.info("  ...") }
        }
    }

    /// The project's folder name: the last component of the resolved root, so `.` and
    /// `../acme` both show `acme`.
    public static func projectName(root: String) -> String {
        let resolved = FileIO.realPath(root) ?? root
        return resolved.split(separator: "/").last.map(String.init) ?? resolved
    }

    /// The named variables that are set, from the process environment.
    static func environment(_ names: [String]) -> [String: String] {
        var values: [String: String] = [:]
        for name in names {
            if let value = getenv(name) { values[name] = String(cString: value) }
        }
        return values
    }

    /// A sortable, unique-enough run id: `20261125T183626Z-12345`.
    static func runID() -> String {
        let now = Timestamp.now()
        let text = String(now.text.prefix(19).filter { $0 != "-" && $0 != ":" })
        return "\(text)Z-\(getpid())"
    }
}
