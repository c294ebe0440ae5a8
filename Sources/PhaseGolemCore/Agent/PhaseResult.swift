/// What an agent reports for one phase: the JSON result file it must write (docs/compatibility.md#agents).
public struct PhaseResult: Sendable, Equatable {
    /// The four result codes, exact lowercase on disk.
    public enum Code: String, Sendable, CaseIterable {
        case phaseComplete = "phase_complete"
        case subphaseComplete = "subphase_complete"
        case failed
        case blocked

        /// The original's Debug name (`PhaseComplete`), used by the standalone triage log.
        public var debugName: String {
            switch self {
            case .phaseComplete: "PhaseComplete"
            case .subphaseComplete: "SubphaseComplete"
            case .failed: "Failed"
            case .blocked: "Blocked"
            }
        }

        /// Upper-case form used in `Result: PHASE_COMPLETE — …` log lines.
        public var logName: String { rawValue.uppercased() }
    }

    /// A follow-up item suggested by the agent.
    public struct FollowUp: Sendable, Equatable {
        public var title: String
        public var context: String?
        public var suggestedSize: SizeLevel?
        public var suggestedRisk: DimensionLevel?

        public init(title: String, context: String? = nil, suggestedSize: SizeLevel? = nil, suggestedRisk: DimensionLevel? = nil) {
            self.title = title
            self.context = context
            self.suggestedSize = suggestedSize
            self.suggestedRisk = suggestedRisk
        }
    }

    public var itemID: String
    public var phase: String
    public var result: Code
    public var summary: String
    public var context: String?
    public var updatedAssessments: Assessments?
    public var followUps: [FollowUp]
    public var basedOnCommit: String?
    public var pipelineType: String?
    public var commitSummary: String?
    public var duplicates: [String]
    public var description: StructuredDescription?

    public init(itemID: String, phase: String, result: Code, summary: String, context: String? = nil,
                updatedAssessments: Assessments? = nil, followUps: [FollowUp] = [], basedOnCommit: String? = nil,
                pipelineType: String? = nil, commitSummary: String? = nil, duplicates: [String] = [],
                description: StructuredDescription? = nil) {
        self.itemID = itemID
        self.phase = phase
        self.result = result
        self.summary = summary
        self.context = context
        self.updatedAssessments = updatedAssessments
        self.followUps = followUps
        self.basedOnCommit = basedOnCommit
        self.pipelineType = pipelineType
        self.commitSummary = commitSummary
        self.duplicates = duplicates
        self.description = description
    }

    /// The block reason an agent gives: its context, else its summary.
    public var blockReason: String { context ?? summary }
}
