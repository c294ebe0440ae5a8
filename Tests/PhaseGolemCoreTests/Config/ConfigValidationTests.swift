import Testing
@testable import PhaseGolemCore

private typealias Support = ConfigTestSupport

@Suite("Config validation")
struct ConfigValidationTests {
    @Test func defaultConfigIsValid() throws {
        #expect(PhaseGolemConfig.defaults.validationProblems().isEmpty)
        try PhaseGolemConfig.defaults.validate()
    }

    @Test func maxWipZero() {
        #expect(Support.problems("[execution]\nmax_wip = 0\n") == ["execution.max_wip must be >= 1"])
    }

    @Test func maxConcurrentZero() {
        #expect(Support.problems("[execution]\nmax_concurrent = 0\n") == ["execution.max_concurrent must be >= 1"])
    }

    @Test func circuitBreakerThresholdZero() {
        #expect(Support.problems("[execution]\ncircuit_breaker_threshold = 0\n") == ["execution.circuit_breaker_threshold must be >= 1"])
    }

    @Test(arguments: ["-1", "-0.5", "nan"])
    func negativeTimeout(value: String) {
        #expect(Support.problems("[execution]\nphase_timeout_minutes = \(value)\n") == ["execution.phase_timeout_minutes must not be negative"])
    }

    /// The original loads a zero timeout; `status`, `advance` and `unblock` must work on such a
    /// project. `run`'s preflight refuses it (PreflightTests).
    @Test("execution.idle_timeout_minutes: off by default and at 0, minutes otherwise, never negative",
          arguments: [("", nil), ("0", nil), ("2", 120.0), ("0.5", 30.0)] as [(String, Double?)])
    func idleTimeout(value: String, seconds: Double?) throws {
        let toml = value.isEmpty ? "" : "[execution]\nidle_timeout_minutes = \(value)\n"
        let config = try #require(Support.parse(toml))
        #expect(config.execution.idleTimeoutSeconds == seconds)
    }

