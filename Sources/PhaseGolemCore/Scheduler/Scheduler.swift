/// The run loop: select actions, run phases, handle results, until a halt reason (docs/compatibility.md#the-run-loop).
///
/// One instance runs one loop inside one task; phase and triage work runs in child tasks that
/// only see the Sendable `RunContext`, and report back through `Completion` values.
public final class Scheduler {
    let params: RunParams
    let context: RunContext
    private var events: EventBus { context.events }
    private var coordinator: Coordinator { context.coordinator }
    private var execution: ExecutionConfig { context.config.execution }

    // Run state (docs/compatibility.md#the-run-loop).
    private(set) var phasesExecuted = 0
    private(set) var consecutiveExhaustions = 0
    private(set) var itemsCompleted: [String] = []
    private(set) var itemsBlocked: [String] = []
    private var skippedTargets: [RunSummary.SkippedTarget] = []
    private var followUpsCreated = 0
    private var itemsMerged = 0
    private var targetIndex = 0
    private var announcedTarget = -1
    private var running: [String: RunningTask] = [:]
    private var previousSummaries: [String: String] = [:]

    /// A finished child task.
    struct Completion: Sendable {
        var itemID: String
        var phase: String
        var isTriage: Bool
        var outcome: PhaseOutcome
        /// HEAD when the phase started, stored with the outcome as `x-pg-last-phase-commit`.
        var startSHA: String? = nil
    }

    public init(params: RunParams, context: RunContext) {
        self.params = params
        self.context = context
    }

    /// Runs until a halt reason; a coordinator failure (the store cannot be read or written)
    /// ends the run with that error.
    public func run() async throws -> RunSummary {
        events.info("Scheduler started (max_wip=\(execution.maxWip), max_concurrent=\(execution.maxConcurrent)).")
        events.publish(.runStarted(params))
        events.publish(.capUsage(used: 0, cap: params.cap))
        events.publish(.breakerChanged(count: 0, threshold: execution.circuitBreakerThreshold))
        let reason = try await withThrowingTaskGroup(of: Completion.self) { group in
            try await loop(&group)
        }
        return await summary(reason)
    }

