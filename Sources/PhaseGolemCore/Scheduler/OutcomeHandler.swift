/// What a finished phase or triage does to the store, the circuit breaker and the run's tally
/// (docs/compatibility.md#handling-results): the one owner of that, for the run loop and the standalone `triage`
/// (docs/decisions.md D15).
///
/// The scheduler decides what runs and when it stops; this type decides what a result means.
/// It runs on the scheduler's task (one result at a time), so its state needs no lock.
final class OutcomeHandler {
    private let context: RunContext
    private let targets: [String]
    private var events: EventBus { context.events }
    private var coordinator: Coordinator { context.coordinator }

    /// Completion order.
    private(set) var itemsCompleted: [String] = []
    /// May repeat an id until the summary de-duplicates it.
    private(set) var itemsBlocked: [String] = []
    private(set) var followUpsCreated = 0
    private(set) var itemsMerged = 0
    /// Consecutive items that ended Failed (docs/compatibility.md#the-run-loop).
    private(set) var consecutiveExhaustions = 0
    /// Each item's last phase summary, handed to its next phase's prompt (not kept across runs).
    private var previousSummaries: [String: String] = [:]

    // docs/decisions.md D14: agent failures are not item outcomes.
    /// Agent failures in a row; a phase that produces a result resets it, auto-advance does not.
    private(set) var consecutiveAgentFailures = 0
    /// Set when the run must halt `AgentUnavailable`: what the agent said and the fix.
    private(set) var agentUnavailable: AgentFailure?
    /// How long to wait before the next attempt, after an agent failure that did not halt the run.
    private(set) var pendingBackoff: Duration?
    /// Items blocked in a row by attempts that exited non-zero without a result file, each with
    /// the item as it was before (put back if the streak halts the run).
    private var streak: [(id: String, before: StoreItem?)] = []

    /// A finished child task of the run loop.
    struct Completion: Sendable {
        var itemID: String
        var phase: String
        var isTriage: Bool
        var outcome: ExecutionOutcome
        /// HEAD when the phase started, stored with the outcome as `x-pg-last-phase-commit`.
        var startSHA: String? = nil
        /// What the agent reported over the phase's attempts.
        var facts: AgentRunFacts? = nil
    }

    /// Each item's agent facts over the run so far, every phase taken together.
    private(set) var factsByItem: [String: AgentRunFacts] = [:]
    /// The sum of every cost known so far: the lower bound a budget is checked against
    /// (a phase whose cost is unknown adds nothing here, and makes the displayed total unknown).
    private(set) var knownSpendUSD = 0.0
    /// A phase was stopped by the agent at the run's spending limit.
    private(set) var budgetExhausted = false
    /// The facts of the completion being handled, for its `phaseFinished` event.
    private var currentFacts: AgentRunFacts?

    private func record(_ id: String, _ facts: AgentRunFacts?) {
        currentFacts = facts
        guard let facts else { return }
        factsByItem[id] = factsByItem[id].map { $0.adding(facts) } ?? facts
        knownSpendUSD += facts.costUSD ?? 0
    }

    init(context: RunContext, targets: [String] = []) {
        self.context = context
        self.targets = targets
    }

    var breakerThreshold: Int { context.config.execution.circuitBreakerThreshold }
    var breakerTripped: Bool { consecutiveExhaustions >= breakerThreshold }

    func previousSummary(of id: String) -> String? { previousSummaries[id] }

    /// The breaker back at zero: an item reached Done or blocked, or the run auto-advanced.
    func resetBreaker() { setBreaker(0) }

    private func setBreaker(_ count: Int) {
        guard count != consecutiveExhaustions else { return }
        consecutiveExhaustions = count
        events.publish(.breakerChanged(count: count, threshold: breakerThreshold))
    }

    // MARK: Results (docs/compatibility.md#handling-results)