    @Test(arguments: ["-1", "nan"])
    func idleTimeoutNegative(value: String) {
        #expect(Support.problems("[execution]\nidle_timeout_minutes = \(value)\n") == [
            "execution.idle_timeout_minutes must not be negative (minutes an agent may print nothing before it is stopped; 0 or absent is off)",
        ])
    }

    @Test(arguments: ["0", "0.0"])
    func zeroTimeoutLoads(value: String) {
        #expect(Support.parseError("[execution]\nphase_timeout_minutes = \(value)\n") == nil)
    }

    @Test(arguments: ["claude-opus-4", "gpt-4.1", "openai/gpt-4o", "opus", "a_b"])
    func acceptedModels(model: String) {
        var config = PhaseGolemConfig.defaults
        config.agent.model = model
        #expect(config.validationProblems().isEmpty)
    }

    @Test(arguments: ["opus 4", "model;rm", "m$(x)", "modèle", "a\"b"])
    func modelWithInvalidCharacters(model: String) {
        var config = PhaseGolemConfig.defaults
        config.agent.model = model
        #expect(config.validationProblems() == ["agent.model contains invalid characters (allowed: alphanumeric, '.', '_', '/', '-')"])
    }

    @Test(arguments: ["-badmodel", "--flag"])
    func modelStartingWithHyphen(model: String) {
        #expect(Support.problems("[agent]\nmodel = \"\(model)\"\n") == ["agent.model must not start with '-' (flag-like values are rejected)"])
    }

    @Test func noMainPhases() {
        #expect(Support.problems("[pipelines.scoping]\npre_phases = [{ name = \"research\" }]\n") == [
            "pipelines.scoping: must have at least one main phase",
        ])
        #expect(Support.problems("[pipelines.empty]\n") == ["pipelines.empty: must have at least one main phase"])
    }

    @Test func undecodableMainPhasesAreNotAlsoReportedAsMissing() {
        #expect(Support.problems("[pipelines.p]\nphases = [{ workflows = [] }]\n") == ["pipelines.p.phases[0]: missing required key 'name'"])
        #expect(Support.problems("[pipelines.p]\nphases = \"build\"\n") == [
            "pipelines.p.phases: invalid value 'build' (expected an array of phase tables)",
        ])
    }

    @Test func duplicatePhaseNames() {
        #expect(Support.problems("""
            [pipelines.feature]
            pre_phases = [{ name = "research" }]
            phases = [{ name = "research" }, { name = "build" }, { name = "build" }]
            """) == [
            "pipelines.feature: duplicate phase name 'research'",
            "pipelines.feature: duplicate phase name 'build'",
        ])
    }

    @Test func destructivePrePhase() {
        #expect(Support.problems("""
            [pipelines.feature]
            pre_phases = [{ name = "research", is_destructive = true }]
            phases = [{ name = "build" }]
            """) == ["pipelines.feature: pre_phase 'research' cannot be destructive"])
    }

    @Test func stalenessBlockNeedsSingleWip() throws {
        let pipeline = """
            [pipelines.feature]
            pre_phases = [{ name = "research", staleness = "block" }]
            phases = [{ name = "build", is_destructive = true, staleness = "block" }]
            """
        #expect(Support.problems("[execution]\nmax_wip = 2\n" + pipeline) == [
            "pipelines.feature: phase 'research' uses staleness 'block' which is incompatible with max_wip > 1",
            "pipelines.feature: phase 'build' uses staleness 'block' which is incompatible with max_wip > 1",
        ])
        let config = try #require(Support.parse("[execution]\nmax_wip = 1\n" + pipeline))
        #expect(config.pipelines["feature"]?.phases.first?.staleness == .block)
    }

    @Test func allProblemsAreReportedTogetherInOneMessage() {
        let error = Support.parseError("""
            [execution]
            max_wip = 0
            max_concurrent = 0
            max_retries = -2

            [agent]
            model = "-x"
            modle = "y"

            [pipelines.zeta]
            pre_phases = [{ name = "a", destructive = true }]

            [pipelines.alpha]
            phases = [{ name = "b" }, { name = "b" }]
            """)
        #expect(error?.description == """
            Failed to parse test.toml:
              - execution.max_retries: invalid value -2 (expected a non-negative integer)
              - agent: unknown key 'modle' (did you mean 'model'? allowed keys: cli, model, command, output, sandbox, price)
            Config validation failed:
              - execution.max_wip must be >= 1
              - execution.max_concurrent must be >= 1
              - agent.model must not start with '-' (flag-like values are rejected)
              - pipelines.alpha: duplicate phase name 'b'
              - pipelines.zeta: must have at least one main phase
              - pipelines.zeta: pre_phase 'a' cannot be destructive
            """)
    }

    /// The original's deserializer rejected wrong types and unknown keys as `Failed to parse
    /// {path}: …`; scripts matching that first line still match ours.
    @Test func aSchemaProblemKeepsTheOriginalsFailedToParseLine() {
        #expect(Support.parseError("[agent]\nfoo = 1\n", path: "./phase-golem.toml")?.description
            == "Failed to parse ./phase-golem.toml: agent: unknown key 'foo' (allowed keys: cli, model, command, output, sandbox, price)")
        #expect(Support.parseError("[execution]\nmax_retries = \"x\"\n", path: "./phase-golem.toml")?.description
            == "Failed to parse ./phase-golem.toml: execution.max_retries: invalid value 'x' (expected a non-negative integer)")
    }

    @Test func validationFailureThroughTheLoaderNamesNoFile() throws {
        try Support.withTemporaryDirectory { root in
            try Support.write("[execution]\nmax_wip = 0\n[pipelines.empty]\n", to: root + "/phase-golem.toml")
            #expect(throws: ConfigError.invalid(problems: [
                "execution.max_wip must be >= 1",
                "pipelines.empty: must have at least one main phase",
            ])) {
                try ConfigLoader.load(root: root, explicitPath: nil)
            }
        }
    }

    @Test func programmaticValidateThrowsTheSameMessage() {
        var config = PhaseGolemConfig.defaults
        config.execution.maxWip = 0
        config.pipelines["bad"] = PipelineConfig()
        #expect(throws: ConfigError.invalid(problems: [
            "execution.max_wip must be >= 1",
            "pipelines.bad: must have at least one main phase",
        ])) {
            try config.validate()
        }
    }
}
