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

        /// The row of a scanned line; nil when the line needs the full item (an escaped id, or an
        /// `x-pg-*` value `phaseGolemWarnings` would warn about), so warnings keep one source.
        init?(_ scan: ItemLineScan, line: UnsafeBufferPointer<UInt8>) {
            func text(_ key: ItemLineScan.TrackedKey) -> String? { scan[key].flatMap { ItemLineScan.string($0, in: line) } }
            func allowed(_ key: ItemLineScan.TrackedKey, _ values: [String]) -> Bool {
                guard let range = scan[key] else { return true }
                guard let value = ItemLineScan.string(range, in: line) else { return false }
                return values.contains(value)
            }
            let pgStatus = text(.status)
            if scan.status == .todo, let pgStatus, !["new", "scoping", "ready"].contains(pgStatus) { return nil }
            if let range = scan[.description], line[range.lowerBound] != UInt8(ascii: "{") { return nil }
            if let from = text(.blockedFromStatus),
               !scan.hasBlockedFromStatus || !["new", "scoping", "ready", "in_progress"].contains(from) {
                return nil
            }
            guard allowed(.phasePool, ["pre", "main"]), allowed(.size, ["small", "medium", "large"]),
                  allowed(.complexity, ["low", "medium", "high"]), allowed(.risk, ["low", "medium", "high"]),
                  allowed(.impact, ["low", "medium", "high"]), allowed(.blockedType, ["clarification", "decision"]),
                  let id = ItemLineScan.string(scan.id, in: line), let title = ItemLineScan.string(scan.title, in: line) else {
                return nil
            }
            self.id = id
            self.title = title
            switch scan.status {
            case .doing: status = .inProgress
            case .done: status = .done
            case .blocked: status = .blocked
            case .todo: status = pgStatus == "scoping" ? .scoping : pgStatus == "ready" ? .ready : .new
            }
            phase = text(.phase)
            pipelineType = text(.pipelineType)
            impact = text(.impact).flatMap(DimensionLevel.init(rawValue:))
            size = text(.size).flatMap(SizeLevel.init(rawValue:))
            risk = text(.risk).flatMap(DimensionLevel.init(rawValue:))
        }
    }

    /// The rows of the active file at `path`, streamed so that only rows stay in memory. Lines are
    /// scanned for the row's fields only; one that needs it (unusual, or with something to warn
    /// about) is parsed in full, so errors and warnings read exactly as every other reader words them.
    public static func rows(path: String, warn: (String) -> Void) throws(StoreError) -> [Row] {
        var rows: [Row] = []
        try StoreFileFormat.forEachItemLine(path: path) { (line, lineNumber) throws(StoreError) in
            if let scan = ItemLineScan.scan(line), let row = Row(scan, line: line) {
                rows.append(row)
                return
            }
            let item = try StoreFileFormat.parseItem(line, lineNumber: lineNumber, path: path)
            for warning in item.phaseGolemWarnings() { warn(warning) }
            rows.append(Row(item))
        }
        return rows
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
        String(decoding: tableBytes(rows: rows), as: UTF8.self)
    }

    /// The table as bytes, so a large one is written out without copying it into a string.
    public static func tableBytes(rows: [Row]) -> [UInt8] {
        guard !rows.isEmpty else { return Array("No items in backlog.\n".utf8) }
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
        return out
    }

    private static let widths = [12, 12, 12, 10, 8, 8, 8]

    /// Columns left-aligned to their width (counted in characters, as Rust's `{:<12}` does) plus a space.
    private static func appendLine(_ out: inout [UInt8], _ columns: [String], title: String) {
        for (column, width) in zip(columns, widths) {
            out.append(contentsOf: column.utf8)
            let length = isASCII(column) ? column.utf8.count : column.unicodeScalars.count
            if length < width { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: width - length)) }
            out.append(UInt8(ascii: " "))
        }
        out.append(contentsOf: title.utf8)
        out.append(0x0A)
    }

    /// Whether every byte is ASCII, read from the string's own buffer (iterating `utf8` costs
    /// an index check a byte, which showed in the profile of a 10k-row table).
    private static func isASCII(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { bytes in bytes.allSatisfy { $0 < 0x80 } }
            ?? text.utf8.allSatisfy { $0 < 0x80 }
    }

    /// Over 36 bytes: the first 33 characters and `...` (the original measures bytes, cuts characters).
    public static func truncatedTitle(_ title: String) -> String {
        guard title.utf8.count > 36 else { return title }
        if isASCII(title) {
            // One byte a character: cut bytes, skipping the scalar walk.
            return String(decoding: title.utf8.prefix(33), as: UTF8.self) + "..."
        }
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
