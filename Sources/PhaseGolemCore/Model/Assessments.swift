/// Size of a work item, as triage assesses it (`x-pg-size`).
public enum SizeLevel: String, Sendable, CaseIterable, Comparable, Codable {
    case small, medium, large

    public static func < (lhs: SizeLevel, rhs: SizeLevel) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .small: 0
        case .medium: 1
        case .large: 2
        }
    }
}

/// A low/medium/high rating, used for complexity, risk and impact.
public enum DimensionLevel: String, Sendable, CaseIterable, Comparable, Codable {
    case low, medium, high

    public static func < (lhs: DimensionLevel, rhs: DimensionLevel) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        }
    }
}

/// The four assessment dimensions; each is optional and an absent one keeps its stored value on update.
public struct Assessments: Sendable, Equatable, Codable {
    public var size: SizeLevel?
    public var complexity: DimensionLevel?
    public var risk: DimensionLevel?
    public var impact: DimensionLevel?

    public init(size: SizeLevel? = nil, complexity: DimensionLevel? = nil, risk: DimensionLevel? = nil, impact: DimensionLevel? = nil) {
        self.size = size
        self.complexity = complexity
        self.risk = risk
        self.impact = impact
    }
}
