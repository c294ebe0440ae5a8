/// The run loop: select actions, run phases, hand their results to the `OutcomeHandler`, until
/// a halt reason (docs/compatibility.md#the-run-loop; the numbered steps below are its steps).
///
/// One instance runs one loop inside one task; phase and triage work runs in child tasks that
/// only see the Sendable `RunContext`, and report back through `Completion` values.
public final class Scheduler {
    typealias Completion = OutcomeHandler.Completion
    typealias TaskGroup = ThrowingTaskGroup<Completion, any Error>

    let params: RunParams
    let context: RunContext
    private let outcomes: OutcomeHandler
    private var events: EventBus { context.events }
    private var coordinator: Coordinator { context.coordinator }
    private var execution: ExecutionConfig { context.config.execution }

    // Run state (docs/compatibility.md#the-run-loop); what results change is the `OutcomeHandler`'s.
    private(set) var phasesExecuted = 0
    private var skippedTargets: [RunSummary.SkippedTarget] = []
    private var targetIndex = 0
    private var announcedTarget = -1
    private var running: [String: RunningTask] = [:]

    public init(params: RunParams, context: RunContext) {
        self.params = params
        self.context = context
        self.outcomes = OutcomeHandler(context: context, targets: params.targets)
    }

    /// Runs until a halt reason; a coordinator failure (the store cannot be read or written, a
    /// git that hung) ends the run with that error.
    public func run() async throws -> RunSummary {
        events.info("Scheduler started (max_wip=\(execution.maxWip), max_concurrent=\(execution.maxConcurrent)).")
        events.publish(.runStarted(params))
        events.publish(.capUsage(used: 0, cap: params.cap))
        events.publish(.breakerChanged(count: 0, threshold: outcomes.breakerThreshold))
        let reason = try await withThrowingTaskGroup(of: Completion.self) { group in
            try await loop(&group)
        }
        return await summary(reason)
    }

    private func loop(_ group: inout TaskGroup) async throws -> HaltReason {
        while true {
            // 1. Cancellation.
            if context.shutdown.isRequested {
                return try await halt(.shutdownRequested, &group)
            }
            // 2a. Ours (docs/decisions.md D14): the agent cannot work; before the breaker, which
            // the same failures may have tripped.
            if outcomes.agentUnavailable != nil {
                return try await halt(.agentUnavailable, &group)
            }
            // 2. Circuit breaker.
            if outcomes.breakerTripped {
                events.warn("Circuit breaker tripped: \(outcomes.breakerThreshold) consecutive items exhausted retries")
                return try await halt(.circuitBreakerTripped, &group)
            }
            // 3. Snapshot: a fresh read each iteration, so items added meanwhile are seen.
            let snapshot = try await coordinator.snapshot()

            // 4. Target mode.
            if !params.targets.isEmpty {
                switch try await advanceTargets(snapshot: snapshot, group: &group) {
                case .halt(let reason): return reason
                case .restart: continue
                case .proceed: break
                }
            }

            // 5. Filter mode.
            var candidates = snapshot
            if params.targets.isEmpty, let filter = params.filter {
                candidates = snapshot.filter { filter.matches($0) }
                if let reason = filterHalt(candidates, filter) { return try await halt(reason, &group) }
            }

            // 6. Select.
            let actions: [SchedulerAction]
            if !params.targets.isEmpty {
                actions = ActionSelection.selectTargeted(
                    target: params.targets[targetIndex], items: snapshot, running: Array(running.values), pipelines: context.config.pipelines)
            } else {
                actions = ActionSelection.select(
                    items: candidates, running: Array(running.values), execution: execution, pipelines: context.config.pipelines)
            }

            // 7. Nothing to do.
            if actions.isEmpty && running.isEmpty {
                if let waiting = ActionSelection.unmetDependencySummary(items: candidates) {
                    events.info(waiting)
                }
                events.info("No actionable items — all done or blocked.")
                return try await halt(.allDoneOrBlocked, &group)
            }

            // Ours: a run whose spend reached its budget starts nothing more (docs/decisions.md D13).
            if budgetReached {
                events.info("[budget] Spend \(ActivitySummary.cost(outcomes.knownSpendUSD)) reached the budget of \(ActivitySummary.cost(params.maxCostUSD ?? 0)); halting")
                return try await halt(.budgetExhausted, &group)
            }

            // 8–9. Process actions in order.
            try await start(actions, snapshot: snapshot, group: &group)

            // 10. Cap.
            if phasesExecuted >= params.cap && running.isEmpty {
                return try await halt(.capReached, &group)
            }

            // 11. Wait for one task (shutdown makes running agents end promptly).
            if !running.isEmpty, let completion = try await group.next() {
                running[completion.itemID] = nil
                do {
                    try await outcomes.handle(completion, othersRunning: !running.isEmpty)
                } catch let error as StoreError where error.isIOFailure {
                    throw UnsavedOutcomeError(itemID: completion.itemID, phase: completion.phase, cause: error)
                }
                if case .agentFailed = completion.outcome {
                    // docs/decisions.md D14: the attempt did not count against the cap either.
                    phasesExecuted -= 1
                    events.publish(.capUsage(used: phasesExecuted, cap: params.cap))
                    if let wait = outcomes.pendingBackoff {
                        await backoff(wait)
                        outcomes.backoffTaken()
                    }
                }
            }

            // 12. Batch commit.
            try await batchCommit()
        }
    }

