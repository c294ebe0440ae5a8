import PhaseGolemCore

/// Everything the UI needs before a run starts, in plain values (tests build it directly).
public struct TUIInput: Sendable {
    /// One backlog item as the launch screen lists it.
    public struct Item: Sendable, Equatable {
        public var id: String
        public var title: String
        /// Lifecycle state (`ready`, `in_progress`…), as `PGStatus.rawValue` or free text.
        public var status: String
        public var phase: String?
        /// The item's pipeline phases in order (pre then main), for `build 5/7`.
        public var phases: [String]
        /// Done and blocked items are not offered for picking.
        public var actionable: Bool

        public init(id: String, title: String, status: String, phase: String? = nil, phases: [String] = [],
                    actionable: Bool = true) {
            self.id = id
            self.title = title
            self.status = status
            self.phase = phase
            self.phases = phases
            self.actionable = actionable
        }
    }

    public var projectName: String
    public var agentDescription: String
    public var params: RunParams
    /// Active items in store order.
    public var items: [Item]
    public var preflightErrors: [PreflightError]
    public var maxRetries: Int
    public var phaseTimeoutMinutes: Double
    public var breakerThreshold: Int
    /// Phases of the default pipeline, for items without a list of their own.
    public var defaultPhases: [String]
    /// False under `NO_COLOR`: attributes only.
    public var colors: Bool
    /// False without a UTF-8 locale: ASCII markers and borders.
    public var unicode: Bool

    public init(projectName: String, agentDescription: String, params: RunParams, items: [Item],
                preflightErrors: [PreflightError] = [], maxRetries: Int = 2, phaseTimeoutMinutes: Double = 30,
                breakerThreshold: Int = 2, defaultPhases: [String] = [], colors: Bool = true, unicode: Bool = true) {
        self.projectName = projectName
        self.agentDescription = agentDescription
        self.params = params
        self.items = items
        self.preflightErrors = preflightErrors
        self.maxRetries = maxRetries
        self.phaseTimeoutMinutes = phaseTimeoutMinutes
        self.breakerThreshold = breakerThreshold
        self.defaultPhases = defaultPhases
        self.colors = colors
        self.unicode = unicode
    }

    /// Builds the input from a prepared run; each item gets its own pipeline's phase list.
    public init(prepared: PreparedRun, projectName: String, colors: Bool, unicode: Bool) {
        let config = prepared.loaded.config
        func phaseNames(_ pipelineType: String?) -> [String] {
            guard let pipeline = config.pipeline(for: pipelineType) else { return [] }
            return (pipeline.prePhases + pipeline.phases).map(\.name)
        }
        let items = prepared.items.map { item in
            Item(id: item.id, title: item.title, status: item.pgStatus.rawValue, phase: item.phase,
                 phases: phaseNames(item.pipelineType), actionable: item.pgStatus != .done && item.pgStatus != .blocked)
        }
        self.init(projectName: projectName, agentDescription: prepared.agentDescription, params: prepared.params,
                  items: items, preflightErrors: prepared.preflightErrors, maxRetries: config.execution.maxRetries,
                  phaseTimeoutMinutes: config.execution.phaseTimeoutMinutes,
                  breakerThreshold: config.execution.circuitBreakerThreshold, defaultPhases: phaseNames(nil),
                  colors: colors, unicode: unicode)
    }
}
