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

    /// The table text, ending in a newline (docs/compatibility.md#other-commands).
    public static func table(_ items: [StoreItem]) -> String {
        table(rows: items.map(Row.init))
    }

    /// The table text for rows already extracted (the streaming path of `status`).
    public static func table(rows: [Row]) -> String {
        guard !rows.isEmpty else { return "No items in backlog.\n" }
        var out: [UInt8] = []
        out.reserveCapacity((rows.count + 3) * 120)
        appendLine(&out, ["ID", "STATUS", "PHASE", "PIPELINE", "IMPACT", "SIZE", "RISK"], title: "TITLE")
        out.append(contentsOf: repeatElement(UInt8(ascii: "-"), count: 94))
        out.append(0x0A)
        for row in sorted(rows) {
            // Ids, phases and titles are store text, which agents can edit: no escape sequence
            // in them reaches the operator's terminal.
            appendLine(&out, [
                TerminalText.plain(row.id), row.status.tableName, row.phase.map(TerminalText.plain) ?? "-",
                row.pipelineType.map(TerminalText.plain) ?? "-",
                row.impact?.rawValue ?? "-", row.size?.rawValue ?? "-", row.risk?.rawValue ?? "-",
            ], title: truncatedTitle(TerminalText.plain(row.title)))
        }
        out.append(contentsOf: "\n\(rows.count) item(s) total\n".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    private static let widths = [12, 12, 12, 10, 8, 8, 8]

    /// Columns left-aligned to their width (counted in characters, as Rust's `{:<12}` does) plus a space.
    private static func appendLine(_ out: inout [UInt8], _ columns: [String], title: String) {
        for (column, width) in zip(columns, widths) {
            out.append(contentsOf: column.utf8)
            let length = column.utf8.allSatisfy({ $0 < 0x80 }) ? column.utf8.count : column.unicodeScalars.count
            if length < width { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: width - length)) }
            out.append(UInt8(ascii: " "))
        }
        out.append(contentsOf: title.utf8)
        out.append(0x0A)
    }

    /// Over 36 bytes: the first 33 characters and `...` (the original measures bytes, cuts characters).
    public static func truncatedTitle(_ title: String) -> String {
        guard title.utf8.count > 36 else { return title }
        return String(String.UnicodeScalarView(title.unicodeScalars.prefix(33))) + "..."
    }

    /// The items as a JSON array, one object per item in table order, for scripts.
    public static func json(_ items: [StoreItem]) -> String {
        json(entries: items.map { (Row($0), jsonObject($0)) })
    }

    /// The JSON array for rows paired with their objects (the streaming path of `status`).
    public static func json(entries: [(row: Row, object: JSONValue)]) -> String {
        let order = Dictionary(sorted(entries.map(\.row)).enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { first, _ in first })
        let ordered = entries.enumerated().sorted { lhs, rhs in
            (order[lhs.element.row.id] ?? lhs.offset, lhs.offset) < (order[rhs.element.row.id] ?? rhs.offset, rhs.offset)
        }
        var writer = JSONWriter(capacity: entries.count * 512 + 2)
        writer.appendRaw("[")
        for (offset, entry) in ordered.enumerated() {
            writer.appendRaw(offset == 0 ? "\n  " : ",\n  ")
            writer.writeValue(entry.element.object)
        }
        writer.appendRaw(entries.isEmpty ? "]\n" : "\n]\n")
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// One item as the JSON object `status --json` prints.
    public static func jsonObject(_ item: StoreItem) -> JSONValue {
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