    /// Step 5's halt, if the filter leaves nothing to do.
    private func filterHalt(_ candidates: [StoreItem], _ filter: ItemFilter) -> HaltReason? {
        guard candidates.allSatisfy({ $0.pgStatus == .done || $0.pgStatus == .blocked }) else { return nil }
        if candidates.isEmpty, outcomes.itemsCompleted.isEmpty, outcomes.itemsBlocked.isEmpty {
            events.info("[filter] No items match filter criteria: \(filter.display)")
            return .noMatchingItems
        }
        events.info("[filter] All items matching \(filter.display) are done or blocked.")
        return .filterExhausted
    }

    /// Steps 8 and 9: log the schedule, promote, start triages and phases until the cap.
    private func start(_ actions: [SchedulerAction], snapshot: [StoreItem], group: inout TaskGroup) async throws {
        if !actions.isEmpty {
            events.info("")
            events.info("Scheduling: [\(actions.map(\.description).joined(separator: ", "))]")
        }
        for action in actions {
            switch action {
            case .promote(let id):
                try await promote(id, snapshot: snapshot)
            case .triage(let id):
                guard phasesExecuted < params.cap, !budgetReached else { return }
                guard let item = snapshot.first(where: { $0.id == id }) else { continue }
                countPhase()
                events.info("[\(id)][TRIAGE] Starting triage")
                running[id] = RunningTask(itemID: id, phase: "triage", pool: .pre, isDestructive: false)
                let executor = PhaseExecutor(context: context)
                group.addTask {
                    let (outcome, facts) = await executor.triageReportingFacts(item: item, backlog: snapshot)
                    return Completion(itemID: id, phase: "triage", isTriage: true, outcome: outcome, facts: facts)
                }
            case .runPhase(let id, let phaseName, let pool, let isDestructive):
                guard phasesExecuted < params.cap, !budgetReached else { return }
                countPhase()
                events.info("[\(id)][\(phaseName.uppercased())] Starting phase (\(isDestructive ? "destructive" : "non-destructive"))")
                events.debug("Progress: \(phasesExecuted)/\(params.cap) phases used")
                running[id] = RunningTask(itemID: id, phase: phaseName, pool: pool, isDestructive: isDestructive)
                let executor = PhaseExecutor(context: context)
                let item = snapshot.first { $0.id == id }
                let pipelines = context.config.pipelines
                let previous = outcomes.previousSummary(of: id)
                let budgetLeft = params.maxCostUSD.map { $0 - outcomes.knownSpendUSD }
                group.addTask {
                    guard let item else {
                        return Completion(itemID: id, phase: phaseName, isTriage: false, outcome: .failed("Item not found in snapshot"))
                    }
                    let type = item.pipelineType ?? PipelineConfig.defaultName
                    guard let pipeline = pipelines[type] else {
                        return Completion(itemID: id, phase: phaseName, isTriage: false, outcome: .failed("Pipeline '\(type)' not found"))
                    }
                    guard let phase = pipeline.phase(named: phaseName) else {
                        return Completion(itemID: id, phase: phaseName, isTriage: false, outcome: .failed("Phase '\(phaseName)' not found in pipeline"))
                    }
                    let (outcome, startSHA, facts) = await executor.execute(item: item, phase: phase, previousSummary: previous,
                                                                             maxBudgetUSD: budgetLeft)
                    return Completion(itemID: id, phase: phaseName, isTriage: false, outcome: outcome, startSHA: startSHA,
                                      facts: facts)
                }
            }
        }
    }

