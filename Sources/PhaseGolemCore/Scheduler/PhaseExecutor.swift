/// How one executor run (a phase, or a triage) ended.
public enum ExecutionOutcome: Sendable, Equatable {
    case success(PhaseResult)
    case subphaseComplete(PhaseResult)
    case failed(String)
    /// Failed on its last attempt, which exited non-zero without a result file (the original's
    /// `failed`; docs/decisions.md D14 counts these for the streak rule). `lastWords` is the
    /// agent's last non-empty output line.
    case failedWithoutResult(String, lastWords: String?)
    case blocked(String)
    /// The agent could not work at all (docs/decisions.md D14): not the item's outcome.
    case agentFailed(AgentFailure)
    case cancelled
    /// The agent stopped itself at the run's spending limit: the item is not to blame (not
    /// blocked, no retry used); the run halts with `BudgetExhausted`.
    case budgetExhausted
}

/// What the executor and triage tasks share: the run's collaborators, all Sendable.
public struct RunContext: Sendable {
    public var coordinator: Coordinator
    public var runner: any AgentRunner
    public var loaded: LoadedConfig
    public var root: String
    public var events: EventBus
    public var shutdown: ShutdownFlag
    /// `.phase-golem/logs/<run-id>`, where each attempt's output is saved.
    public var logDirectory: String
    /// The agent's display name and model for log lines (`Claude CLI (model: default)`).
    public var agentDescription: String

    public init(coordinator: Coordinator, runner: any AgentRunner, loaded: LoadedConfig, root: String, events: EventBus,
                shutdown: ShutdownFlag, logDirectory: String, agentDescription: String) {
        self.coordinator = coordinator
        self.runner = runner
        self.loaded = loaded
        self.root = root
        self.events = events
        self.shutdown = shutdown
        self.logDirectory = logDirectory
        self.agentDescription = agentDescription
    }

    var config: PhaseGolemConfig { loaded.config }

    /// `{root}/.phase-golem/phase_result_{id}_{phase}.json`, the root as given (often relative).
    func resultPath(itemID: String, phase: String) -> String {
        FileIO.join(FileIO.join(root, ".phase-golem"), "phase_result_\(itemID)_\(phase).json")
    }

    func logPath(itemID: String, phase: String, attempt: Int) -> String {
        FileIO.join(logDirectory, Self.logFileName(itemID: itemID, phase: phase, attempt: attempt))
    }

    /// An attempt's log file name in the run's log folder (the journal names it too).
    static func logFileName(itemID: String, phase: String, attempt: Int) -> String {
        "\(itemID)_\(phase)_\(attempt).log"
    }

    /// Runs the agent, streaming its output as events; returns its result and the facts it
    /// reported (nil from a runner that sent none). A failure carries the last lines the agent
    /// printed and its facts, for telling agent failures apart and quoting it (docs/decisions.md D14).
    func runAgent(_ request: AgentRequest) async -> (Result<PhaseResult, AgentError>, AgentRunFacts?) {
        let events = self.events
        let itemID = request.itemID
        let phase = request.phase
        let tail = OutputTail()
        let result = await runner.run(request) { event in
            switch event {
            case .output(let lines):
                tail.append(lines)
                events.publish(.agentOutput(itemID: itemID, phase: phase, lines: lines))
            case .warning(let message): events.warn(message)
            case .debug(let message): events.debug(message)
            case .activity(let activities): events.publish(.agentActivity(itemID: itemID, phase: phase, activities: activities))
            case .facts(let facts): tail.record(facts)
            }
        }
        let facts = tail.facts
        let annotated = result.mapError { error in
            var error = error
            if error.outputTail.isEmpty { error.outputTail = tail.lines }
            if error.facts == nil { error.facts = facts }
            return error
        }
        return (annotated, facts)
    }
}

/// Runs one phase of one item: staleness check, phase-start record, attempts with retries,
/// identity validation (docs/compatibility.md#running-one-phase).
public struct PhaseExecutor: Sendable {
    public let context: RunContext

    public init(context: RunContext) {
        self.context = context
    }

