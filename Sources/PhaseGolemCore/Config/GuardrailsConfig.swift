/// The `[guardrails]` table: the largest assessments an item may have and still leave scoping unattended.
public struct GuardrailsConfig: Sendable, Equatable {
    public var maxSize: SizeLevel
    public var maxComplexity: DimensionLevel
    public var maxRisk: DimensionLevel

    public init(maxSize: SizeLevel = .medium, maxComplexity: DimensionLevel = .medium, maxRisk: DimensionLevel = .low) {
        self.maxSize = maxSize
        self.maxComplexity = maxComplexity
        self.maxRisk = maxRisk
    }

    /// Whether every present assessment is within its maximum.
    ///
    /// Absent dimensions pass because triage may not have rated them yet, and impact is not a
    /// guardrail at all (docs/compatibility.md#running-one-phase).
    public func allows(_ assessments: Assessments) -> Bool {
        if let size = assessments.size, size > maxSize { return false }
        if let complexity = assessments.complexity, complexity > maxComplexity { return false }
        if let risk = assessments.risk, risk > maxRisk { return false }
        return true
    }
}