    /// Applies one result. A store that cannot be written is thrown as it is; so is a git that
    /// hung or was stopped (the run cannot commit any more).
    ///
    /// - Parameter othersRunning: whether other phases are still in flight (their outputs share the next commit).
    func handle(_ completion: Completion, othersRunning: Bool) async throws {
        let id = completion.itemID
        let anchor: [ItemUpdate] = completion.startSHA.map { [.setLastPhaseCommit($0)] } ?? []
        record(id, completion.facts)
        defer { currentFacts = nil }
        switch completion.outcome {
        case .success, .subphaseComplete, .blocked:
            // The agent worked: it produced a result (or the item was stopped before it ran).
            consecutiveAgentFailures = 0
            streak.removeAll()
        case .failed, .failedWithoutResult, .agentFailed, .cancelled, .budgetExhausted:
            break
        }
        switch completion.outcome {
        case .success(let result) where completion.isTriage && result.phase == "triage":
            events.info("[\(id)][TRIAGE] Result: \(result.result.logName) — \(result.summary)")
            try await applyTriage(id, result)
        case .success(let result):
            try await phaseCompleted(id, result, startSHA: completion.startSHA, othersRunning: othersRunning)
        case .subphaseComplete(let result):
            try await subphaseCompleted(id, result, startSHA: completion.startSHA)
        case .failed(let reason):
            events.info("[\(id)] Phase failed: \(reason)")
            events.publish(.phaseFinished(itemID: id, phase: completion.phase, outcome: .failed, detail: reason, facts: currentFacts))
            try await block(id, reason: reason, outcome: .failed, anchor: anchor)
            setBreaker(consecutiveExhaustions + 1)
        case .failedWithoutResult(let reason, let lastWords):
            events.info("[\(id)] Phase failed: \(reason)")
            if let lastWords { events.info("[\(id)] The agent's last words: \(lastWords)") }
            events.publish(.phaseFinished(itemID: id, phase: completion.phase, outcome: .failed, detail: reason, facts: nil))
            let before = try? await coordinator.snapshot().first { $0.id == id }
            // docs/decisions.md D14: the stored reason (what `status`, the TUI and the summary
            // show) quotes the agent after the original's text; the log line above and the
            // worklog keep the original's text alone.
            let quoted = lastWords.map { reason + " — the agent's last words: " + $0 } ?? reason
            try await block(id, reason: quoted, worklogSummary: reason, outcome: .failed, anchor: anchor)
            setBreaker(consecutiveExhaustions + 1)
            try await extendStreak(id, before: before, lastWords: lastWords)
        case .agentFailed(let failure):
            agentFailed(id, phase: completion.phase, failure)
        case .blocked(let reason):
            events.info("[\(id)] Phase blocked: \(reason)")
            events.publish(.phaseFinished(itemID: id, phase: completion.phase, outcome: .blocked, detail: reason, facts: currentFacts))
            try await block(id, reason: reason, outcome: .blocked, anchor: anchor)
            setBreaker(0)
        case .cancelled:
            events.info("[\(id)] Phase cancelled")
            events.publish(.phaseFinished(itemID: id, phase: completion.phase, outcome: .cancelled, detail: "Shutdown requested", facts: currentFacts))
            let item = try? await coordinator.snapshot().first { $0.id == id }
            await coordinator.writeWorklog(itemID: id, title: item?.title ?? id, phase: item?.phase ?? "unknown",
                                           outcome: .cancelled, summary: "Shutdown requested")
        case .budgetExhausted:
            // Not the item's doing: not blocked, no worklog entry, the breaker untouched; the
            // phase runs again on the next run. The run halts before its next phase.
            budgetExhausted = true
            events.info("[\(id)] Phase stopped: the run's spending limit was reached")
            events.publish(.phaseFinished(itemID: id, phase: completion.phase, outcome: .cancelled,
                                          detail: "Budget exhausted", facts: currentFacts))
        }
    }

    // MARK: Agent failures (docs/decisions.md D14)