    /// Waits before retrying after an agent failure; a shutdown ends the wait at once.
    private func backoff(_ wait: Duration) async {
        let end = ContinuousClock.now + wait
        while !context.shutdown.isRequested, ContinuousClock.now < end {
            try? await Task.sleep(for: min(.milliseconds(100), end - ContinuousClock.now))
        }
    }

    /// The known spend reached the budget, or an agent stopped itself at it.
    private var budgetReached: Bool {
        guard let maxCost = params.maxCostUSD else { return false }
        return outcomes.budgetExhausted || outcomes.knownSpendUSD >= maxCost
    }

    private func countPhase() {
        phasesExecuted += 1
        events.publish(.capUsage(used: phasesExecuted, cap: params.cap))
    }

    // MARK: Halting

    /// Every way the loop stops: the tasks in flight are drained and the batch committed
    /// (docs/compatibility.md#the-run-loop), except where nothing can be in flight.
    ///
    /// A batch commit failure is ignored, but for the cap's (a warning, as the original) and a
    /// git that hung or was stopped (the run ends with that error: its state is in the store).
    private func halt(_ reason: HaltReason, _ group: inout TaskGroup) async throws -> HaltReason {
        switch reason {
        case .allDoneOrBlocked:
            // Step 7: nothing running, nothing staged since the last commit.
            return reason
        case .capReached:
            try await batchCommit()
        default:
            try await drain(&group)
            do {
                try await coordinator.batchCommit()
            } catch let error as Git.Failure where error.isStop {
                throw error
            } catch {}
        }
        return reason
    }

    /// Commits the pending batch; a failure is a warning (step 12), but for a git that hung or was stopped.
    private func batchCommit() async throws {
        do {
            try await coordinator.batchCommit()
        } catch let error as Git.Failure where error.isStop {
            throw error
        } catch {
            events.warn("Warning: batch commit failed: \(error)")
        }
    }

    /// Awaits every in-flight task and handles its result; handler errors are ignored (docs/compatibility.md#the-run-loop),
    /// but for a git that hung or was stopped.
    private func drain(_ group: inout TaskGroup) async throws {
        while !running.isEmpty {
            guard let completion = try? await group.next() else { break }
            running[completion.itemID] = nil
            do {
                try await outcomes.handle(completion, othersRunning: !running.isEmpty)
            } catch let error as Git.Failure where error.isStop {
                running.removeAll()
                throw error
            } catch {}
        }
        running.removeAll()
    }

    // MARK: Targets (docs/compatibility.md#the-run-loop step 4 and the auto-advance design)

    enum TargetStep {
        case proceed
        /// An auto-advance happened: start the loop over with a fresh snapshot.
        case restart
        case halt(HaltReason)
    }

