import Testing
@testable import PhaseGolemCore

/// Routing a triaged item (docs/compatibility.md#handling-results).
@Suite("Triage routing")
struct TriageRoutingTests {
    typealias Fx = SchedulerFixture

    /// feature: pre [research]; blog-post: pre [outline, sources]; quick: no pre-phases.
    static let pipelines: [String: PipelineConfig] = [
        "feature": .defaultFeature,
        "quick": PipelineConfig(phases: [PhaseConfig(name: "build")]),
        "blog-post": PipelineConfig(prePhases: [PhaseConfig(name: "outline"), PhaseConfig(name: "sources")],
                                    phases: [PhaseConfig(name: "draft")]),
    ]

    static let toReady: [ItemUpdate] = [.transitionStatus(.scoping), .transitionStatus(.ready)]

    static func toScoping(_ phase: String) -> [ItemUpdate] {
        [.transitionStatus(.scoping), .setPhase(phase), .setPhasePool(.pre)]
    }

    static func plan(_ item: StoreItem, _ result: PhaseResult) -> [ItemUpdate] {
        TriageRouting.plan(item: item, result: result, pipelines: pipelines)
    }

    /// Routing for a fresh New item.
    static func plan(_ result: PhaseResult) -> [ItemUpdate] {
        plan(Fx.item("WRK-001"), result)
    }

    static func triage(_ code: PhaseResult.Code = .phaseComplete, summary: String = "Triaged", context: String? = nil,
                       assessments: Assessments? = nil, pipelineType: String? = nil,
                       description: StructuredDescription? = nil) -> PhaseResult {
        Fx.phaseResult("triage", code, summary: summary, context: context, assessments: assessments,
                       pipelineType: pipelineType, description: description)
    }