    /// Runs the phase; returns how it ended and the commit it started from, which the caller
    /// stores as `x-pg-last-phase-commit` in the same write as the outcome (one store write per
    /// phase instead of two; the original wrote it at the start).
    ///
    /// The facts are those of every attempt taken together (`AgentRunFacts.adding`), nil when
    /// no agent ran.
    public func execute(item: StoreItem, phase: PhaseConfig, previousSummary: String?,
                        maxBudgetUSD: Double? = nil) async -> (ExecutionOutcome, String?, AgentRunFacts?) {
        var startSHA: String?
        var facts: AgentRunFacts?
        let outcome = await run(item: item, phase: phase, previousSummary: previousSummary, maxBudgetUSD: maxBudgetUSD,
                                startSHA: &startSHA, facts: &facts)
        return (outcome, startSHA, facts)
    }

    private func run(item: StoreItem, phase: PhaseConfig, previousSummary: String?, maxBudgetUSD: Double?,
                     startSHA: inout String?, facts: inout AgentRunFacts?) async -> ExecutionOutcome {
        if let unsafe = Self.unsafeNameReason(item.id) { return .failed(unsafe) }
        let tag = "[\(item.id)][\(phase.name.uppercased())]"
        let events = context.events
        let coordinator = context.coordinator

        if phase.isDestructive, let anchor = item.lastPhaseCommit {
            do {
                if try await !coordinator.isAncestor(anchor) {
                    switch phase.staleness {
                    case .ignore: break
                    case .warn: events.warn("\(tag) Warning: prior phase artifacts may be stale")
                    case .block: return .blocked("Stale: prior phase based on commit \(anchor) no longer in history")
                    }
                }
            } catch {
                // `Git error: ` as the original's coordinator worded it: the reason is stored and logged.
                return .blocked("Staleness check failed for commit \(anchor): Git error: \(error)")
            }
        }

        do {
            startSHA = try await coordinator.headSHA()
        } catch {
            return .failed("Failed to get HEAD SHA: \(error)")
        }
        let current = item

        let resultPath = context.resultPath(itemID: item.id, phase: phase.name)
        let changeFolder: String
        do {
            changeFolder = try ChangeFolder.resolve(root: context.root, itemID: item.id, title: item.title)
        } catch {
            return .failed("\(error)")
        }

        events.info("\(tag) Using \(context.agentDescription)")
        let attempts = context.config.execution.maxRetries + 1
        var failureContext: String?
        for attempt in 1...attempts {
            if context.shutdown.isRequested { return .cancelled }
            events.info("\(tag) Starting phase (attempt \(attempt)/\(attempts))")
            events.publish(.phaseStarted(itemID: item.id, phase: phase.name, attempt: attempt, maxAttempts: attempts,
                                         isDestructive: phase.isDestructive))
            let prompt = PromptBuilder.phasePrompt(
                item: current, phase: phase, config: context.loaded, changeFolder: changeFolder, resultPath: resultPath,
                previousSummary: previousSummary, previousFailure: failureContext)
            let request = AgentRequest(
                itemID: item.id, phase: phase.name, prompt: prompt, resultPath: resultPath, changeFolder: changeFolder,
                root: context.root, timeoutSeconds: context.config.execution.phaseTimeoutSeconds,
                logPath: context.logPath(itemID: item.id, phase: phase.name, attempt: attempt), attempt: attempt,
                maxBudgetUSD: maxBudgetUSD.map { max(0, $0 - (facts?.costUSD ?? 0)) },
                idleTimeoutSeconds: context.config.execution.idleTimeoutSeconds)
            let (agentResult, attemptFacts) = await context.runAgent(request)
            if let attemptFacts { facts = facts.map { $0.adding(attemptFacts) } ?? attemptFacts }
            // The CLI stopped itself at the run's budget: not the item's failure, no retry.
            if attemptFacts?.budgetExhausted == true, case .failure = agentResult { return .budgetExhausted }
            switch agentResult {
            case .success(let result):
                var mismatches: [String] = []
                if result.itemID != item.id { mismatches.append("item_id: expected '\(item.id)', got '\(result.itemID)'") }
                if result.phase != phase.name { mismatches.append("phase: expected '\(phase.name)', got '\(result.phase)'") }
                if !mismatches.isEmpty {
                    return .failed("Result identity mismatch: \(mismatches.joined(separator: "; "))")
                }
                switch result.result {
                case .subphaseComplete: return .subphaseComplete(result)
                case .phaseComplete: return .success(result)
                case .blocked: return .blocked(result.blockReason)
                case .failed:
                    if attempt == attempts {
                        return .failed("Phase \(phase.name) failed after \(attempt) attempts. Last failure: \(result.summary)")
                    }
                    events.info("\(tag) Failed (attempt \(attempt)/\(attempts)): \(result.summary)")
                    failureContext = result.summary
                }
            case .failure(let error):
                if context.shutdown.isRequested { return .cancelled }
                if let failure = AgentFailureClassifier.classify(error, cli: context.config.agent.cli) {
                    return .agentFailed(failure)
                }
                if attempt == attempts {
                    let reason = "Phase \(phase.name) failed after \(attempt) attempts. Last error: \(error)"
                    if case .noResultFile(let status) = error.cause, !status.isSuccess {
                        return .failedWithoutResult(reason, lastWords: AgentFailureClassifier.lastWords(error.outputTail, facts: error.facts))
                    }
                    return .failed(reason)
                }
                events.info("\(tag) Agent error (attempt \(attempt)/\(attempts)): \(error)")
                failureContext = error.description
            }
        }
        return .failed("Phase \(phase.name) failed after \(attempts) attempts")
    }

