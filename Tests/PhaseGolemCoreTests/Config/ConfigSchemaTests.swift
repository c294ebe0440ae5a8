import Testing
@testable import PhaseGolemCore

private typealias Support = ConfigTestSupport

@Suite("Config schema")
struct ConfigSchemaTests {
    @Test func fullFileLoadsAsGiven() throws {
        let config = try #require(Support.parse("""
            [project]
            prefix = "APP"

            [guardrails]
            max_size = "large"
            max_complexity = "high"
            max_risk = "medium"

            [execution]
            phase_timeout_minutes = 60
            max_retries = 5
            default_phase_cap = 50
            max_wip = 3
            max_concurrent = 2
            auto_advance = true
            circuit_breaker_threshold = 4

            [agent]
            cli = "opencode"
            model = "gpt-4"
            """ + Support.minimalPipeline))
        #expect(config.project.prefix == "APP")
        #expect(config.guardrails == GuardrailsConfig(maxSize: .large, maxComplexity: .high, maxRisk: .medium))
        #expect(config.execution == ExecutionConfig(
            phaseTimeoutMinutes: 60, maxRetries: 5, defaultPhaseCap: 50, maxWip: 3, maxConcurrent: 2,
            autoAdvance: true, circuitBreakerThreshold: 4
        ))
        #expect(config.agent == AgentConfig(cli: .opencode, model: "gpt-4"))
    }

    @Test func unknownKeysAreIgnoredOutsideAgentAndPhases() throws {
        let config = try #require(Support.parse("""
            future_section_key = 1
            [project]
            prefix = "X"
            backlog_path = "BACKLOG.yaml"
            [guardrails]
            min_impact = "medium"
            [execution]
            something_new = true
            [unknown_table]
            a = 1
            [pipelines.feature]
            description = "ignored"
            phases = [{ name = "build" }]
            """))
        #expect(config.project.prefix == "X")
        #expect(config.pipelines["feature"]?.phases == [PhaseConfig(name: "build")])
    }

    @Test func unknownKeyInAgentIsRejectedWithSuggestion() {
        #expect(Support.problems("[agent]\nmodle = \"opus\"\n") == [
            "agent: unknown key 'modle' (did you mean 'model'? allowed keys: cli, model, command, output, sandbox, price)",
        ])
        #expect(Support.problems("[agent]\ncli_tool = \"claude\"\n") == [
            "agent: unknown key 'cli_tool' (allowed keys: cli, model, command, output, sandbox, price)",
        ])
    }

    @Test func unknownKeyInPhaseIsRejected() {
        #expect(Support.problems("""
            [pipelines.feature]
            phases = [{ name = "build", worklows = ["a.md"] }]
            """) == [
            "pipelines.feature.phases[0]: unknown key 'worklows' (did you mean 'workflows'? allowed keys: name, workflows, is_destructive, destructive, staleness)",
        ])
    }

    @Test func arrayOfTablesSyntaxWorksAndRejectsUnknownKeys() throws {
        let config = try #require(Support.parse("""
            [[pipelines.blog.pre_phases]]
            name = "outline"
            [[pipelines.blog.phases]]
            name = "draft"
            workflows = ["draft.md", "style.md"]
            [[pipelines.blog.phases]]
            name = "publish"
            is_destructive = true
            staleness = "warn"
            """))
        let blog = try #require(config.pipelines["blog"])
        #expect(blog.prePhases == [PhaseConfig(name: "outline")])
        #expect(blog.phases == [
            PhaseConfig(name: "draft", workflows: ["draft.md", "style.md"]),
            PhaseConfig(name: "publish", isDestructive: true, staleness: .warn),
        ])
        #expect(Support.problems("[[pipelines.blog.phases]]\nname = \"draft\"\ntimeout = 3\n") == [
            "pipelines.blog.phases[0]: unknown key 'timeout' (allowed keys: name, workflows, is_destructive, destructive, staleness)",
        ])
    }

    @Test func destructiveAliasIsAccepted() throws {
        let config = try #require(Support.parse("""
            [pipelines.feature]
            phases = [{ name = "build", destructive = true }, { name = "review", destructive = false }]
            """))
        #expect(config.pipelines["feature"]?.phases.map(\.isDestructive) == [true, false])
    }

    @Test func bothDestructiveSpellingsAreRejected() {
        #expect(Support.problems("""
            [pipelines.feature]
            phases = [{ name = "build", destructive = true, is_destructive = true }]
            """) == ["pipelines.feature.phases[0]: both 'is_destructive' and 'destructive' are set (keep only one)"])
    }

    @Test func isDestructiveIsOptional() throws {
        // docs/decisions.md D6: the original required it; a phase with only a name must equal the constructor's defaults.
        let config = try #require(Support.parse("[pipelines.feature]\nphases = [{ name = \"build\" }]\n"))
        #expect(config.pipelines["feature"]?.phases == [PhaseConfig(name: "build")])
        let phase = PhaseConfig(name: "build")
        #expect(phase.isDestructive == false)
        #expect(phase.workflows.isEmpty)
        #expect(phase.staleness == .ignore)
    }

    @Test func phaseNameIsRequired() {
        #expect(Support.problems("[pipelines.feature]\nphases = [{ workflows = [\"a.md\"] }]\n") == [
            "pipelines.feature.phases[0]: missing required key 'name'",
        ])
    }

    @Test func pipelineWithOnlyPhasesHasNoPrePhases() throws {
        let config = try #require(Support.parse("[pipelines.p]\nphases = [{ name = \"a\" }]\n"))
        #expect(config.pipelines["p"]?.prePhases == [])
    }

    // MARK: Enums

    @Test(arguments: [
        ("[guardrails]\nmax_size = \"huge\"", "guardrails.max_size: invalid value 'huge' (expected small, medium or large)"),
        ("[guardrails]\nmax_size = \"extra_large\"", "guardrails.max_size: invalid value 'extra_large' (expected small, medium or large)"),
        ("[guardrails]\nmax_size = \"Medium\"", "guardrails.max_size: invalid value 'Medium' (expected small, medium or large)"),
        ("[guardrails]\nmax_complexity = \"HIGH\"", "guardrails.max_complexity: invalid value 'HIGH' (expected low, medium or high)"),
        ("[guardrails]\nmax_risk = 2", "guardrails.max_risk: invalid value 2 (expected low, medium or high)"),
        ("[agent]\ncli = \"gpt\"", "agent.cli: invalid value 'gpt' (expected claude, opencode, codex or command)"),
        ("[agent]\ncli = \"Claude\"", "agent.cli: invalid value 'Claude' (expected claude, opencode, codex or command)"),
        (
            "[pipelines.feature]\nphases = [{ name = \"b\", staleness = \"always\" }]",
            "pipelines.feature.phases[0].staleness: invalid value 'always' (expected ignore, warn or block)"
        ),
    ])
    func invalidEnumValue(toml: String, message: String) {
        let document = toml.contains("[pipelines.") ? toml : toml + "\n" + Support.minimalPipeline
        #expect(Support.problems(document) == [message])
    }

    @Test func enumValuesParse() throws {
        for (text, cli) in [("claude", AgentCLI.claude), ("opencode", .opencode)] {
            let config = try #require(Support.parse("[agent]\ncli = \"\(text)\"\n"))
            #expect(config.agent.cli == cli)
        }
        let config = try #require(Support.parse("""
            [pipelines.p]
            phases = [{ name = "a", staleness = "ignore" }, { name = "b", staleness = "warn" }, { name = "c", staleness = "block" }]
            """))
        #expect(config.pipelines["p"]?.phases.map(\.staleness) == [.ignore, .warn, .block])
    }

    // MARK: Types and ranges

    @Test(arguments: [
        ("[execution]\nmax_wip = -1", "execution.max_wip: invalid value -1 (expected a non-negative integer)"),
        ("[execution]\nmax_retries = \"3\"", "execution.max_retries: invalid value '3' (expected a non-negative integer)"),
        ("[execution]\ndefault_phase_cap = 2.5", "execution.default_phase_cap: invalid value 2.5 (expected a non-negative integer)"),
        ("[execution]\nmax_concurrent = 4294967296", "execution.max_concurrent: invalid value 4294967296 (expected an integer no larger than 4294967295)"),
        ("[execution]\nauto_advance = \"yes\"", "execution.auto_advance: invalid value 'yes' (expected true or false)"),
        ("[execution]\nphase_timeout_minutes = \"30\"", "execution.phase_timeout_minutes: invalid value '30' (expected a number of minutes, such as 30 or 0.5)"),
        ("[execution]\nphase_timeout_minutes = inf", "execution.phase_timeout_minutes: invalid value inf (expected a number of minutes no larger than 4294967295)"),
        ("[project]\nprefix = 7", "project.prefix: invalid value 7 (expected a string)"),
        ("[agent]\nmodel = [\"opus\"]", "agent.model: expected a string, got an array"),
        ("guardrails = \"strict\"", "guardrails: invalid value 'strict' (expected a table)"),
        ("[execution]\nmax_wip = 1979-05-27", "execution.max_wip: expected a non-negative integer, got a date (1979-05-27)"),
    ])
    func typeError(toml: String, message: String) {
        #expect(Support.problems(toml + "\n" + Support.minimalPipeline) == [message])
    }

    @Test func pipelineShapeErrors() {
        #expect(Support.problems("pipelines = 3\n") == ["pipelines: invalid value 3 (expected a table)"])
        #expect(Support.problems("[pipelines]\nfeature = \"x\"\n") == [
            "pipelines.feature: invalid value 'x' (expected a table with pre_phases and phases)",
        ])
        #expect(Support.problems("[pipelines.feature]\nphases = { name = \"a\" }\n") == [
            "pipelines.feature.phases: expected an array of phase tables, got a table",
        ])
        #expect(Support.problems("[pipelines.feature]\nphases = [\"build\"]\n") == [
            #"pipelines.feature.phases[0]: invalid value 'build' (expected a phase table such as { name = "build", workflows = ["build.md"] })"#,
        ])
        #expect(Support.problems("[pipelines.feature]\nphases = [{ name = \"a\", workflows = [\"x.md\", 3] }]\n") == [
            "pipelines.feature.phases[0].workflows[1]: invalid value 3 (expected a string)",
        ])
        #expect(Support.problems("[pipelines.feature]\nphases = [{ name = \"a\", workflows = \"x.md\" }]\n") == [
            "pipelines.feature.phases[0].workflows: invalid value 'x.md' (expected an array of strings)",
        ])
    }

    @Test func longAndMultilineValuesStayReadable() {
        let problems = Support.problems("[guardrails]\nmax_size = \"\"\"\nline one\nline two\"\"\"\n" + Support.minimalPipeline)
        #expect(problems == [#"guardrails.max_size: invalid value 'line one\nline two' (expected small, medium or large)"#])
        let long = String(repeating: "x", count: 100)
        let longProblems = Support.problems("[project]\nprefix = 1\n[guardrails]\nmax_risk = \"\(long)\"\n" + Support.minimalPipeline)
        #expect(longProblems.last == "guardrails.max_risk: invalid value '\(String(repeating: "x", count: 60))…' (expected low, medium or high)")
    }

    @Test func fractionalTimeout() throws {
        let config = try #require(Support.parse("[execution]\nphase_timeout_minutes = 0.05\n"))
        #expect(config.execution.phaseTimeoutMinutes == 0.05)
        #expect(abs(config.execution.phaseTimeoutSeconds - 3) < 1e-9)
        #expect(config.execution.phaseTimeout > .milliseconds(2999))
        #expect(config.execution.phaseTimeout < .milliseconds(3001))
    }

    @Test func integerTimeoutConvertsExactly() throws {
        let config = try #require(Support.parse("[execution]\nphase_timeout_minutes = 45\n"))
        #expect(config.execution.phaseTimeoutMinutes == 45)
        #expect(config.execution.phaseTimeout == .seconds(2700))
    }

    // MARK: Agent

    @Test func modelIsTrimmedAndBlankMeansNone() throws {
        #expect(Support.parse("[agent]\nmodel = \"  opus \"\n")?.agent.model == "opus")
        #expect(Support.parse("[agent]\nmodel = \"   \"\n")?.agent.model == nil)
        #expect(Support.parse("[agent]\nmodel = \"\"\n")?.agent.model == nil)
        #expect(Support.parse("[agent]\nmodel = \"\\t\\n\"\n")?.agent.model == nil)
        #expect(Support.parse("[agent]\ncli = \"opencode\"\n")?.agent == AgentConfig(cli: .opencode, model: nil))
        #expect(Support.parse("[agent]\nmodel = \"opus\"\n")?.agent.cli == .claude)
    }

    @Test func modelNormalization() {
        #expect(AgentConfig.normalizedModel(nil) == nil)
        #expect(AgentConfig.normalizedModel("") == nil)
        #expect(AgentConfig.normalizedModel(" \t\n") == nil)
        #expect(AgentConfig.normalizedModel("opus") == "opus")
        #expect(AgentConfig(model: " sonnet\n").model == "sonnet")
    }

    @Test func commandAgentLoads() throws {
        let config = try #require(Support.parse("""
            [agent]
            cli = "command"
            command = ["phase-golem", "demo-agent", "--speed", "fast"]
            """))
        #expect(config.agent == AgentConfig(cli: .command, command: ["phase-golem", "demo-agent", "--speed", "fast"]))
    }

    @Test func commandAgentNeedsACommand() {
        #expect(Support.problems("[agent]\ncli = \"command\"\n") == [
            #"agent.command: required when agent.cli = "command" (e.g. command = ["my-agent", "--flag"]; the prompt is passed as the last argument)"#,
        ])
        #expect(Support.problems("[agent]\ncli = \"command\"\ncommand = []\n") == [
            #"agent.command: must not be empty when agent.cli = "command" (give the program and its arguments, e.g. ["my-agent", "--flag"])"#,
        ])
        #expect(Support.problems("[agent]\ncli = \"command\"\ncommand = [\" \", \"x\"]\n") == [
            "agent.command: the first element (the program to run) must not be empty",
        ])
        #expect(Support.problems("[agent]\ncli = \"command\"\ncommand = [\"run\", 1]\n") == [
            "agent.command[1]: invalid value 1 (expected a string)",
        ])
        #expect(Support.problems("[agent]\ncli = \"command\"\ncommand = \"my-agent --flag\"\n") == [
            "agent.command: invalid value 'my-agent --flag' (expected an array of strings)",
        ])
    }

    @Test func commandWithoutCommandCLIIsRejected() {
        #expect(Support.problems("[agent]\ncommand = [\"my-agent\"]\n") == [
            #"agent.command: only used when agent.cli = "command", but cli is 'claude' (set cli = "command" or remove command)"#,
        ])
        #expect(Support.problems("[agent]\ncli = \"opencode\"\ncommand = [\"my-agent\"]\n") == [
            #"agent.command: only used when agent.cli = "command", but cli is 'opencode' (set cli = "command" or remove command)"#,
        ])
        // An invalid cli is reported alone rather than also as a cli/command mismatch.
        #expect(Support.problems("[agent]\ncli = \"cmd\"\ncommand = [\"my-agent\"]\n") == [
            "agent.cli: invalid value 'cmd' (expected claude, opencode, codex or command)",
        ])
    }

    @Test func noAgentSectionGivesDefaults() throws {
        let config = try #require(Support.parse("[project]\nprefix = \"A\"\n"))
        #expect(config.agent.cli == .claude)
        #expect(config.agent.model == nil)
        #expect(config.agent.command.isEmpty)
    }

    @Test func keySuggestions() {
        #expect(ConfigDecoder.closest(to: "modle", among: ["cli", "model", "command"]) == "model")
        #expect(ConfigDecoder.closest(to: "cmd", among: ["cli", "model", "command"]) == nil)
        #expect(ConfigDecoder.closest(to: "stalenes", among: ["name", "staleness"]) == "staleness")
        #expect(ConfigDecoder.closest(to: "nmae", among: ["name", "staleness"]) == "name")
        #expect(ConfigDecoder.editDistance("kitten", "sitting") == 3)
        #expect(ConfigDecoder.editDistance("modle", "model") == 1)
        #expect(ConfigDecoder.listing(["a"]) == "a")
        #expect(ConfigDecoder.listing(["a", "b", "c"]) == "a, b or c")
    }
}