    private func loop(_ group: inout ThrowingTaskGroup<Completion, any Error>) async throws -> HaltReason {
        while true {
            // 1. Cancellation.
            if context.shutdown.isRequested {
                await drain(&group)
                await batchCommitIgnoringErrors()
                return .shutdownRequested
            }
            // 2. Circuit breaker.
            if consecutiveExhaustions >= execution.circuitBreakerThreshold {
                events.warn("Circuit breaker tripped: \(execution.circuitBreakerThreshold) consecutive items exhausted retries")
                await drain(&group)
                await batchCommitIgnoringErrors()
                return .circuitBreakerTripped
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
                let unfinished = candidates.filter { $0.pgStatus != .done && $0.pgStatus != .blocked }
                if candidates.isEmpty || unfinished.isEmpty {
                    if candidates.isEmpty, itemsCompleted.isEmpty, itemsBlocked.isEmpty {
                        events.info("[filter] No items match filter criteria: \(filter.display)")
                        await drain(&group)
                        await batchCommitIgnoringErrors()
                        return .noMatchingItems
                    }
                    events.info("[filter] All items matching \(filter.display) are done or blocked.")
                    await drain(&group)
                    await batchCommitIgnoringErrors()
                    return .filterExhausted
                }
            }

            // 6. Select.
            let runningTasks = Array(running.values)
            let actions: [SchedulerAction]
            if !params.targets.isEmpty {
                actions = ActionSelection.selectTargeted(
                    target: params.targets[targetIndex], items: snapshot, running: runningTasks, pipelines: context.config.pipelines)
            } else {
                actions = ActionSelection.select(
                    items: candidates, running: runningTasks, execution: execution, pipelines: context.config.pipelines)
            }

            // 7. Nothing to do.
            if actions.isEmpty && running.isEmpty {
                if let waiting = ActionSelection.unmetDependencySummary(items: candidates) {
                    events.info(waiting)
                }
                events.info("No actionable items — all done or blocked.")
                return .allDoneOrBlocked
            }

            // 8–9. Process actions in order.
            if !actions.isEmpty {
                events.info("")
                events.info("Scheduling: [\(actions.map(\.description).joined(separator: ", "))]")
            }
            actionLoop: for action in actions {
                switch action {
                case .promote(let id):
                    try await promote(id, snapshot: snapshot)
                case .triage(let id):
                    guard phasesExecuted < params.cap else { break actionLoop }
                    guard let item = snapshot.first(where: { $0.id == id }) else { continue }
                    countPhase()
                    events.info("[\(id)][TRIAGE] Starting triage")
                    running[id] = RunningTask(itemID: id, phase: "triage", pool: .pre, isDestructive: false)
                    let executor = PhaseExecutor(context: context)
                    group.addTask {
                        Completion(itemID: id, phase: "triage", isTriage: true, outcome: await executor.triage(item: item, backlog: snapshot))
                    }
                case .runPhase(let id, let phaseName, let pool, let isDestructive):
                    guard phasesExecuted < params.cap else { break actionLoop }
                    countPhase()
                    events.info("[\(id)][\(phaseName.uppercased())] Starting phase (\(isDestructive ? "destructive" : "non-destructive"))")
                    events.debug("Progress: \(phasesExecuted)/\(params.cap) phases used")
                    running[id] = RunningTask(itemID: id, phase: phaseName, pool: pool, isDestructive: isDestructive)
                    let executor = PhaseExecutor(context: context)
                    let item = snapshot.first { $0.id == id }
                    let pipelines = context.config.pipelines
                    let previous = previousSummaries[id]
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
                        let (outcome, startSHA) = await executor.execute(item: item, phase: phase, previousSummary: previous)
                        return Completion(itemID: id, phase: phaseName, isTriage: false, outcome: outcome, startSHA: startSHA)
                    }
                }
            }

            // 10. Cap.
            if phasesExecuted >= params.cap && running.isEmpty {
                do {
                    try await coordinator.batchCommit()
                } catch {
                    events.warn("Warning: batch commit failed: \(error)")
                }
                return .capReached
            }

            // 11. Wait for one task (shutdown makes running agents end promptly).
            if !running.isEmpty, let completion = try await group.next() {
                running[completion.itemID] = nil
                do {
                    try await handle(completion)
                } catch let error as StoreError where error.isIOFailure {
                    throw UnsavedOutcomeError(itemID: completion.itemID, phase: completion.phase, cause: error)
                }
            }

            // 12. Batch commit.
            do {
                try await coordinator.batchCommit()
            } catch {
                events.warn("Warning: batch commit failed: \(error)")
            }
        }
    }

    private func countPhase() {
        phasesExecuted += 1
        events.publish(.capUsage(used: phasesExecuted, cap: params.cap))
    }

    // MARK: Targets (docs/compatibility.md#the-run-loop step 4 and the auto-advance design)

    enum TargetStep {
        case proceed
        /// An auto-advance happened: start the loop over with a fresh snapshot.
        case restart
        case halt(HaltReason)
    }

    /// Moves the target index past finished targets, or decides that the run stops.
    private func advanceTargets(snapshot: [StoreItem], group: inout ThrowingTaskGroup<Completion, any Error>) async throws -> TargetStep {
        let total = params.targets.count
        if targetIndex < total, itemsBlocked.contains(params.targets[targetIndex]) {
            let id = params.targets[targetIndex]
            let position = "\(targetIndex + 1)/\(total)"
            let reason = snapshot.first { $0.id == id }?.blockedReason
            if params.autoAdvance {
                events.info("[target] \(id) blocked (\(position)). Auto-advancing.")
                let nextTarget: String? = targetIndex + 1 < total ? params.targets[targetIndex + 1] : nil
                events.publish(.targetBlocked(id: id, index: targetIndex, total: total, reason: reason, autoAdvancing: true, next: nextTarget))
                await drain(&group)
                await batchCommitIgnoringErrors()
                // docs/decisions.md D9: the blocked state in its own commit before the next target starts.
                do {
                    try await coordinator.commitBlockedTarget(id)
                } catch {
                    events.warn("Warning: could not commit the blocked state of \(id): \(error)")
                }
                setBreaker(0)
                targetIndex += 1
                return .restart
            }
            events.info("[target] \(id) blocked (\(position)). Halting.")
            events.publish(.targetBlocked(id: id, index: targetIndex, total: total, reason: reason, autoAdvancing: false, next: nil))
            await drain(&group)
            await batchCommitIgnoringErrors()
            return .halt(.targetBlocked)
        }
        while targetIndex < total {
            let id = params.targets[targetIndex]
            let position = "\(targetIndex + 1)/\(total)"
            if itemsCompleted.contains(id) {
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
        await drain(&group)
        await batchCommitIgnoringErrors()
        return .halt(.targetCompleted)
    }

    private func skip(_ id: String, _ reason: String) {
        events.publish(.targetSkipped(id: id, index: targetIndex, total: params.targets.count, reason: reason))
        skippedTargets.append(RunSummary.SkippedTarget(id: id, reason: reason))
        targetIndex += 1
    }

    private func setBreaker(_ count: Int) {
        guard count != consecutiveExhaustions else { return }
        consecutiveExhaustions = count
        events.publish(.breakerChanged(count: count, threshold: execution.circuitBreakerThreshold))
    }

    // MARK: Waiting

    /// Awaits every in-flight task and handles its result; handler errors are ignored (docs/compatibility.md#the-run-loop).
    private func drain(_ group: inout ThrowingTaskGroup<Completion, any Error>) async {
        while !running.isEmpty {
            guard let completion = try? await group.next() else { break }
            running[completion.itemID] = nil
            try? await handle(completion)
        }
        running.removeAll()
    }

    private func batchCommitIgnoringErrors() async {
        try? await coordinator.batchCommit()
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

    // MARK: Results (docs/compatibility.md#handling-results)

    private func handle(_ completion: Completion) async throws {
        let id = completion.itemID
        let anchor: [ItemUpdate] = completion.startSHA.map { [.setLastPhaseCommit($0)] } ?? []
        switch completion.outcome {
        case .success(let result) where completion.isTriage && result.phase == "triage":
            try await handleTriage(id, result)
        case .success(let result):
            try await handleSuccess(id, result, startSHA: completion.startSHA)
        case .subphaseComplete(let result):
            try await handleSubphase(id, result, startSHA: completion.startSHA)
        case .failed(let reason):
            events.info("[\(id)] Phase failed: \(reason)")
            events.publish(.phaseFinished(itemID: id, phase: completion.phase, outcome: .failed, detail: reason))
            try await block(id, reason: reason, outcome: .failed, anchor: anchor)
            setBreaker(consecutiveExhaustions + 1)
        case .blocked(let reason):
            events.info("[\(id)] Phase blocked: \(reason)")
            events.publish(.phaseFinished(itemID: id, phase: completion.phase, outcome: .blocked, detail: reason))
            try await block(id, reason: reason, outcome: .blocked, anchor: anchor)
            setBreaker(0)
        case .cancelled:
            events.info("[\(id)] Phase cancelled")
            events.publish(.phaseFinished(itemID: id, phase: completion.phase, outcome: .cancelled, detail: "Shutdown requested"))
            let item = try? await coordinator.snapshot().first { $0.id == id }
            await coordinator.writeWorklog(itemID: id, title: item?.title ?? id, phase: item?.phase ?? "unknown",
                                           outcome: .cancelled, summary: "Shutdown requested")
        }
    }

    /// Failed or Blocked: block the item, worklog, remember it (docs/compatibility.md#handling-results; the original wrote the
    /// worklog first, so a block it failed to save was still in the worklog).
    ///
    /// A store that cannot be written stops the run (the error is thrown): going on would run
    /// the item again from a state the store does not hold.
    private func block(_ id: String, reason: String, outcome: Worklog.Outcome, anchor: [ItemUpdate]) async throws {
        let item = try? await coordinator.snapshot().first { $0.id == id }
        do {
            try await coordinator.apply(id, anchor + [.setBlocked(reason)])
        } catch let error as StoreError where error.isIOFailure {
            // Not in the worklog either: it must not record a block the store does not have.
            throw error
        } catch {
            events.warn("Warning: failed to block \(id): \(error)")
        }
        await coordinator.writeWorklog(itemID: id, title: item?.title ?? id, phase: item?.phase ?? "unknown",
                                       outcome: outcome, summary: reason)
        markBlocked(id, reason: reason)
    }

    private func markBlocked(_ id: String, reason: String) {
        itemsBlocked.append(id)
        previousSummaries[id] = nil
        events.publish(.itemBlocked(id: id, reason: reason))
    }

    private func ingest(_ result: PhaseResult) async {
        guard !result.followUps.isEmpty else { return }
        do {
            followUpsCreated += try await coordinator.ingestFollowUps(from: result).count
        } catch {
            events.warn("Warning: failed to ingest follow-ups: \(error)")
        }
    }

    /// What one phase completion wrote, in one store transaction.
    struct PhaseCompletionRecord: Sendable {
        var title: String
        var isDestructive: Bool
        var followUps: [String]
        var archived: Bool
        var blockedReason: String?
        var warnings: [String]
    }

    /// A phase completed (docs/compatibility.md#handling-results): assessments, follow-ups, the start anchor and the transitions
    /// in one locked write (the item re-read inside the lock), then the worklog and the commit.
    private func handleSuccess(_ id: String, _ result: PhaseResult, startSHA: String?) async throws {
        let tag = "[\(id)][\(result.phase.uppercased())]"
        events.info("\(tag) Result: PHASE_COMPLETE — \(result.summary)")
        events.publish(.phaseFinished(itemID: id, phase: result.phase, outcome: .complete, detail: result.summary))
        let pipelines = context.config.pipelines
        let guardrails = context.config.guardrails
        let prefix = context.config.project.prefix
        let record = try await coordinator.transaction { transaction -> PhaseCompletionRecord in
            guard let index = transaction.index(of: id) else { throw OperationError("Item \(id) not found after phase completion") }
            var item = transaction.items[index]
            var warnings: [String] = []
            if let startSHA { item.setLastPhaseCommit(startSHA) }
            if let assessments = result.updatedAssessments { item.updateAssessments(assessments) }
            let created = try transaction.appendFollowUps(result, prefix: prefix)
            let type = item.pipelineType ?? PipelineConfig.defaultName
            guard let pipeline = pipelines[type] else { throw OperationError("Pipeline '\(type)' not found for \(id)") }
            var archived = false
            var blockedReason: String?
            for update in TransitionResolver.resolve(item: item, result: result, pipeline: pipeline, guardrails: guardrails) {
                warnings += item.apply(update)
                if case .transitionStatus(.done) = update, item.pgStatus == .done { archived = true }
                if case .setBlocked(let reason) = update, item.pgStatus == .blocked { blockedReason = reason }
            }
            transaction.items[index] = item
            if archived { try transaction.archive(id) }
            return PhaseCompletionRecord(title: item.title, isDestructive: pipeline.phase(named: result.phase)?.isDestructive ?? false,
                                         followUps: created, archived: archived, blockedReason: blockedReason, warnings: warnings)
        }
        for warning in record.warnings { events.warn(warning) }
        if !record.followUps.isEmpty {
            followUpsCreated += record.followUps.count
            events.info("Follow-ups: \(record.followUps.count) new items added to backlog")
        }
        await coordinator.writeWorklog(itemID: id, title: record.title, phase: result.phase, outcome: .complete, summary: result.summary)
        if record.archived {
            await coordinator.writeWorklog(itemID: id, title: record.title, phase: result.phase, outcome: .archived, summary: "Item archived")
        }
        try await coordinator.completePhase(itemID: id, phase: result.phase, commitSummary: result.commitSummary,
                                            immediate: record.isDestructive, othersRunning: !running.isEmpty)
        if record.archived {
            itemsCompleted.append(id)
            setBreaker(0)
            events.info("\(id) completed and archived")
            events.publish(.itemCompleted(id: id))
            if let index = params.targets.firstIndex(of: id) {
                events.publish(.targetCompleted(id: id, index: index, total: params.targets.count))
            }
        }
        if let reason = record.blockedReason {
            events.info("[\(id)] Blocked: \(reason)")
            markBlocked(id, reason: reason)
        }
        let terminal = record.archived || record.blockedReason != nil
        previousSummaries[id] = terminal ? nil : result.summary
        if previousSummaries.count > execution.maxWip * 20 {
            events.debug("Previous-summary map holds \(previousSummaries.count) entries")
        }
    }

    /// More work remains in this phase (docs/compatibility.md#handling-results): commit now, run the same phase again.
    private func handleSubphase(_ id: String, _ result: PhaseResult, startSHA: String?) async throws {
        events.info("[\(id)][\(result.phase.uppercased())] Result: SUBPHASE_COMPLETE — \(result.summary)")
        events.publish(.phaseFinished(itemID: id, phase: result.phase, outcome: .subphaseComplete, detail: result.summary))
        let prefix = context.config.project.prefix
        let (title, created) = try await coordinator.transaction { transaction -> (String, Int) in
            guard let index = transaction.index(of: id) else { throw StoreError.itemNotFound(id) }
            if let startSHA { transaction.items[index].setLastPhaseCommit(startSHA) }
            if let assessments = result.updatedAssessments { transaction.items[index].updateAssessments(assessments) }
            let title = transaction.items[index].title
            return (title, try transaction.appendFollowUps(result, prefix: prefix).count)
        }
        followUpsCreated += created
        await coordinator.writeWorklog(itemID: id, title: title, phase: result.phase, outcome: .subphaseComplete, summary: result.summary)
        try await coordinator.completePhase(itemID: id, phase: result.phase, commitSummary: result.commitSummary, immediate: true)
        previousSummaries[id] = result.summary
    }

    /// Triage finished (docs/compatibility.md#handling-results): follow-ups, duplicate merges, routing.
    private func handleTriage(_ id: String, _ result: PhaseResult) async throws {
        events.info("[\(id)][TRIAGE] Result: \(result.result.logName) — \(result.summary)")
        let outcome: SchedulerEvent.PhaseOutcome
        let worklogOutcome: Worklog.Outcome
        switch result.result {
        case .phaseComplete: (outcome, worklogOutcome) = (.complete, .complete)
        case .failed: (outcome, worklogOutcome) = (.failed, .failed)
        case .blocked: (outcome, worklogOutcome) = (.blocked, .blocked)
        case .subphaseComplete: (outcome, worklogOutcome) = (.subphaseComplete, .subphaseComplete)
        }
        events.publish(.phaseFinished(itemID: id, phase: "triage", outcome: outcome, detail: result.summary))
        let title = try await coordinator.snapshot().first { $0.id == id }?.title ?? id
        await coordinator.writeWorklog(itemID: id, title: title, phase: "triage", outcome: worklogOutcome, summary: result.summary)
        await ingest(result)

        if try await mergeDuplicates(id, result) {
            try? await coordinator.completePhase(itemID: id, phase: "triage", commitSummary: result.commitSummary, immediate: true)
            return
        }
        try await coordinator.completePhase(itemID: id, phase: "triage", commitSummary: result.commitSummary, immediate: true)
        guard let item = try await coordinator.snapshot().first(where: { $0.id == id }) else { return }
        let plan = TriageRouting.plan(item: item, result: result, pipelines: context.config.pipelines)
        if !plan.isEmpty {
            let routed = try await coordinator.apply(id, plan)
            if routed.pgStatus == .blocked {
                let reason = routed.blockedReason ?? result.blockReason
                markBlocked(id, reason: reason)
            }
        }
    }

    /// Merges the duplicates triage reported; true when the triaged item itself was merged away.
    private func mergeDuplicates(_ id: String, _ result: PhaseResult) async throws -> Bool {
        for duplicate in result.duplicates {
            let snapshot = try await coordinator.snapshot()
            guard let other = snapshot.first(where: { $0.id == duplicate }) else {
                events.warn("[\(id)] Skipping merge with \(duplicate) (not found in backlog)")
                continue
            }
            if other.pgStatus == .done {
                events.info("[\(id)] Skipping merge with \(duplicate) (already done)")
                continue
            }
            let (source, target) = MergeDirection.resolve(triaged: id, duplicate: duplicate)
            let sourceTitle = snapshot.first { $0.id == source }?.title ?? source
            await coordinator.writeWorklog(itemID: source, title: sourceTitle, phase: "triage", outcome: .merged, summary: "Merged into \(target)")
            do {
                try await coordinator.merge(source: source, into: target)
                events.info("[\(id)] Merged \(source) into \(target) (duplicate)")
                itemsMerged += 1
                if source == id { return true }
            } catch {
                events.warn("[\(id)] Failed to merge \(source) into \(target): \(error)")
            }
        }
        return false
    }

    // MARK: Summary

    private func summary(_ reason: HaltReason) async -> RunSummary {
        var reasons: [String: String] = [:]
        if let final = try? await coordinator.snapshot() {
            for item in final where itemsBlocked.contains(item.id) {
                if let reason = item.blockedReason { reasons[item.id] = reason }
            }
        }
        return RunSummary(
            phasesExecuted: phasesExecuted, itemsCompleted: itemsCompleted, itemsBlocked: itemsBlocked,
            blockReasons: reasons, skippedTargets: skippedTargets, followUpsCreated: followUpsCreated,
            itemsMerged: itemsMerged, haltReason: reason,
            filterDisplay: params.targets.isEmpty ? params.filter?.display : nil)
    }
}
