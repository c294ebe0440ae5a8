/// The `status` command's output: the original's table, byte for byte, or JSON.
public enum StatusReport {
    /// One row of the report, computed from an item.
    public struct Row: Sendable, Equatable {
        public var id: String
        public var status: PGStatus
        public var phase: String?
        public var pipelineType: String?
        public var impact: DimensionLevel?
        public var size: SizeLevel?
        public var risk: DimensionLevel?
        public var title: String

        public init(_ item: StoreItem) {
            id = item.id
            status = item.pgStatus
            phase = item.phase
            pipelineType = item.pipelineType
            impact = item.impact
            size = item.size
            risk = item.risk
            title = item.title
        }
    }

    /// Sorts as the original: status group (InProgress, Blocked, Ready, Scoping, New, Done),
    /// then impact high to absent; stable, so store order breaks ties.
    public static func sorted(_ rows: [Row]) -> [Row] {
        func group(_ status: PGStatus) -> Int {
            switch status {
            case .inProgress: 0
            case .blocked: 1
            case .ready: 2
            case .scoping: 3
            case .new: 4
            case .done: 5
            }
        }
        func impactRank(_ impact: DimensionLevel?) -> Int {
            switch impact {
            case .high: 0
            case .medium: 1
            case .low: 2
            case nil: 3
            }
        }
        return rows.enumerated().sorted { lhs, rhs in
            let l = (group(lhs.element.status), impactRank(lhs.element.impact), lhs.offset)
            let r = (group(rhs.element.status), impactRank(rhs.element.impact), rhs.offset)
            return l < r
        }.map(\.element)
    }

    /// The table text, ending in a newline (behavior.md §16.1).
    public static func table(_ items: [StoreItem]) -> String {
        guard !items.isEmpty else { return "No items in backlog.\n" }
        var out = line(["ID", "STATUS", "PHASE", "PIPELINE", "IMPACT", "SIZE", "RISK"], title: "TITLE")
        out += String(repeating: "-", count: 94) + "\n"
        for row in sorted(items.map(Row.init)) {
            out += line([
                row.id, row.status.tableName, row.phase ?? "-", row.pipelineType ?? "-",
                row.impact?.rawValue ?? "-", row.size?.rawValue ?? "-", row.risk?.rawValue ?? "-",
            ], title: truncatedTitle(row.title))
        }
        out += "\n\(items.count) item(s) total\n"
        return out
    }

    private static let widths = [12, 12, 12, 10, 8, 8, 8]

    private static func line(_ columns: [String], title: String) -> String {
        var out = ""
        for (column, width) in zip(columns, widths) {
            out += column
            let length = column.unicodeScalars.count
            if length < width { out += String(repeating: " ", count: width - length) }
            out += " "
        }
        return out + title + "\n"
    }

    /// Over 36 bytes: the first 33 characters and `...` (the original measures bytes, cuts characters).
    public static func truncatedTitle(_ title: String) -> String {
        guard title.utf8.count > 36 else { return title }
        return String(String.UnicodeScalarView(title.unicodeScalars.prefix(33))) + "..."
    }

    /// The items as a JSON array, one object per item in table order, for scripts.
    public static func json(_ items: [StoreItem]) -> String {
        let byID = Dictionary(items.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var writer = JSONWriter(capacity: items.count * 512 + 2)
        writer.appendRaw("[")
        for (offset, row) in sorted(items.map(Row.init)).enumerated() {
            guard let item = byID[row.id] else { continue }
            writer.appendRaw(offset == 0 ? "\n  " : ",\n  ")
            writer.writeValue(jsonObject(item))
        }
        writer.appendRaw(items.isEmpty ? "]\n" : "\n]\n")
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    static func jsonObject(_ item: StoreItem) -> JSONValue {
        func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        return .object([
            JSONMember("id", .string(item.id)),
            JSONMember("title", .string(item.title)),
            JSONMember("status", .string(item.pgStatus.rawValue)),
            JSONMember("phase", optional(item.phase)),
            JSONMember("phase_pool", optional(item.phasePool?.rawValue)),
            JSONMember("pipeline_type", optional(item.pipelineType)),
            JSONMember("impact", optional(item.impact?.rawValue)),
            JSONMember("size", optional(item.size?.rawValue)),
            JSONMember("risk", optional(item.risk?.rawValue)),
            JSONMember("complexity", optional(item.complexity?.rawValue)),
            JSONMember("blocked_reason", optional(item.blockedReason)),
            JSONMember("dependencies", .array(item.dependencies.map(JSONValue.string))),
            JSONMember("tags", .array(item.tags.map(JSONValue.string))),
            JSONMember("origin", optional(item.origin)),
            JSONMember("created_at", .string(item.createdAt.text)),
            JSONMember("updated_at", .string(item.updatedAt.text)),
        ])
    }
}
