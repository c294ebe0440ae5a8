/// Where a triaged item goes next (docs/compatibility.md#handling-results), shared by `run` and the `triage` command.
public enum TriageRouting {
    /// The updates that route `item` by its triage `result`, in the order they must be applied.
    ///
    /// No guardrail or human-review check happens here: those gate only the end of scoping
    /// (quirk 2, kept for compatibility).
    public static func plan(item: StoreItem, result: PhaseResult, pipelines: [String: PipelineConfig]) -> [ItemUpdate] {
        var updates: [ItemUpdate] = []
        if let assessments = result.updatedAssessments {
            updates.append(.updateAssessments(assessments))
        }
        if let description = result.description, !description.isEmpty {
            updates.append(.setDescription(description))
        }
        if let type = result.pipelineType {
            guard pipelines[type] != nil else {
                // Sorted, not the original's hash order, so the reason is reproducible.
                let available = pipelines.keys.sorted().joined(separator: ", ")
                updates.append(.setBlocked("Triage assigned invalid pipeline type '\(type)'. Available: \(available)"))
                return updates
            }
            updates.append(.setPipelineType(type))
        }

        switch result.result {
        case .phaseComplete:
            // Route on the item as the updates above leave it, as the original re-reads it.
            var routed = item
            for update in updates { routed.apply(update, now: item.updatedAt) }
            let isSmallLowRisk = routed.size == .small && (routed.risk == nil || routed.risk == .low)
            let pipeline = pipelines[routed.pipelineType ?? PipelineConfig.defaultName]
            if isSmallLowRisk {
                updates += [.transitionStatus(.scoping), .transitionStatus(.ready)]
            } else if let firstPre = pipeline?.firstPrePhase {
                updates += [.transitionStatus(.scoping), .setPhase(firstPre.name), .setPhasePool(.pre)]
            } else {
                // Nothing to scope with (no pre-phases, or no such pipeline): straight to Ready.
                updates += [.transitionStatus(.scoping), .transitionStatus(.ready)]
            }
        case .blocked:
            updates.append(.setBlocked(result.blockReason))
        case .failed, .subphaseComplete:
            // The item stays New and is triaged again next iteration (quirk 5).
            break
        }
        return updates
    }
}