    /// Not the item's outcome: the item stays as it is, its retries untouched; the next attempt
    /// waits out the backoff, or the run halts once the limit is reached.
    private func agentFailed(_ id: String, phase: String, _ failure: AgentFailure) {
        consecutiveAgentFailures += 1
        let limit = context.config.execution.agentFailureLimit
        events.info("[\(id)] The agent could not work (\(consecutiveAgentFailures)/\(limit)): \(failure.lastWords)")
        events.publish(.phaseFinished(itemID: id, phase: phase, outcome: .failed, detail: "The agent could not work: \(failure.lastWords)", facts: nil))
        if consecutiveAgentFailures >= limit {
            events.warn("Agent unavailable: \(limit) agent failures in a row; \(id) left as it was")
            agentUnavailable = failure
            pendingBackoff = nil
            return
        }
        let wait = context.config.execution.agentRetryBackoff(afterFailures: consecutiveAgentFailures)
        let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
        events.info("[\(id)] Not blocked: retrying in \(NumberText.decimal(seconds))s")
        pendingBackoff = wait
    }

    /// The backoff has been waited out (or the run is stopping).
    func backoffTaken() { pendingBackoff = nil }

    /// Another item blocked by an attempt that exited non-zero without a result: once
    /// `agent_failure_streak` different items in a row are, the agent is the likelier culprit, so
    /// the run halts and those items are put back as they were before (one outage must not become
    /// N blocked targets).
    private func extendStreak(_ id: String, before: StoreItem?, lastWords: String?) async throws {
        let limit = context.config.execution.agentFailureStreak
        guard limit > 0 else { return }
        if !streak.contains(where: { $0.id == id }) { streak.append((id, before)) }
        guard streak.count >= limit else { return }
        let ids = streak.map(\.id)
        for entry in streak {
            guard var before = entry.before else { continue }
            let id = entry.id
            // Unchanged items are not written back: mark it changed so its earlier fields replace the block.
            before.sourceLine = nil
            let restored = before
            try await coordinator.transaction { transaction in
                guard let index = transaction.index(of: id) else { return }
                transaction.items[index] = restored
            }
            events.info("[\(id)] Put back as it was before this run blocked it (agent failure streak)")
        }
        itemsBlocked.removeAll { ids.contains($0) }
        let words = lastWords ?? "it exited with an error and wrote no result file"
        agentUnavailable = AgentFailure(
            kind: .failureStreak, lastWords: words,
            fix: "Check the agent by hand (its output is in .phase-golem/logs/): \(ids.count) items in a row failed without a result "
                + "after it exited with an error; they were put back as they were, so the same command resumes them")
        events.warn("Agent unavailable: \(ids.joined(separator: ", ")) failed in a row without a result; put back as they were")
        streak.removeAll()
    }

