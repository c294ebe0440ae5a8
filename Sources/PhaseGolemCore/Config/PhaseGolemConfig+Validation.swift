extension PhaseGolemConfig {
    /// Every semantic problem with this configuration (docs/compatibility.md#configuration), in a stable order.
    ///
    /// Execution and agent checks come first, then each pipeline in sorted-name order, so the
    /// same file always produces the same message.
    public func validationProblems() -> [String] {
        validationProblems(skippingMainPhaseCheckFor: [])
    }

    /// Throws `ConfigError.invalid` listing every problem, or returns when there are none.
    public func validate() throws(ConfigError) {
        let problems = validationProblems()
        if !problems.isEmpty { throw ConfigError.invalid(problems: problems) }
    }

    /// - Parameter pipelinesWithBadPhases: pipelines whose main phases failed to decode; saying
    ///   they have no main phase would blame the user for a problem already reported.
    func validationProblems(skippingMainPhaseCheckFor pipelinesWithBadPhases: Set<String>) -> [String] {
        var problems: [String] = []
        if execution.maxWip < 1 { problems.append("execution.max_wip must be >= 1") }
        if execution.maxConcurrent < 1 { problems.append("execution.max_concurrent must be >= 1") }
        // Zero loads, as in the original (status, advance and unblock do not need it); `run`'s
        // preflight refuses it (docs/decisions.md D16). Written as a negation so NaN fails too.
        if !(execution.phaseTimeoutMinutes >= 0) { problems.append("execution.phase_timeout_minutes must not be negative") }
        if execution.circuitBreakerThreshold < 1 { problems.append("execution.circuit_breaker_threshold must be >= 1") }
        // docs/decisions.md D14. Negated comparisons so NaN fails too.
        let maxBackoff = NumberText.decimal(ExecutionConfig.maxAgentRetryBackoffSeconds)
        if !(execution.agentRetryBackoffSeconds >= 0 && execution.agentRetryBackoffSeconds <= ExecutionConfig.maxAgentRetryBackoffSeconds) {
            problems.append("execution.agent_retry_backoff_seconds must be between 0 and \(maxBackoff) "
                + "(0 retries at once; the wait doubles per consecutive agent failure, up to \(maxBackoff) seconds)")
        }
        if execution.agentFailureLimit < 1 {
            problems.append("execution.agent_failure_limit must be >= 1 (consecutive agent failures before the run halts AgentUnavailable)")
        }
        if let idle = execution.idleTimeoutMinutes, !(idle >= 0) {
            problems.append("execution.idle_timeout_minutes must not be negative (minutes an agent may print nothing before it is stopped; 0 or absent is off)")
        }
        if execution.keepRuns < 1 { problems.append("execution.keep_runs must be >= 1 (the run in progress is always kept)") }
        if let model = agent.model {
            if model.isEmpty || !model.unicodeScalars.allSatisfy(Self.isAllowedModelScalar) {
                problems.append("agent.model contains invalid characters (allowed: alphanumeric, '.', '_', '/', '-')")
            } else if model.hasPrefix("-") {
                problems.append("agent.model must not start with '-' (flag-like values are rejected)")
            }
        }
        for name in sortedPipelineNames {
            guard let pipeline = pipelines[name] else { continue }
            if pipeline.phases.isEmpty && !pipelinesWithBadPhases.contains(name) {
                problems.append("pipelines.\(name): must have at least one main phase")
            }
            var seen: Set<String> = []
            for phase in pipeline.allPhases where !SafeFileName.isSafe(phase.name) {
                problems.append("pipelines.\(name): phase name '\(SafeFileName.displayed(phase.name))' must be letters, digits, '-', '_' or '.' "
                    + "(it becomes part of file names)")
            }
            for phase in pipeline.allPhases where !seen.insert(phase.name).inserted {
                problems.append("pipelines.\(name): duplicate phase name '\(phase.name)'")
            }
            for phase in pipeline.prePhases where phase.isDestructive {
                problems.append("pipelines.\(name): pre_phase '\(phase.name)' cannot be destructive")
            }
            if execution.maxWip > 1 {
                for phase in pipeline.allPhases where phase.staleness == .block {
                    problems.append(
                        "pipelines.\(name): phase '\(phase.name)' uses staleness 'block' which is incompatible with max_wip > 1"
                    )
                }
            }
        }
        return problems
    }

    /// The model reaches the agent's argv, so only characters that cannot form shell or flag
    /// syntax are allowed.
    private static func isAllowedModelScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "/", "-": true
        default: false
        }
    }
}
