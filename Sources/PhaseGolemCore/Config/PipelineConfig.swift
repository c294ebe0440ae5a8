/// A pipeline: the pre-phases that scope an item, then the main phases that build it.
public struct PipelineConfig: Sendable, Equatable {
    /// Scoping phases, run while the item is Scoping; never destructive.
    public var prePhases: [PhaseConfig]
    /// Main phases, run while the item is InProgress; at least one is required.
    public var phases: [PhaseConfig]

    public init(prePhases: [PhaseConfig] = [], phases: [PhaseConfig] = []) {
        self.prePhases = prePhases
        self.phases = phases
    }

    /// The phase called `name`, looking in the pre-phases first as the original does.
    public func phase(named name: String) -> PhaseConfig? {
        prePhases.first { $0.name == name } ?? phases.first { $0.name == name }
    }

    /// Position of `name` among the pre-phases.
    public func prePhaseIndex(of name: String) -> Int? {
        prePhases.firstIndex { $0.name == name }
    }

    /// Position of `name` among the main phases.
    public func mainPhaseIndex(of name: String) -> Int? {
        phases.firstIndex { $0.name == name }
    }

    /// Whether `name` is one of the pre-phases.
    public func isPrePhase(_ name: String) -> Bool {
        prePhaseIndex(of: name) != nil
    }

    /// Whether `name` is one of the main phases.
    public func isMainPhase(_ name: String) -> Bool {
        mainPhaseIndex(of: name) != nil
    }

    /// The phase a new item starts scoping with, if the pipeline scopes at all.
    public var firstPrePhase: PhaseConfig? { prePhases.first }

    /// The phase an item starts with when promoted to InProgress.
    public var firstMainPhase: PhaseConfig? { phases.first }

    /// Every phase, pre-phases first, in pipeline order.
    public var allPhases: [PhaseConfig] { prePhases + phases }

    /// Every phase name, pre-phases first, in pipeline order.
    public var allPhaseNames: [String] { allPhases.map(\.name) }
}

extension PipelineConfig {
    /// Name of the built-in pipeline, also assumed for items without `x-pg-pipeline-type`.
    public static let defaultName = "feature"

    /// The built-in `feature` pipeline used when a config defines no pipelines (docs/compatibility.md#configuration).
    public static let defaultFeature: PipelineConfig = {
        let base = ".claude/skills/changes/workflows/"
        return PipelineConfig(
            prePhases: [
                PhaseConfig(name: "research", workflows: [base + "orchestration/research-scope.md"]),
            ],
            phases: [
                PhaseConfig(name: "prd", workflows: [base + "0-prd/create-prd.md"]),
                PhaseConfig(name: "tech-research", workflows: [base + "1-tech-research/tech-research.md"]),
                PhaseConfig(name: "design", workflows: [base + "2-design/design.md"]),
                PhaseConfig(name: "spec", workflows: [base + "3-spec/create-spec.md"]),
                PhaseConfig(name: "build", workflows: [base + "orchestration/build-spec-phase.md"], isDestructive: true),
                PhaseConfig(name: "review", workflows: [base + "5-review/change-review.md"]),
            ]
        )
    }()
}
