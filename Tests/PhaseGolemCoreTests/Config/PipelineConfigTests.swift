import Testing
@testable import PhaseGolemCore

@Suite("Pipelines")
struct PipelineConfigTests {
    @Test func defaultFeaturePipelineMatchesSpec() {
        let feature = PipelineConfig.defaultFeature
        let base = ".claude/skills/changes/workflows/"
        #expect(feature.prePhases == [PhaseConfig(name: "research", workflows: [base + "orchestration/research-scope.md"])])
        #expect(feature.phases == [
            PhaseConfig(name: "prd", workflows: [base + "0-prd/create-prd.md"]),
            PhaseConfig(name: "tech-research", workflows: [base + "1-tech-research/tech-research.md"]),
            PhaseConfig(name: "design", workflows: [base + "2-design/design.md"]),
            PhaseConfig(name: "spec", workflows: [base + "3-spec/create-spec.md"]),
            PhaseConfig(name: "build", workflows: [base + "orchestration/build-spec-phase.md"], isDestructive: true),
            PhaseConfig(name: "review", workflows: [base + "5-review/change-review.md"]),
        ])
    }

    @Test func lookups() {
        let pipeline = PipelineConfig(
            prePhases: [PhaseConfig(name: "research"), PhaseConfig(name: "shared", workflows: ["pre.md"])],
            phases: [PhaseConfig(name: "build", isDestructive: true), PhaseConfig(name: "shared", workflows: ["main.md"])]
        )
        #expect(pipeline.phase(named: "build")?.isDestructive == true)
        #expect(pipeline.phase(named: "shared")?.workflows == ["pre.md"])
        #expect(pipeline.phase(named: "missing") == nil)
        #expect(pipeline.prePhaseIndex(of: "shared") == 1)
        #expect(pipeline.mainPhaseIndex(of: "shared") == 1)
        #expect(pipeline.mainPhaseIndex(of: "research") == nil)
        #expect(pipeline.isPrePhase("research"))
        #expect(!pipeline.isMainPhase("research"))
        #expect(pipeline.isMainPhase("build"))
        #expect(pipeline.firstPrePhase?.name == "research")
        #expect(pipeline.firstMainPhase?.name == "build")
        #expect(pipeline.allPhaseNames == ["research", "shared", "build", "shared"])
        #expect(PipelineConfig().firstPrePhase == nil)
        #expect(PipelineConfig().firstMainPhase == nil)
    }

    @Test func pipelineForItemTypeDefaultsToFeature() {
        let config = PhaseGolemConfig(pipelines: ["feature": .defaultFeature, "blog": PipelineConfig(phases: [PhaseConfig(name: "draft")])])
        #expect(config.pipeline(for: nil) == .defaultFeature)
        #expect(config.pipeline(for: "blog")?.phases.first?.name == "draft")
        #expect(config.pipeline(for: "Blog") == nil)
        #expect(config.sortedPipelineNames == ["blog", "feature"])
    }

    @Test func guardrailsAllowPresentAssessmentsUpToTheMaximum() {
        let guardrails = GuardrailsConfig()
        #expect(guardrails.allows(Assessments()))
        #expect(guardrails.allows(Assessments(size: .medium, complexity: .medium, risk: .low, impact: .high)))
        #expect(!guardrails.allows(Assessments(size: .large)))
        #expect(!guardrails.allows(Assessments(complexity: .high)))
        #expect(!guardrails.allows(Assessments(risk: .medium)))
    }
}
