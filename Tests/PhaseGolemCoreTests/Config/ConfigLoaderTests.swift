import Foundation
import Testing
@testable import PhaseGolemCore

private typealias Support = ConfigTestSupport

@Suite("Config loading")
struct ConfigLoaderTests {
    @Test func exampleFixtureLoads() throws {
        let path = Support.fixture("phase-golem.example.toml")
        let loaded = try ConfigLoader.load(root: "/nonexistent-root", explicitPath: path)
        let config = loaded.config
        #expect(loaded.path == path)
        #expect(loaded.baseDirectory == Support.fixturesDirectory)
        #expect(config.project.prefix == "WRK")
        #expect(config.guardrails == GuardrailsConfig(maxSize: .medium, maxComplexity: .medium, maxRisk: .low))
        #expect(config.execution == ExecutionConfig(phaseTimeoutMinutes: 30, maxRetries: 2, defaultPhaseCap: 100, maxWip: 1, maxConcurrent: 1))
        #expect(config.agent == AgentConfig())
        #expect(Array(config.pipelines.keys) == ["feature"])
        let feature = try #require(config.pipelines["feature"])
        #expect(feature.prePhases == [PhaseConfig(name: "research", workflows: ["workflows/research-scope.md"])])
        #expect(feature.phases == [
            PhaseConfig(name: "prd", workflows: ["workflows/create-prd.md"]),
            PhaseConfig(name: "build", workflows: ["workflows/build.md"], isDestructive: true),
            PhaseConfig(name: "review", workflows: ["workflows/review.md"]),
        ])
    }

    @Test func taskGolemFixtureLoads() throws {
        let path = Support.fixture("task-golem-phase-golem.toml")
        let config = try ConfigLoader.load(root: ".", explicitPath: path).config
        #expect(config.project.prefix == "TG")
        #expect(config.guardrails == GuardrailsConfig(maxSize: .medium, maxComplexity: .medium, maxRisk: .medium))
        #expect(config.execution.maxWip == 5)
        #expect(config.execution.maxConcurrent == 3)
        #expect(config.execution.phaseTimeoutMinutes == 30)
        #expect(config.execution.phaseTimeout == .seconds(1800))
        let feature = try #require(config.pipelines["feature"])
        #expect(feature.allPhaseNames == ["research", "prd", "tech-research", "design", "spec", "build", "review"])
        #expect(feature.phases.map(\.isDestructive) == [false, false, false, false, true, false])
        #expect(feature.prePhases[0].workflows == ["~/.claude/skills/changes/workflows/orchestration/research-scope.md"])
        #expect(feature.phases[4].workflows == ["~/.claude/skills/changes/workflows/orchestration/build-spec-phase.md"])
        #expect(feature.allPhases.allSatisfy { $0.staleness == .ignore })
    }

    @Test func noFileGivesDefaultsAndFeaturePipeline() throws {
        try Support.withTemporaryDirectory { root in
            let loaded = try ConfigLoader.load(root: root, explicitPath: nil)
            #expect(loaded.path == nil)
            #expect(loaded.baseDirectory == root)
            #expect(loaded.config == PhaseGolemConfig.defaults)
            let config = loaded.config
            #expect(config.project.prefix == "WRK")
            #expect(config.guardrails == GuardrailsConfig(maxSize: .medium, maxComplexity: .medium, maxRisk: .low))
            #expect(config.execution.phaseTimeoutMinutes == 30)
            #expect(config.execution.maxRetries == 2)
            #expect(config.execution.defaultPhaseCap == 100)
            #expect(config.execution.maxWip == 1)
            #expect(config.execution.maxConcurrent == 1)
            #expect(config.execution.autoAdvance == false)
            #expect(config.execution.circuitBreakerThreshold == 2)
            #expect(config.agent.cli == .claude)
            #expect(config.agent.model == nil)
            #expect(config.pipelines == ["feature": .defaultFeature])
        }
    }

    @Test func rootConfigFileIsUsedWhenPresent() throws {
        try Support.withTemporaryDirectory { root in
            let path = root + "/phase-golem.toml"
            try Support.write("[project]\nprefix = \"APP\"\n", to: path)
            let loaded = try ConfigLoader.load(root: root, explicitPath: nil)
            #expect(loaded.path == path)
            #expect(loaded.baseDirectory == root)
            #expect(loaded.config.project.prefix == "APP")
        }
    }

    @Test func rootWithTrailingSlashDoesNotDoubleIt() throws {
        try Support.withTemporaryDirectory { root in
            try Support.write("", to: root + "/phase-golem.toml")
            let loaded = try ConfigLoader.load(root: root + "/", explicitPath: nil)
            #expect(loaded.path == root + "/phase-golem.toml")
        }
    }

    @Test func emptyFileUsesDefaultsAndFeaturePipeline() throws {
        let config = try #require(Support.parse(""))
        #expect(config == PhaseGolemConfig.defaults)
        #expect(config.pipelines.count == 1)
    }

    @Test func partialFileKeepsOtherDefaults() throws {
        let config = try #require(Support.parse("[project]\nprefix = \"CUSTOM\"\n"))
        #expect(config.project.prefix == "CUSTOM")
        #expect(config.guardrails == GuardrailsConfig())
        #expect(config.execution == ExecutionConfig())
        #expect(config.agent == AgentConfig())
    }

    @Test func explicitPipelinesReplaceTheDefault() throws {
        let config = try #require(Support.parse("[pipelines.custom]\nphases = [{ name = \"only\" }]\n"))
        #expect(Array(config.pipelines.keys) == ["custom"])
    }

    @Test func explicitPathMissing() throws {
        try Support.withTemporaryDirectory { root in
            // A config in the root must not be used as a fallback for a missing explicit one.
            try Support.write("", to: root + "/phase-golem.toml")
            let missing = root + "/nope.toml"
            #expect(throws: ConfigError.fileNotFound(path: missing)) {
                try ConfigLoader.load(root: root, explicitPath: missing)
            }
            #expect(ConfigError.fileNotFound(path: missing).description == "Config file not found: \(missing)")
        }
    }

    @Test func unreadableFileNamesPathAndReason() throws {
        try Support.withTemporaryDirectory { root in
            // Tests may run as root, where permissions do not stop reads; a directory always fails.
            let directory = root + "/config.toml"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
            #expect(throws: ConfigError.unreadable(path: directory, reason: "Is a directory (os error 21)")) {
                try ConfigLoader.load(root: root, explicitPath: directory)
            }
            #expect(
                ConfigError.unreadable(path: directory, reason: "Is a directory (os error 21)").description
                    == "Failed to read \(directory): Is a directory (os error 21)"
            )
        }
    }

    @Test func invalidUTF8IsAReadError() throws {
        try Support.withTemporaryDirectory { root in
            let path = root + "/phase-golem.toml"
            try Data([0x5B, 0xFF, 0xFE, 0x5D]).write(to: URL(fileURLWithPath: path))
            #expect(throws: ConfigError.unreadable(path: path, reason: "stream did not contain valid UTF-8")) {
                try ConfigLoader.load(root: root, explicitPath: nil)
            }
        }
    }

    @Test func syntaxErrorNamesFileLineAndColumn() throws {
        try Support.withTemporaryDirectory { root in
            let path = root + "/phase-golem.toml"
            try Support.write("[project]\nprefix = \"WRK\"\n\n[execution]\nmax_wip = = 3\n", to: path)
            do throws(ConfigError) {
                _ = try ConfigLoader.load(root: root, explicitPath: nil)
                Issue.record("expected a syntax error")
            } catch {
                guard case .syntax(let errorPath, let message, let line, let column) = error else {
                    Issue.record("expected a syntax error, got \(error)")
                    return
                }
                #expect(errorPath == path)
                #expect(!message.isEmpty)
                #expect(line == 5)
                #expect(column > 1)
                #expect(error.description.hasPrefix("Failed to parse \(path): "))
                #expect(error.description.hasSuffix("(line 5, column \(column))"))
            }
        }
    }

    @Test func garbageIsAParseError() {
        let error = Support.parseError("this is [not toml", path: "x/phase-golem.toml")
        guard case .syntax(let path, _, let line, _)? = error else {
            Issue.record("expected a syntax error, got \(String(describing: error))")
            return
        }
        #expect(path == "x/phase-golem.toml")
        #expect(line == 1)
        #expect(error?.description.contains("Failed to parse x/phase-golem.toml") == true)
    }

    @Test func nulByteIsASyntaxErrorWithPosition() {
        let error = Support.parseError("[project]\nprefix = \"A\u{0}B\"\n")
        #expect(error == .syntax(path: "test.toml", message: "NUL characters are not allowed in TOML", line: 2, column: 12))
    }

    @Test func duplicateKeyIsAParseError() {
        guard case .syntax(_, _, let line, _)? = Support.parseError("[execution]\nmax_wip = 1\nmax_wip = 2\n") else {
            Issue.record("expected a syntax error")
            return
        }
        #expect(line == 3)
    }

    // MARK: Config base (docs/compatibility.md#command-line)

    @Test func explicitPathBaseIsItsParentDirectory() throws {
        try Support.withTemporaryDirectory { root in
            let sub = root + "/conf"
            try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: false)
            try Support.write("", to: sub + "/custom.toml")
            let loaded = try ConfigLoader.load(root: root, explicitPath: sub + "/custom.toml")
            #expect(loaded.path == sub + "/custom.toml")
            #expect(loaded.baseDirectory == sub)
            #expect(loaded.resolve(workflowPath: "wf/a.md") == sub + "/wf/a.md")
            #expect(loaded.resolve(workflowPath: "/abs/a.md") == "/abs/a.md")
        }
    }

    @Test func emptyBaseLeavesWorkflowPathsAsWritten() {
        // `--config phase-golem.toml` has no directory part; its base is the empty path (docs/compatibility.md#command-line).
        let loaded = LoadedConfig(config: .defaults, path: "phase-golem.toml", baseDirectory: ConfigPath.parent(of: "phase-golem.toml"))
        #expect(loaded.baseDirectory == "")
        #expect(loaded.resolve(workflowPath: "wf/a.md") == "wf/a.md")
    }

    @Test(arguments: [
        ("phase-golem.toml", ""),
        ("conf/x.toml", "conf"),
        ("./x.toml", "."),
        ("/x.toml", "/"),
        ("/a/b/x.toml", "/a/b"),
        ("a//b.toml", "a"),
        ("../other/x.toml", "../other"),
    ])
    func parentDirectory(path: String, expected: String) {
        #expect(ConfigPath.parent(of: path) == expected)
    }

    @Test func rootBaseResolvesRelativeWorkflows() {
        let loaded = LoadedConfig(config: .defaults, path: nil, baseDirectory: ".")
        #expect(loaded.resolve(workflowPath: "wf/a.md") == "./wf/a.md")
    }
}
