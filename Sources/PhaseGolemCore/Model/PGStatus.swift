/// phase-golem's six-state lifecycle, stored over task-golem's four native states.
public enum PGStatus: String, Sendable, CaseIterable, Codable {
    case new, scoping, ready
    case inProgress = "in_progress"
    case done, blocked

    /// The original's Debug name (`InProgress`), used in messages such as `restored to InProgress`.
    public var debugName: String {
        switch self {
        case .new: "New"
        case .scoping: "Scoping"
        case .ready: "Ready"
        case .inProgress: "InProgress"
        case .done: "Done"
        case .blocked: "Blocked"
        }
    }

    /// The Debug name lower-cased (`inprogress`), as the status table and backlog summary print it.
    public var tableName: String { debugName.lowercased() }

    /// The native status this state is stored as.
    public var native: NativeStatus {
        switch self {
        case .new, .scoping, .ready: .todo
        case .inProgress: .doing
        case .done: .done
        case .blocked: .blocked
        }
    }

    /// Whether the lifecycle allows moving from `self` to `target` (docs/compatibility.md#items-and-statuses).
    public func canTransition(to target: PGStatus) -> Bool {
        switch (self, target) {
        case (.new, .scoping), (.scoping, .ready), (.ready, .inProgress), (.inProgress, .done): true
        case (.new, .blocked), (.scoping, .blocked), (.ready, .blocked), (.inProgress, .blocked): true
        case (.blocked, .new), (.blocked, .scoping), (.blocked, .ready), (.blocked, .inProgress): true
        default: false
        }
    }
}

/// Which list of a pipeline the item's current phase belongs to.
public enum PhasePool: String, Sendable, Codable {
    case pre, main

    /// `Pre` / `Main`, as preflight messages print pools.
    public var debugName: String { self == .pre ? "Pre" : "Main" }
}

/// The structured description phase-golem keeps in `x-pg-description`.
public struct StructuredDescription: Sendable, Equatable, Codable {
    public var context: String
    public var problem: String
    public var solution: String
    public var impact: String
    public var sizingRationale: String

    public init(context: String = "", problem: String = "", solution: String = "", impact: String = "", sizingRationale: String = "") {
        self.context = context
        self.problem = problem
        self.solution = solution
        self.impact = impact
        self.sizingRationale = sizingRationale
    }

    /// All five fields empty: treated as no description.
    public var isEmpty: Bool {
        context.isEmpty && problem.isEmpty && solution.isEmpty && impact.isEmpty && sizingRationale.isEmpty
    }

    /// The stored JSON object: all five keys, always.
    public var jsonValue: JSONValue {
        .object([
            JSONMember("context", .string(context)),
            JSONMember("impact", .string(impact)),
            JSONMember("problem", .string(problem)),
            JSONMember("sizing_rationale", .string(sizingRationale)),
            JSONMember("solution", .string(solution)),
        ])
    }
}
