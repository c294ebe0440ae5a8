/// The `run --only` filter: criteria are AND'ed, the values within one criterion OR'ed
/// (docs/compatibility.md#command-line).
public struct ItemFilter: Sendable, Equatable, CustomStringConvertible {
    /// A filterable attribute; the raw value is its canonical spelling.
    public enum Field: String, Sendable, CaseIterable {
        case status, impact, size, risk, complexity, tag
        case pipelineType = "pipeline_type"
    }

    /// One accepted value, already normalized (`HIGH`, `h` → `.level(.high)`).
    public enum Value: Sendable, Hashable, CustomStringConvertible {
        case status(PGStatus)
        case level(DimensionLevel)
        case size(SizeLevel)
        /// A tag or pipeline type, compared verbatim.
        case text(String)

        /// The canonical lowercase form (`in_progress`, `high`), or the text itself.
        public var description: String {
            switch self {
            case .status(let status): status.rawValue
            case .level(let level): level.rawValue
            case .size(let size): size.rawValue
            case .text(let text): text
            }
        }
    }

    /// A rejected `--only` value, with the message the original prints.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String

        public init(_ message: String) { self.message = message }

        public var description: String { message }
    }

    /// One `--only FIELD=V1,V2` flag.
    public struct Criterion: Sendable, Hashable, CustomStringConvertible {
        public let field: Field
        public let values: [Value]

        public init(field: Field, values: [Value]) {
            self.field = field
            self.values = values
        }

        /// Parses one flag value; the first problem found is the error (docs/compatibility.md#command-line).
        public static func parse(_ raw: String) throws(ParseError) -> Criterion {
            // Unicode scalars, not Characters: a combining mark after `=` or `,` must not hide
            // the separator, matching the original's char-based split.
            let scalars = raw.unicodeScalars
            let formatError = ParseError("Filter must be in format KEY=VALUE, got: \(raw)")
            guard let equals = scalars.firstIndex(of: "=") else { throw formatError }
            let fieldText = trimmingWhitespace(scalars[..<equals])
            let valueText = trimmingWhitespace(scalars[scalars.index(after: equals)...])
            if fieldText.isEmpty || valueText.isEmpty { throw formatError }

            guard let field = Field(rawValue: fieldText.lowercased()) else {
                throw ParseError("Unknown filter field: \(fieldText). Supported: "
                    + Field.allCases.map(\.rawValue).joined(separator: ", "))
            }

            var parsed: [(token: String, value: Value)] = []
            for piece in valueText.unicodeScalars.split(separator: ",", omittingEmptySubsequences: false) {
                let token = trimmingWhitespace(piece)
                if token.isEmpty {
                    throw ParseError("Empty value in comma-separated list for field '\(field.rawValue)'. Each value must be non-empty.")
                }
                parsed.append((token, try parseValue(token, for: field)))
            }

            var seen: Set<Value> = []
            for (token, value) in parsed where !seen.insert(value).inserted {
                throw ParseError("Duplicate value '\(token)' in comma-separated list for field '\(field.rawValue)'")
            }
            return Criterion(field: field, values: parsed.map(\.value))
        }

        /// Whether any of the values matches the item; an absent attribute never matches.
        public func matches(_ item: StoreItem) -> Bool {
            values.contains { value in
                switch (field, value) {
                case (.status, .status(let status)): item.pgStatus == status
                case (.impact, .level(let level)): item.impact == level
                case (.risk, .level(let level)): item.risk == level
                case (.complexity, .level(let level)): item.complexity == level
                case (.size, .size(let size)): item.size == size
                case (.tag, .text(let tag)): item.tags.contains(tag)
                // The stored key only: an absent type is "feature" elsewhere but not here.
                case (.pipelineType, .text(let type)): item.pipelineType == type
                default: false
                }
            }
        }

        /// `{field}={v1},{v2}` with canonical names.
        public var description: String {
            field.rawValue + "=" + values.map(\.description).joined(separator: ",")
        }

        private static func parseValue(_ token: String, for field: Field) throws(ParseError) -> Value {
            let lowered = token.lowercased()
            switch field {
            case .status:
                guard let status = PGStatus(rawValue: lowered) else {
                    throw ParseError("Invalid value '\(token)' for field 'status'. Valid values: "
                        + PGStatus.allCases.map(\.rawValue).joined(separator: ", "))
                }
                return .status(status)
            case .impact, .risk, .complexity:
                let level: DimensionLevel? = switch lowered {
                case "low", "l": .low
                case "medium", "m": .medium
                case "high", "h": .high
                default: nil
                }
                guard let level else {
                    throw ParseError("Invalid value '\(token)' for field '\(field.rawValue)'. Valid values: low, medium, high")
                }
                return .level(level)
            case .size:
                let size: SizeLevel? = switch lowered {
                case "small", "s": .small
                case "medium", "m": .medium
                case "large", "l": .large
                default: nil
                }
                guard let size else {
                    throw ParseError("Invalid value '\(token)' for field 'size'. Valid values: small, medium, large")
                }
                return .size(size)
            case .tag, .pipelineType:
                return .text(token)
            }
        }
    }

    /// The criteria, in flag order; empty means "everything".
    public let criteria: [Criterion]

    public init(criteria: [Criterion] = []) {
        self.criteria = criteria
    }

    /// Parses every `--only` value in order, then checks them against each other; the first
    /// error wins, as in the original.
    public static func parse(_ rawValues: [String]) throws(ParseError) -> ItemFilter {
        var criteria: [Criterion] = []
        for raw in rawValues { criteria.append(try Criterion.parse(raw)) }
        try validate(criteria)
        return ItemFilter(criteria: criteria)
    }

    /// Rejects a non-tag field given in two flags, and two identical tag criteria.
    ///
    /// Different tag criteria are fine: `tag=a` and `tag=b` together mean "both tags".
    public static func validate(_ criteria: [Criterion]) throws(ParseError) {
        var fields: Set<Field> = []
        var tagCriteria: Set<Criterion> = []
        for criterion in criteria {
            if criterion.field == .tag {
                if !tagCriteria.insert(criterion).inserted {
                    throw ParseError("Duplicate filter: \(criterion) specified multiple times")
                }
            } else if !fields.insert(criterion.field).inserted {
                let name = criterion.field.rawValue
                throw ParseError("Field '\(name)' specified multiple times in separate --only flags. "
                    + "Combine values in a single flag: --only \(name)=value1,value2")
            }
        }
    }

    public var isEmpty: Bool { criteria.isEmpty }

    /// The criteria joined by ` AND ` (empty for no criteria), as log lines and the summary print them.
    public var display: String { criteria.map(\.description).joined(separator: " AND ") }

    public var description: String { display }

    /// Whether the item satisfies every criterion.
    public func matches(_ item: StoreItem) -> Bool {
        criteria.allSatisfy { $0.matches(item) }
    }

    /// The matching items, in their original order.
    public func apply(to items: [StoreItem]) -> [StoreItem] {
        items.filter(matches)
    }
}

/// Trims Unicode white space at both ends, scalar by scalar, like Rust's `str::trim`.
private func trimmingWhitespace(_ scalars: Substring.UnicodeScalarView) -> String {
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
          let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
    return String(Substring(scalars[first...last]))
}