    /// Moves the target index past finished targets, or decides that the run stops.
    private func advanceTargets(snapshot: [StoreItem], group: inout TaskGroup) async throws -> TargetStep {
        let total = params.targets.count
        if targetIndex < total, outcomes.itemsBlocked.contains(params.targets[targetIndex]) {
            let id = params.targets[targetIndex]
            let position = "\(targetIndex + 1)/\(total)"
            let reason = snapshot.first { $0.id == id }?.blockedReason
            guard params.autoAdvance else {
                events.info("[target] \(id) blocked (\(position)). Halting.")
                events.publish(.targetBlocked(id: id, index: targetIndex, total: total, reason: reason, autoAdvancing: false, next: nil))
                return .halt(try await halt(.targetBlocked, &group))
            }
            events.info("[target] \(id) blocked (\(position)). Auto-advancing.")
            let nextTarget: String? = targetIndex + 1 < total ? params.targets[targetIndex + 1] : nil
            events.publish(.targetBlocked(id: id, index: targetIndex, total: total, reason: reason, autoAdvancing: true, next: nextTarget))
            // Drained and committed as a halt would, but the run goes on.
            _ = try await halt(.targetBlocked, &group)
            // docs/decisions.md D9: the blocked state in its own commit before the next target starts.
            do {
                try await coordinator.commitBlockedTarget(id)
            } catch let error as Git.Failure where error.isStop {
                throw error
            } catch {
                events.warn("Warning: could not commit the blocked state of \(id): \(error)")
            }
            outcomes.resetBreaker()
            targetIndex += 1
            return .restart
        }
        while targetIndex < total {
            let id = params.targets[targetIndex]
            let position = "\(targetIndex + 1)/\(total)"
            if outcomes.itemsCompleted.contains(id) {
                // docs/decisions.md D11: completed in this run; already reported as completed.
                targetIndex += 1
                continue
            }
            guard let item = snapshot.first(where: { $0.id == id }) else {
                if params.archivedTargets.contains(id) {
                    // docs/decisions.md D12: archived before this run, so the same command can be run again.
                    events.info("[target] \(id) already done. Skipping (\(position)).")
                    skip(id, "already done")
                    continue
                }
                events.warn("[target] \(id) not found (archived?). Skipping (\(position)).")
                skip(id, "not found (archived?)")
                continue
            }
            switch item.pgStatus {
            case .done:
                events.info("[target] \(id) already done. Skipping (\(position)).")
                skip(id, "already done")
                continue
            case .blocked:
                events.info("[target] \(id) already blocked. Skipping (\(position)).")
                skip(id, "already blocked" + (item.blockedReason.map { ": \($0)" } ?? ""))
                continue
            default:
                break
            }
            if targetIndex > announcedTarget {
                announcedTarget = targetIndex
                events.publish(.targetStarted(id: id, index: targetIndex, total: total))
            }
            return .proceed
        }
        return .halt(try await halt(.targetCompleted, &group))
    }

    private func skip(_ id: String, _ reason: String) {
        events.publish(.targetSkipped(id: id, index: targetIndex, total: params.targets.count, reason: reason))
        skippedTargets.append(RunSummary.SkippedTarget(id: id, reason: reason))
        targetIndex += 1
    }

    // MARK: Promotion (docs/compatibility.md#handling-results)

    private func promote(_ id: String, snapshot: [StoreItem]) async throws {
        guard let item = snapshot.first(where: { $0.id == id }) else {
            throw OperationError("Item \(id) not found for promotion")
        }
        let type = item.pipelineType ?? PipelineConfig.defaultName
        guard let pipeline = context.config.pipelines[type] else {
            throw OperationError("Pipeline '\(type)' not found for promotion")
        }
        guard let first = pipeline.firstMainPhase else {
            throw OperationError("Pipeline '\(type)' has no main phases")
        }
        try await coordinator.apply(id, [.transitionStatus(.inProgress), .setPhase(first.name), .setPhasePool(.main)])
        events.info("\(id) → in_progress (starting at \(first.name))")
        events.publish(.itemPromoted(id: id, phase: first.name))
    }

    // MARK: Summary

    private func summary(_ reason: HaltReason) async -> RunSummary {
        var reasons: [String: String] = [:]
        if let final = try? await coordinator.snapshot() {
            for item in final where outcomes.itemsBlocked.contains(item.id) {
                if let reason = item.blockedReason { reasons[item.id] = reason }
            }
        }
        return RunSummary(
            phasesExecuted: phasesExecuted, itemsCompleted: outcomes.itemsCompleted, itemsBlocked: outcomes.itemsBlocked,
            blockReasons: reasons, skippedTargets: skippedTargets, followUpsCreated: outcomes.followUpsCreated,
            itemsMerged: outcomes.itemsMerged, haltReason: reason,
            filterDisplay: params.targets.isEmpty ? params.filter?.display : nil,
            targetFacts: outcomes.factsByItem, maxCostUSD: params.maxCostUSD,
            agentFailure: reason == .agentUnavailable ? outcomes.agentUnavailable : nil)
    }
}
