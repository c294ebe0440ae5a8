import Testing
@testable import PhaseGolemCore

/// Transition resolution after a phase result, and the guardrails it applies (docs/compatibility.md#running-one-phase).
@Suite("Transition resolution")
struct TransitionResolverTests {
    typealias Fx = SchedulerFixture

    /// pre [research, scope]; main prd → build (destructive) → review.
    static let pipeline = PipelineConfig(
        prePhases: [PhaseConfig(name: "research"), PhaseConfig(name: "scope")],
        phases: [PhaseConfig(name: "prd"), PhaseConfig(name: "build", isDestructive: true), PhaseConfig(name: "review")])
    static let guardrails = GuardrailsConfig(maxSize: .medium, maxComplexity: .medium, maxRisk: .low)

    static func resolve(_ item: StoreItem, _ result: PhaseResult, pipeline: PipelineConfig = pipeline) -> [ItemUpdate] {
        TransitionResolver.resolve(item: item, result: result, pipeline: pipeline, guardrails: guardrails)
    }

    static func scoping(at phase: String = "scope", size: SizeLevel? = nil, risk: DimensionLevel? = nil,
                        complexity: DimensionLevel? = nil, impact: DimensionLevel? = nil, humanReview: Bool = false) -> StoreItem {
        Fx.item("WRK-001", .scoping, phase: phase, pool: .pre, impact: impact, size: size, risk: risk,
                complexity: complexity, humanReview: humanReview)
    }

    // MARK: End of scoping

    @Test("Last pre-phase within the guardrails: clear the phase, then Ready", arguments: [
        Assessments(),
        Assessments(size: .small, complexity: .low, risk: .low),
        Assessments(size: .medium, complexity: .medium, risk: .low),
        Assessments(size: .small, impact: .high),
    ])
    func lastPrePasses(assessments: Assessments) {
        let item = Self.scoping(size: assessments.size, risk: assessments.risk, complexity: assessments.complexity, impact: assessments.impact)
        #expect(Self.resolve(item, Fx.phaseResult("scope")) == [.clearPhase, .transitionStatus(.ready)])
    }

    @Test("Last pre-phase beyond a guardrail blocks", arguments: [
        Assessments(size: .large),
        Assessments(complexity: .high),
        Assessments(risk: .medium),
        Assessments(size: .small, complexity: .low, risk: .high),
    ])
    func lastPreExceeds(assessments: Assessments) {
        let item = Self.scoping(size: assessments.size, risk: assessments.risk, complexity: assessments.complexity)
        #expect(Self.resolve(item, Fx.phaseResult("scope")) == [.setBlocked("Exceeds autonomous guardrail thresholds")])
    }

    @Test("Human review is checked before the guardrails")
    func humanReview() {
        let reason = ItemUpdate.setBlocked("Requires human review before entering pipeline")
        #expect(Self.resolve(Self.scoping(humanReview: true), Fx.phaseResult("scope")) == [reason])
        #expect(Self.resolve(Self.scoping(size: .large, humanReview: true), Fx.phaseResult("scope")) == [reason])
    }

    @Test("Last pre-phase ignores based_on_commit")
    func lastPreIgnoresCommit() {
        #expect(Self.resolve(Self.scoping(), Fx.phaseResult("scope", basedOnCommit: "abc123")) == [.clearPhase, .transitionStatus(.ready)])
    }

    // MARK: Advancing

    @Test("A pre-phase that is not the last advances to the next pre-phase")
    func midPre() {
        let item = Self.scoping(at: "research", size: .large)
        #expect(Self.resolve(item, Fx.phaseResult("research")) == [.setPhase("scope")])
        #expect(Self.resolve(item, Fx.phaseResult("research", basedOnCommit: "abc123")) == [.setPhase("scope"), .setLastPhaseCommit("abc123")])
    }

    @Test("Main phases advance in order; the commit anchor follows when given", arguments: [
        (phase: "prd", commit: String?.none, expected: [ItemUpdate.setPhase("build")]),
        (phase: "prd", commit: .some("abc123"), expected: [.setPhase("build"), .setLastPhaseCommit("abc123")]),
        (phase: "build", commit: .none, expected: [.setPhase("review")]),
        (phase: "review", commit: .none, expected: [.transitionStatus(.done)]),
        (phase: "review", commit: .some("abc123"), expected: [.transitionStatus(.done)]),
    ])
    func main(phase: String, commit: String?, expected: [ItemUpdate]) {
        let item = Fx.item("WRK-001", .inProgress, phase: phase, pool: .main)
        #expect(Self.resolve(item, Fx.phaseResult(phase, basedOnCommit: commit)) == expected)
    }

