import Testing
@testable import PhaseGolemCore

private typealias Support = ConfigTestSupport

/// `execution.agent_retry_backoff_seconds`, `agent_failure_limit`, `agent_failure_streak`
/// (docs/decisions.md D14).
@Suite("Config: agent failures")
struct AgentFailureConfigTests {
    @Test("defaults: 30 s backoff, halt after 3 agent failures, a streak of 2 items")
    func defaults() {
        let execution = PhaseGolemConfig.defaults.execution
        #expect(execution.agentRetryBackoffSeconds == 30)
        #expect(execution.agentFailureLimit == 3)
        #expect(execution.agentFailureStreak == 2)
    }

    @Test("the three keys load as given; the backoff may be a float")
    func loads() throws {
        let config = try #require(Support.parse("""
            [execution]
            agent_retry_backoff_seconds = 0.25
            agent_failure_limit = 5
            agent_failure_streak = 0
            """ + Support.minimalPipeline))
        #expect(config.execution.agentRetryBackoffSeconds == 0.25)
        #expect(config.execution.agentFailureLimit == 5)
        #expect(config.execution.agentFailureStreak == 0)
        let integer = try #require(Support.parse("[execution]\nagent_retry_backoff_seconds = 0\n" + Support.minimalPipeline))
        #expect(integer.execution.agentRetryBackoffSeconds == 0)
    }

    @Test(arguments: ["-1", "301", "nan", "1e9"])
    func backoffOutOfRange(value: String) {
        #expect(Support.problems("[execution]\nagent_retry_backoff_seconds = \(value)\n") == [
            "execution.agent_retry_backoff_seconds must be between 0 and 300 "
                + "(0 retries at once; the wait doubles per consecutive agent failure, up to 300 seconds)",
        ])
    }

    @Test("a backoff that is not a number names the key and what it expects")
    func backoffNotANumber() {
        #expect(Support.problems("[execution]\nagent_retry_backoff_seconds = \"30s\"\n") == [
            "execution.agent_retry_backoff_seconds: invalid value '30s' (expected a number of seconds, such as 30 or 0.5)",
        ])
    }

    @Test("a limit of 0 is refused; a negative limit or streak names the key")
    func limits() {
        #expect(Support.problems("[execution]\nagent_failure_limit = 0\n") == [
            "execution.agent_failure_limit must be >= 1 (consecutive agent failures before the run halts AgentUnavailable)",
        ])
        #expect(Support.problems("[execution]\nagent_failure_streak = -1\n") == [
            "execution.agent_failure_streak: invalid value -1 (expected a non-negative integer)",
        ])
    }

    @Test("the backoff doubles per consecutive failure and stops at 300 s; 0 is at once")
    func backoffSchedule() {
        let execution = ExecutionConfig(agentRetryBackoffSeconds: 30)
        #expect((1...6).map { execution.agentRetryBackoff(afterFailures: $0) } == [
            .seconds(30), .seconds(60), .seconds(120), .seconds(240), .seconds(300), .seconds(300),
        ])
        #expect(ExecutionConfig(agentRetryBackoffSeconds: 0).agentRetryBackoff(afterFailures: 3) == .zero)
        #expect(ExecutionConfig(agentRetryBackoffSeconds: 200).agentRetryBackoff(afterFailures: 2) == .seconds(300))
        #expect(execution.agentRetryBackoff(afterFailures: 10_000) == .seconds(300))
    }

    @Test("init's template spells out the three defaults")
    func template() throws {
        let config = try ConfigLoader.parse(ConfigTemplate.initTemplate(prefix: "WRK"), path: "phase-golem.toml")
        #expect(config.execution.agentRetryBackoffSeconds == 30)
        #expect(config.execution.agentFailureLimit == 3)
        #expect(config.execution.agentFailureStreak == 2)
        let text = ConfigTemplate.initTemplate(prefix: "WRK")
        #expect(text.contains("\nagent_retry_backoff_seconds = 30 "))
        #expect(text.contains("\nagent_failure_limit = 3 "))
        #expect(text.contains("\nagent_failure_streak = 2 "))
    }
}
