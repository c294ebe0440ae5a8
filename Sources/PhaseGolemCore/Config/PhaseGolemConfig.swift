/// The whole of `phase-golem.toml`, decoded and normalized.
public struct PhaseGolemConfig: Sendable, Equatable {
    public var project: ProjectConfig
    public var guardrails: GuardrailsConfig
    public var execution: ExecutionConfig
    public var agent: AgentConfig
    /// Pipelines by name; a loaded config always has at least one.
    public var pipelines: [String: PipelineConfig]

    /// Creates a configuration; unlike `defaults`, an empty `pipelines` stays empty.
    public init(
        project: ProjectConfig = ProjectConfig(),
        guardrails: GuardrailsConfig = GuardrailsConfig(),
        execution: ExecutionConfig = ExecutionConfig(),
        agent: AgentConfig = AgentConfig(),
        pipelines: [String: PipelineConfig] = [:]
    ) {
        self.project = project
        self.guardrails = guardrails
        self.execution = execution
        self.agent = agent
        self.pipelines = pipelines
    }

    /// What a project without `phase-golem.toml` runs with: every default plus the `feature` pipeline.
    public static var defaults: PhaseGolemConfig {
        PhaseGolemConfig(pipelines: [PipelineConfig.defaultName: .defaultFeature])
    }

    /// The pipeline an item of `pipelineType` uses; `nil` type means `feature`, as in the original.
    public func pipeline(for pipelineType: String?) -> PipelineConfig? {
        pipelines[pipelineType ?? PipelineConfig.defaultName]
    }

    /// Pipeline names in sorted order, so anything listed or checked per pipeline is deterministic.
    public var sortedPipelineNames: [String] { pipelines.keys.sorted() }
}
