/// What happens to an item after one of its phases reports a result (docs/compatibility.md#running-one-phase).
public enum TransitionResolver {
    /// The updates to apply, in order, for `result` on `item` in `pipeline`.
    ///
    /// `item` should be read after the result's assessments were applied, because the
    /// guardrails at the end of scoping judge the item as the phase left it.
    public static func resolve(item: StoreItem, result: PhaseResult, pipeline: PipelineConfig, guardrails: GuardrailsConfig) -> [ItemUpdate] {
        switch result.result {
        case .phaseComplete:
            return resolveComplete(item: item, result: result, pipeline: pipeline, guardrails: guardrails)
        // The executor turns these codes into Failed/Blocked/SubphaseComplete outcomes before
        // this is reached; the branches keep the function total, as the original's are.
        case .failed:
            return [.setBlocked("Phase \(result.phase) failed after retries exhausted. Last failure: \(result.summary)")]
        case .blocked:
            return [.setBlocked(result.blockReason)]
        case .subphaseComplete:
            return []
        }
    }

    private static func resolveComplete(item: StoreItem, result: PhaseResult, pipeline: PipelineConfig, guardrails: GuardrailsConfig) -> [ItemUpdate] {
        let phase = result.phase
        switch item.phasePool ?? .main {
        case .pre:
            if pipeline.prePhases.last?.name == phase {
                // The gate between scoping and the pipeline: a human or the guardrails may hold
                // the item here; the phase stays set so unblocking re-runs this pre-phase.
                if item.requiresHumanReview {
                    return [.setBlocked("Requires human review before entering pipeline")]
                }
                if !guardrails.allows(item.assessments) {
                    return [.setBlocked("Exceeds autonomous guardrail thresholds")]
                }
                return [.clearPhase, .transitionStatus(.ready)]
            }
            guard let next = nextPhase(after: phase, in: pipeline.prePhases) else {
                return [.setBlocked("Phase \(phase) not found in pre_phases")]
            }
            return advance(to: next, result: result)
        case .main:
            if pipeline.phases.last?.name == phase {
                return [.transitionStatus(.done)]
            }
            guard let next = nextPhase(after: phase, in: pipeline.phases) else {
                return [.setBlocked("Phase \(phase) not found in pipeline phases")]
            }
            return advance(to: next, result: result)
        }
    }

    private static func advance(to next: String, result: PhaseResult) -> [ItemUpdate] {
        var updates: [ItemUpdate] = [.setPhase(next)]
        // The agent's own record of the commit its work builds on becomes the staleness anchor.
        if let commit = result.basedOnCommit { updates.append(.setLastPhaseCommit(commit)) }
        return updates
    }

    private static func nextPhase(after name: String, in phases: [PhaseConfig]) -> String? {
        guard let index = phases.firstIndex(where: { $0.name == name }), index + 1 < phases.count else { return nil }
        return phases[index + 1].name
    }
}