    @Test("No pool means main")
    func noPool() {
        let item = Fx.item("WRK-001", .inProgress, phase: "prd")
        #expect(Self.resolve(item, Fx.phaseResult("prd")) == [.setPhase("build")])
        #expect(Self.resolve(item, Fx.phaseResult("review")) == [.transitionStatus(.done)])
    }

    @Test("The result's phase, not the item's, decides the step")
    func resultPhaseDecides() {
        let item = Fx.item("WRK-001", .inProgress, phase: "prd", pool: .main)
        #expect(Self.resolve(item, Fx.phaseResult("build")) == [.setPhase("review")])
    }

    // MARK: Unknown phases

    @Test("A phase missing from its pool's list blocks with the pool's wording", arguments: [
        (pool: PhasePool?.some(.pre), phase: "nope", reason: "Phase nope not found in pre_phases"),
        (pool: .some(.pre), phase: "prd", reason: "Phase prd not found in pre_phases"),
        (pool: .some(.main), phase: "nope", reason: "Phase nope not found in pipeline phases"),
        (pool: .some(.main), phase: "research", reason: "Phase research not found in pipeline phases"),
        (pool: .none, phase: "scope", reason: "Phase scope not found in pipeline phases"),
    ])
    func unknownPhase(pool: PhasePool?, phase: String, reason: String) {
        let item = Fx.item("WRK-001", .inProgress, phase: phase, pool: pool)
        #expect(Self.resolve(item, Fx.phaseResult(phase)) == [.setBlocked(reason)])
    }

    @Test("A pre pool in a pipeline without pre-phases blocks")
    func preWithoutPrePhases() {
        let pipeline = PipelineConfig(phases: [PhaseConfig(name: "build")])
        #expect(Self.resolve(Self.scoping(at: "research"), Fx.phaseResult("research"), pipeline: pipeline)
            == [.setBlocked("Phase research not found in pre_phases")])
    }

    // MARK: Defensive codes

    @Test("Other result codes: failed and blocked block, subphase does nothing")
    func otherCodes() {
        let item = Fx.item("WRK-001", .inProgress, phase: "prd", pool: .main)
        #expect(Self.resolve(item, Fx.phaseResult("prd", .failed, summary: "Tests broke"))
            == [.setBlocked("Phase prd failed after retries exhausted. Last failure: Tests broke")])
        #expect(Self.resolve(item, Fx.phaseResult("prd", .blocked, summary: "Need input", context: "Decide the API"))
            == [.setBlocked("Decide the API")])
        #expect(Self.resolve(item, Fx.phaseResult("prd", .blocked, summary: "Need input")) == [.setBlocked("Need input")])
        #expect(Self.resolve(item, Fx.phaseResult("prd", .subphaseComplete, basedOnCommit: "abc")).isEmpty)
        #expect(Self.resolve(Self.scoping(), Fx.phaseResult("scope", .subphaseComplete)).isEmpty)
    }

    // MARK: Guardrails

    @Test("Guardrails pass when each present assessment is at most its maximum", arguments: [
        (Assessments(size: .small, complexity: .low, risk: .low), true),
        (Assessments(), true),
        (Assessments(size: .medium, complexity: .medium, risk: .low), true),
        (Assessments(impact: .high), true),
        (Assessments(size: .large), false),
        (Assessments(risk: .medium), false),
        (Assessments(complexity: .high), false),
        (Assessments(size: .large, complexity: .low, risk: .low), false),
    ])
    func guardrails(assessments: Assessments, passes: Bool) {
        #expect(Self.guardrails.allows(assessments) == passes)
    }

    @Test("Every maximum is inclusive", arguments: SizeLevel.allCases)
    func inclusiveMaximum(level: SizeLevel) {
        let guardrails = GuardrailsConfig(maxSize: level, maxComplexity: .low, maxRisk: .low)
        for size in SizeLevel.allCases {
            #expect(guardrails.allows(Assessments(size: size)) == (size <= level))
        }
    }
}