    /// Why an item id must not be used in a path, if it must not. Preflight refuses such ids
    /// before a run; this catches one written into the store during a run, and the standalone
    /// `triage`, which has no preflight.
    static func unsafeNameReason(_ id: String) -> String? {
        guard !SafeFileName.isSafe(id) else { return nil }
        return "Item id \"\(SafeFileName.displayed(id))\" cannot be used in a file name; give it an id of letters, digits and '-'"
    }

    /// Runs triage once: no retries, no identity check (docs/compatibility.md#handling-results).
    public func triage(item: StoreItem, backlog: [StoreItem]) async -> ExecutionOutcome {
        await triageReportingFacts(item: item, backlog: backlog).0
    }

    /// `triage`, with the facts the agent reported.
    public func triageReportingFacts(item: StoreItem, backlog: [StoreItem]) async -> (ExecutionOutcome, AgentRunFacts?) {
        if let unsafe = Self.unsafeNameReason(item.id) { return (.failed(unsafe), nil) }
        let resultPath = context.resultPath(itemID: item.id, phase: "triage")
        let prompt = PromptBuilder.triagePrompt(
            item: item, backlog: backlog.filter { $0.id != item.id },
            pipelineNames: context.config.sortedPipelineNames, resultPath: resultPath)
        context.events.publish(.phaseStarted(itemID: item.id, phase: "triage", attempt: 1, maxAttempts: 1, isDestructive: false))
        let request = AgentRequest(
            itemID: item.id, phase: "triage", prompt: prompt, resultPath: resultPath, changeFolder: "", root: context.root,
            timeoutSeconds: context.config.execution.phaseTimeoutSeconds,
            logPath: context.logPath(itemID: item.id, phase: "triage", attempt: 1), attempt: 1,
            idleTimeoutSeconds: context.config.execution.idleTimeoutSeconds)
        let (result, facts) = await context.runAgent(request)
        switch result {
        case .success(let result): return (.success(result), facts)
        case .failure(let error):
            // Ours: a triage cut short by shutdown is cancelled, not blocked (the original blocked it).
            if context.shutdown.isRequested { return (.cancelled, facts) }
            if facts?.budgetExhausted == true { return (.budgetExhausted, facts) }
            if let failure = AgentFailureClassifier.classify(error, cli: context.config.agent.cli) { return (.agentFailed(failure), facts) }
            return (.failed(error.description), facts)
        }
    }
}