    /// Failed or Blocked: block the item, worklog, remember it (docs/compatibility.md#handling-results; the original wrote the
    /// worklog first, so a block it failed to save was still in the worklog).
    ///
    /// A store that cannot be written stops the run (the error is thrown): going on would run
    /// the item again from a state the store does not hold.
    private func block(_ id: String, reason: String, worklogSummary: String? = nil, outcome: Worklog.Outcome,
                       anchor: [ItemUpdate]) async throws {
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
                                       outcome: outcome, summary: worklogSummary ?? reason)
        markBlocked(id, reason: reason)
    }

    private func markBlocked(_ id: String, reason: String) {
        itemsBlocked.append(id)
        previousSummaries[id] = nil
        events.publish(.itemBlocked(id: id, reason: reason))
    }

    /// What one phase completion wrote, in one store transaction.
    private struct PhaseCompletionRecord: Sendable {
        var title: String
        var isDestructive: Bool
        var followUps: [String]
        var archived: Bool
        var blockedReason: String?
        var warnings: [String]
    }

    /// A phase completed (docs/compatibility.md#handling-results): assessments, follow-ups, the start anchor and the transitions
    /// in one locked write (the item re-read inside the lock), then the worklog and the commit.
    private func phaseCompleted(_ id: String, _ result: PhaseResult, startSHA: String?, othersRunning: Bool) async throws {
        let tag = "[\(id)][\(result.phase.uppercased())]"
        events.info("\(tag) Result: PHASE_COMPLETE — \(result.summary)")
        events.publish(.phaseFinished(itemID: id, phase: result.phase, outcome: .complete, detail: result.summary, facts: currentFacts))
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
                                            immediate: record.isDestructive, othersRunning: othersRunning)
        if record.archived {
            itemsCompleted.append(id)
            setBreaker(0)
            events.info("\(id) completed and archived")
            events.publish(.itemCompleted(id: id))
            if let index = targets.firstIndex(of: id) {
                events.publish(.targetCompleted(id: id, index: index, total: targets.count))
            }
        }
        if let reason = record.blockedReason {
            events.info("[\(id)] Blocked: \(reason)")
            markBlocked(id, reason: reason)
        }
        let terminal = record.archived || record.blockedReason != nil
        previousSummaries[id] = terminal ? nil : result.summary
        if previousSummaries.count > context.config.execution.maxWip * 20 {
            events.debug("Previous-summary map holds \(previousSummaries.count) entries")
        }
    }

    /// More work remains in this phase (docs/compatibility.md#handling-results): commit now, run the same phase again.
    private func subphaseCompleted(_ id: String, _ result: PhaseResult, startSHA: String?) async throws {
        events.info("[\(id)][\(result.phase.uppercased())] Result: SUBPHASE_COMPLETE — \(result.summary)")
        events.publish(.phaseFinished(itemID: id, phase: result.phase, outcome: .subphaseComplete, detail: result.summary, facts: currentFacts))
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

    // MARK: Triage (docs/compatibility.md#handling-results)

    /// A triage result, after its `Result:` line (the run loop and the standalone `triage` word
    /// it differently): worklog, follow-ups, duplicate merges, commit, routing.
    func applyTriage(_ id: String, _ result: PhaseResult) async throws {
        let outcome: SchedulerEvent.PhaseOutcome
        let worklogOutcome: Worklog.Outcome
        switch result.result {
        case .phaseComplete: (outcome, worklogOutcome) = (.complete, .complete)
        case .failed: (outcome, worklogOutcome) = (.failed, .failed)
        case .blocked: (outcome, worklogOutcome) = (.blocked, .blocked)
        case .subphaseComplete: (outcome, worklogOutcome) = (.subphaseComplete, .subphaseComplete)
        }
        events.publish(.phaseFinished(itemID: id, phase: "triage", outcome: outcome, detail: result.summary, facts: currentFacts))
        let title = try await coordinator.snapshot().first { $0.id == id }?.title ?? id
        await coordinator.writeWorklog(itemID: id, title: title, phase: "triage", outcome: worklogOutcome, summary: result.summary)
        await ingestFollowUps(result)

        if try await mergeDuplicates(id, result) {
            do {
                try await coordinator.completePhase(itemID: id, phase: "triage", commitSummary: result.commitSummary, immediate: true)
            } catch let error as Git.Failure where error.isStop {
                throw error
            } catch {
                // The triaged item was merged away: its commit failing changes nothing.
            }
            return
        }
        try await coordinator.completePhase(itemID: id, phase: "triage", commitSummary: result.commitSummary, immediate: true)
        guard let item = try await coordinator.snapshot().first(where: { $0.id == id }) else { return }
        let plan = TriageRouting.plan(item: item, result: result, pipelines: context.config.pipelines)
        if !plan.isEmpty {
            let routed = try await coordinator.apply(id, plan)
            if routed.pgStatus == .blocked {
                markBlocked(id, reason: routed.blockedReason ?? result.blockReason)
            }
        }
    }

    /// Follow-up ingestion (docs/compatibility.md#handling-results): a failure is a warning and counts as none created.
    private func ingestFollowUps(_ result: PhaseResult) async {
        guard !result.followUps.isEmpty else { return }
        do {
            followUpsCreated += try await coordinator.ingestFollowUps(from: result).count
        } catch {
            events.warn("Warning: failed to ingest follow-ups: \(error)")
        }
    }

    /// Merges the duplicates triage reported (docs/compatibility.md#handling-results); true when the triaged item itself was merged away.
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
}