    /// Applies the plan to the item, as the run loop does, and returns the result.
    static func applied(_ item: StoreItem, _ updates: [ItemUpdate]) -> StoreItem {
        var item = item
        for update in updates { #expect(item.apply(update, now: fixedNow).isEmpty) }
        return item
    }

    // MARK: phase_complete

    @Test("Small and low-or-absent risk goes straight to Ready", arguments: [DimensionLevel?.some(.low), .none])
    func smallLowRisk(risk: DimensionLevel?) {
        let assessments = Assessments(size: .small, risk: risk)
        let updates = Self.plan(Self.triage(assessments: assessments))
        #expect(updates == [.updateAssessments(assessments)] + Self.toReady)
        let item = Self.applied(Fx.item("WRK-001"), updates)
        #expect(item.pgStatus == .ready)
        #expect(item.size == .small)
        #expect(item.phase == nil)
    }

    @Test("Anything else starts scoping at the first pre-phase", arguments: [
        Assessments(size: .small, risk: .medium),
        Assessments(size: .small, risk: .high),
        Assessments(size: .medium, risk: .low),
        Assessments(size: .large, complexity: .high, risk: .high, impact: .medium),
        Assessments(risk: .low),
        Assessments(),
    ])
    func needsScoping(assessments: Assessments) {
        let updates = Self.plan(Self.triage(assessments: assessments))
        #expect(updates == [.updateAssessments(assessments)] + Self.toScoping("research"))
        let item = Self.applied(Fx.item("WRK-001"), updates)
        #expect(item.pgStatus == .scoping)
        #expect(item.phase == "research")
        #expect(item.phasePool == .pre)
    }

    @Test("Routing judges the item after the assessment update, stored values filling the gaps")
    func routingSeesUpdatedItem() {
        #expect(Self.plan(Fx.item("WRK-001", size: .small, risk: .low), Self.triage()) == Self.toReady)
        #expect(Self.plan(Fx.item("WRK-001", size: .small, risk: .low), Self.triage(assessments: Assessments(risk: .high)))
            == [.updateAssessments(Assessments(risk: .high))] + Self.toScoping("research"))
        #expect(Self.plan(Fx.item("WRK-001", risk: .high), Self.triage(assessments: Assessments(size: .small)))
            == [.updateAssessments(Assessments(size: .small))] + Self.toScoping("research"))
        #expect(Self.plan(Fx.item("WRK-001", size: .large, risk: .low), Self.triage(assessments: Assessments(size: .small)))
            == [.updateAssessments(Assessments(size: .small))] + Self.toReady)
    }

    @Test("The pipeline is the result's type, else the item's, else feature")
    func pipelineChoice() {
        let large = Assessments(size: .large)
        #expect(Self.plan(Self.triage(assessments: large, pipelineType: "blog-post"))
            == [.updateAssessments(large), .setPipelineType("blog-post")] + Self.toScoping("outline"))
        #expect(Self.plan(Fx.item("WRK-001", pipeline: "blog-post"), Self.triage(assessments: large))
            == [.updateAssessments(large)] + Self.toScoping("outline"))
        #expect(Self.plan(Fx.item("WRK-001", pipeline: "blog-post"), Self.triage(assessments: large, pipelineType: "feature"))
            == [.updateAssessments(large), .setPipelineType("feature")] + Self.toScoping("research"))
    }

    @Test("No pre-phases, or an unknown stored pipeline, goes straight to Ready")
    func nothingToScope() {
        let large = Assessments(size: .large, risk: .high)
        #expect(Self.plan(Self.triage(assessments: large, pipelineType: "quick"))
            == [.updateAssessments(large), .setPipelineType("quick")] + Self.toReady)
        #expect(Self.plan(Fx.item("WRK-001", pipeline: "gone"), Self.triage(assessments: large))
            == [.updateAssessments(large)] + Self.toReady)
        #expect(TriageRouting.plan(item: Fx.item("WRK-001"), result: Self.triage(assessments: large), pipelines: [:])
            == [.updateAssessments(large)] + Self.toReady)
    }

    // MARK: Invalid pipeline type

    @Test("An unknown pipeline type blocks, listing the pipelines sorted, and stops there", arguments: PhaseResult.Code.allCases)
    func invalidPipelineType(code: PhaseResult.Code) {
        let assessments = Assessments(size: .small, risk: .low)
        let description = StructuredDescription(context: "ctx")
        let updates = Self.plan(Self.triage(code, context: "why", assessments: assessments,
                                            pipelineType: "nonexistent_pipeline", description: description))
        #expect(updates == [
            .updateAssessments(assessments), .setDescription(description),
            .setBlocked("Triage assigned invalid pipeline type 'nonexistent_pipeline'. Available: blog-post, feature, quick"),
        ])
        #expect(Self.applied(Fx.item("WRK-001"), updates).pgStatus == .blocked)
    }

    @Test("Pipeline type names are case-sensitive")
    func pipelineTypeCase() {
        let updates = Self.plan(Self.triage(pipelineType: "Feature"))
        #expect(updates == [.setBlocked("Triage assigned invalid pipeline type 'Feature'. Available: blog-post, feature, quick")])
    }

    // MARK: Description

    @Test("A description is applied only when present and not all empty", arguments: [
        (StructuredDescription?.none, false),
        (.some(StructuredDescription()), false),
        (.some(StructuredDescription(context: "Some context", problem: "A problem")), true),
        (.some(StructuredDescription(sizingRationale: "only this")), true),
    ])
    func description(description: StructuredDescription?, applied: Bool) {
        let updates = Self.plan(Self.triage(.failed, description: description))
        #expect(updates == (applied ? description.map { [ItemUpdate.setDescription($0)] } ?? [] : []))
    }

    @Test("Updates come in order: assessments, description, pipeline type, routing")
    func order() {
        let description = StructuredDescription(context: "c")
        let assessments = Assessments(size: .medium)
        let updates = Self.plan(Self.triage(assessments: assessments, pipelineType: "feature", description: description))
        #expect(updates == [.updateAssessments(assessments), .setDescription(description), .setPipelineType("feature")]
            + Self.toScoping("research"))
        let item = Self.applied(Fx.item("WRK-001"), updates)
        #expect(item.structuredDescription == description)
        #expect(item.description == "c")
        #expect(item.pipelineType == "feature")
    }

    // MARK: Other result codes

    @Test("Blocked triage blocks with the context, else the summary")
    func blocked() {
        #expect(Self.plan(Self.triage(.blocked, summary: "Need input", context: "Which API?")) == [.setBlocked("Which API?")])
        #expect(Self.plan(Self.triage(.blocked, summary: "Need input")) == [.setBlocked("Need input")])
        let assessments = Assessments(size: .small, risk: .low)
        let updates = Self.plan(Self.triage(.blocked, summary: "Need input", assessments: assessments, pipelineType: "quick"))
        #expect(updates == [.updateAssessments(assessments), .setPipelineType("quick"), .setBlocked("Need input")])
        #expect(Self.applied(Fx.item("WRK-001"), updates).pgStatus == .blocked)
    }

    @Test("Failed or subphase triage changes only the reported fields; the item stays New",
          arguments: [PhaseResult.Code.failed, .subphaseComplete])
    func noRouting(code: PhaseResult.Code) {
        #expect(Self.plan(Self.triage(code)).isEmpty)
        let assessments = Assessments(size: .small, risk: .low)
        let updates = Self.plan(Self.triage(code, assessments: assessments, pipelineType: "quick"))
        #expect(updates == [.updateAssessments(assessments), .setPipelineType("quick")])
        #expect(Self.applied(Fx.item("WRK-001"), updates).pgStatus == .new)
    }

    @Test("Triage applies no guardrail or human-review check")
    func noGuardrails() {
        let item = Fx.item("WRK-001", size: .small, risk: .low, complexity: .high, humanReview: true)
        #expect(Self.plan(item, Self.triage(pipelineType: "quick")) == [.setPipelineType("quick")] + Self.toReady)
    }
}
