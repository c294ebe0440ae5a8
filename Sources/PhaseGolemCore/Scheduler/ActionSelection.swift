/// Decides what the scheduler does next: a pure function of the items, the running tasks and the
/// configuration (docs/compatibility.md#choosing-what-runs-next).
public enum ActionSelection {
    /// Normal selection (docs/compatibility.md#choosing-what-runs-next): promotions first, then executor actions by priority, within the
    /// concurrency slots and the destructive-phase exclusivity.
    ///
    /// In filter mode pass only the matching items: WIP counting and dependency checks then see
    /// only those, as the original does (quirk 18).
    public static func select(
        items: [StoreItem],
        running: some Collection<RunningTask>,
        execution: ExecutionConfig,
        pipelines: [String: PipelineConfig]
    ) -> [SchedulerAction] {
        if running.contains(where: \.isDestructive) { return [] }
        let nonDestructiveRunning = running.count { !$0.isDestructive }
        let availableSlots = max(0, execution.maxConcurrent - nonDestructiveRunning)
        if availableSlots == 0 { return [] }

        let view = Snapshot(items)
        let runningIDs = Set(running.map(\.itemID))
        var actions: [SchedulerAction] = []

        // Promotions are instant state changes, so they don't take a slot.
        let needed = max(0, execution.maxWip - view.entries.count { $0.status == .inProgress })
        if needed > 0 {
            let ready = view.entries.filter { $0.status == .ready }.sorted { lhs, rhs in
                let (left, right) = (impactRank(lhs.item.impact), impactRank(rhs.item.impact))
                if left != right { return left > right }
                return lhs.precedes(rhs)
            }
            for entry in ready where actions.count < needed {
                // An item waiting on dependencies must not use up a promotion another could take.
                if runningIDs.contains(entry.item.id) || view.hasUnmetDependencies(entry.item) { continue }
                actions.append(.promote(entry.item.id))
            }
        }

        var candidates: [SchedulerAction] = []
        for status in [PGStatus.inProgress, .scoping] {
            let ordered = view.entries
                .filter { $0.status == status && $0.item.phase != nil }
                .map { (entry: $0, index: phaseIndex(of: $0.item, pipelines: pipelines)) }
                .sorted { lhs, rhs in
                    // Advance-furthest-first: finishing started work beats starting new work.
                    if lhs.index != rhs.index { return lhs.index > rhs.index }
                    return lhs.entry.precedes(rhs.entry)
                }
            for (entry, _) in ordered {
                if runningIDs.contains(entry.item.id) || view.hasUnmetDependencies(entry.item) { continue }
                if let action = runPhaseAction(for: entry.item, pipelines: pipelines) { candidates.append(action) }
            }
        }
        let newItems = view.entries.filter { $0.status == .new }.sorted { $0.precedes($1) }
        for entry in newItems {
            if runningIDs.contains(entry.item.id) || view.hasUnmetDependencies(entry.item) { continue }
            candidates.append(.triage(entry.item.id))
        }

        var slots = availableSlots
        for candidate in candidates {
            if slots == 0 { break }
            if candidate.isDestructive {
                if running.isEmpty && actions.allSatisfy(\.isPromotion) { actions.append(candidate) }
                // Either it runs alone, or nothing after it may start: running tasks drain and
                // the destructive phase gets its turn instead of being starved.
                break
            }
            actions.append(candidate)
            slots -= 1
        }
        return actions
    }

    /// Targeted selection (docs/compatibility.md#choosing-what-runs-next): only the target item, ignoring `max_wip` and `max_concurrent`.
    public static func selectTargeted(
        target: String,
        items: [StoreItem],
        running: some Collection<RunningTask>,
        pipelines: [String: PipelineConfig]
    ) -> [SchedulerAction] {
        guard let item = items.first(where: { $0.id == target }) else { return [] }
        let view = Snapshot(items)
        if view.hasUnmetDependencies(item) { return [] }
        let isRunning = running.contains { $0.itemID == target }
        let status = item.pgStatus
        if (status == .done || status == .blocked) && !isRunning { return [] }
        if running.contains(where: \.isDestructive) { return [] }

        switch status {
        case .new:
            return isRunning ? [] : [.triage(target)]
        case .ready:
            return [.promote(target)]
        case .scoping, .inProgress:
            guard !isRunning, let action = runPhaseAction(for: item, pipelines: pipelines) else { return [] }
            return [action]
        case .done, .blocked:
            return []
        }
    }

    // MARK: Dependencies (docs/compatibility.md#items-and-statuses)

