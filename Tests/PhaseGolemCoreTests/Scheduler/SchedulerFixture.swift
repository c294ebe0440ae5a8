@testable import PhaseGolemCore

/// Items, pipelines and limits for the pure scheduler tests.
enum SchedulerFixture {
    /// An item built the way the store would hold it; `created` is seconds after a fixed epoch so
    /// tests can order items explicitly.
    static func item(
        _ id: String,
        _ status: PGStatus = .new,
        phase: String? = nil,
        pool: PhasePool? = nil,
        pipeline: String? = nil,
        impact: DimensionLevel? = nil,
        size: SizeLevel? = nil,
        risk: DimensionLevel? = nil,
        complexity: DimensionLevel? = nil,
        created: Int64 = 0,
        dependencies: [String] = [],
        tags: [String] = [],
        humanReview: Bool = false
    ) -> StoreItem {
        let timestamp = Timestamp(seconds: 1_700_000_000 + created, nanoseconds: 0)
        var item = StoreItem(id: id, title: "Test item \(id)", now: timestamp)
        item.setPGStatus(status, now: timestamp)
        item.setPhase(phase, now: timestamp)
        item.setPhasePool(pool, now: timestamp)
        item.setPipelineType(pipeline, now: timestamp)
        item.updateAssessments(Assessments(size: size, complexity: complexity, risk: risk, impact: impact), now: timestamp)
        item.setRequiresHumanReview(humanReview, now: timestamp)
        item.dependencies = dependencies
        item.tags = tags
        return item
    }

    /// InProgress at a main phase, the common shape of work under way.
    static func working(_ id: String, at phase: String, created: Int64 = 0, dependencies: [String] = []) -> StoreItem {
        item(id, .inProgress, phase: phase, pool: .main, created: created, dependencies: dependencies)
    }

    /// The built-in `feature` pipeline: pre [research]; main prd(1), tech-research(2), design(3),
    /// spec(4), build(5, destructive), review(6).
    static let pipelines: [String: PipelineConfig] = [PipelineConfig.defaultName: .defaultFeature]

    /// No pre-phases; build (destructive) → review, as the original's `simple_pipeline`.
    static let simplePipelines: [String: PipelineConfig] = [
        PipelineConfig.defaultName: PipelineConfig(phases: [
            PhaseConfig(name: "build", isDestructive: true),
            PhaseConfig(name: "review"),
        ]),
    ]

    /// The original's pure-selection limits unless a test overrides them: max_wip 2, max_concurrent 3.
    static func execution(maxWip: Int = 2, maxConcurrent: Int = 3) -> ExecutionConfig {
        ExecutionConfig(maxWip: maxWip, maxConcurrent: maxConcurrent)
    }

    static func running(_ id: String, _ phase: String = "prd", destructive: Bool = false) -> RunningTask {
        RunningTask(itemID: id, phase: phase, pool: .main, isDestructive: destructive)
    }

    static func run(_ id: String, _ phase: String, pool: PhasePool = .main, destructive: Bool = false) -> SchedulerAction {
        .runPhase(itemID: id, phase: phase, pool: pool, isDestructive: destructive)
    }

    /// Normal selection with the fixture defaults.
    static func select(
        _ items: [StoreItem],
        running: [RunningTask] = [],
        maxWip: Int = 2,
        maxConcurrent: Int = 3,
        pipelines: [String: PipelineConfig] = pipelines
    ) -> [SchedulerAction] {
        ActionSelection.select(items: items, running: running,
                               execution: execution(maxWip: maxWip, maxConcurrent: maxConcurrent), pipelines: pipelines)
    }

    static func phaseResult(
        _ phase: String,
        _ code: PhaseResult.Code = .phaseComplete,
        item: String = "WRK-001",
        summary: String = "Done it",
        context: String? = nil,
        assessments: Assessments? = nil,
        basedOnCommit: String? = nil,
        pipelineType: String? = nil,
        description: StructuredDescription? = nil
    ) -> PhaseResult {
        PhaseResult(itemID: item, phase: phase, result: code, summary: summary, context: context,
                    updatedAssessments: assessments, basedOnCommit: basedOnCommit, pipelineType: pipelineType,
                    description: description)
    }
}
