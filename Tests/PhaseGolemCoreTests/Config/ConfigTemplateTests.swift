import Foundation
import Testing
@testable import PhaseGolemCore

private typealias Support = ConfigTestSupport

@Suite("Init template")
struct ConfigTemplateTests {
    @Test func templateLoadsBackAsItSays() throws {
        let text = ConfigTemplate.initTemplate(prefix: "ACME")
        let config = try ConfigLoader.parse(text, path: "phase-golem.toml")
        #expect(config.project.prefix == "ACME")
        #expect(config.guardrails == GuardrailsConfig(maxSize: .medium, maxComplexity: .medium, maxRisk: .low))
        #expect(config.execution == ExecutionConfig(
            phaseTimeoutMinutes: 30, maxRetries: 2, defaultPhaseCap: 100, maxWip: 1, maxConcurrent: 1,
            autoAdvance: false, circuitBreakerThreshold: 2
        ))
        // The agent examples are commented out, so the defaults apply.
        #expect(config.agent == AgentConfig())
        #expect(Array(config.pipelines.keys) == ["feature"])

        // Identical to the built-in pipeline except for the build workflow.
        var expected = PipelineConfig.defaultFeature
        expected.phases[4].workflows = [".claude/skills/changes/workflows/4-build/implement-spec-autonomous.md"]
        #expect(config.pipelines["feature"] == expected)
    }

    @Test func templateMentionsTheAgentOptions() {
        let text = ConfigTemplate.initTemplate(prefix: "WRK")
        #expect(text.contains("[agent]\n# cli = \"claude\""))
        #expect(text.contains("# model = "))
        #expect(text.contains("# cli = \"command\""))
        #expect(text.contains("# command = ["))
        #expect(text.contains("is_destructive = true"))
        #expect(text.hasSuffix("]\n"))
    }

    @Test func commentedCommandAgentWorksWhenUncommented() throws {
        let text = ConfigTemplate.initTemplate(prefix: "WRK")
            .replacingOccurrences(of: "# cli = \"command\"", with: "cli = \"command\"")
            .replacingOccurrences(of: "# command = [", with: "command = [")
        let config = try ConfigLoader.parse(text, path: "phase-golem.toml")
        #expect(config.agent.cli == .command)
        #expect(config.agent.command == ["my-agent", "--flag"])
    }

    @Test(arguments: ["", "A-B_c9", "we\"ird\\", "tab\there"])
    func prefixIsEscaped(prefix: String) throws {
        let config = try ConfigLoader.parse(ConfigTemplate.initTemplate(prefix: prefix), path: "phase-golem.toml")
        #expect(config.project.prefix == prefix)
    }
}