    /// The item's dependencies that are present in `items` and not Done, in declaration order.
    ///
    /// A dependency absent from `items` counts as met: it is taken to be archived.
    public static func unmetDependencies(of item: StoreItem, among items: [StoreItem]) -> [(id: String, status: PGStatus)] {
        Snapshot(items).unmetDependencies(of: item)
    }

    /// `WRK-002 (Ready), WRK-003 (InProgress)`, or nil when every dependency is met.
    public static func unmetDependencySummary(for item: StoreItem, among items: [StoreItem]) -> String? {
        Snapshot(items).unmetDependencySummary(of: item)
    }

    /// The diagnostic line logged when nothing is actionable (docs/compatibility.md#the-run-loop step 7):
    /// `Items blocked by unmet dependencies: {id} (waiting on: {summary}); …`, or nil when no
    /// non-Done item waits on a dependency.
    public static func unmetDependencySummary(items: [StoreItem]) -> String? {
        let view = Snapshot(items)
        let pieces = view.entries.compactMap { entry -> String? in
            guard entry.status != .done, let summary = view.unmetDependencySummary(of: entry.item) else { return nil }
            return "\(entry.item.id) (waiting on: \(summary))"
        }
        return pieces.isEmpty ? nil : "Items blocked by unmet dependencies: " + pieces.joined(separator: "; ")
    }

    // MARK: Helpers

    /// Sort key for advance-furthest-first: pre-phases count from 0, main phases after all
    /// pre-phases; anything unknown is 0 (docs/compatibility.md#choosing-what-runs-next step 4).
    static func phaseIndex(of item: StoreItem, pipelines: [String: PipelineConfig]) -> Int {
        guard let pipeline = pipelines[item.pipelineType ?? PipelineConfig.defaultName],
              let phase = item.phase else { return 0 }
        switch item.phasePool ?? .main {
        case .pre:
            return pipeline.prePhaseIndex(of: phase) ?? 0
        case .main:
            return pipeline.prePhases.count + (pipeline.mainPhaseIndex(of: phase) ?? 0)
        }
    }

    /// The RunPhase for the item's current phase, or nil when its pipeline or phase is unknown
    /// (such items are silently never scheduled; preflight reports them).
    static func runPhaseAction(for item: StoreItem, pipelines: [String: PipelineConfig]) -> SchedulerAction? {
        guard let pipeline = pipelines[item.pipelineType ?? PipelineConfig.defaultName],
              let phase = item.phase,
              let config = pipeline.phase(named: phase) else { return nil }
        return .runPhase(itemID: item.id, phase: phase, pool: item.phasePool ?? .main, isDestructive: config.isDestructive)
    }

    private static func impactRank(_ impact: DimensionLevel?) -> Int {
        switch impact {
        case .high: 3
        case .medium: 2
        case .low: 1
        case nil: 0
        }
    }
}

/// The items with their PG status read once, and an id index for dependency checks.
private struct Snapshot {
    struct Entry {
        let item: StoreItem
        let status: PGStatus
        /// Position in the input, the last tie-breaker, so equal keys keep input order as the
        /// original's stable sort does.
        let position: Int

        func precedes(_ other: Entry) -> Bool {
            if item.createdAt != other.item.createdAt { return item.createdAt < other.item.createdAt }
            return position < other.position
        }
    }

    let entries: [Entry]
    private let statusByID: [String: PGStatus]

    init(_ items: [StoreItem]) {
        entries = items.enumerated().map { Entry(item: $1, status: $1.pgStatus, position: $0) }
        var statuses: [String: PGStatus] = [:]
        statuses.reserveCapacity(entries.count)
        // The first item with an id wins, as the original's linear search does.
        for entry in entries where statuses[entry.item.id] == nil { statuses[entry.item.id] = entry.status }
        statusByID = statuses
    }

    func unmetDependencies(of item: StoreItem) -> [(id: String, status: PGStatus)] {
        item.dependencies.compactMap { dependency in
            guard let status = statusByID[dependency], status != .done else { return nil }
            return (dependency, status)
        }
    }

    func hasUnmetDependencies(_ item: StoreItem) -> Bool {
        item.dependencies.contains { dependency in
            statusByID[dependency].map { $0 != .done } ?? false
        }
    }

    func unmetDependencySummary(of item: StoreItem) -> String? {
        let unmet = unmetDependencies(of: item)
        return unmet.isEmpty ? nil : unmet.map { "\($0.id) (\($0.status.debugName))" }.joined(separator: ", ")
    }
}
