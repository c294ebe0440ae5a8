/// Why one line of a store file is not a valid item.
public enum ItemLineError: Error, Sendable, Equatable {
    /// Not JSON, or JSON of the wrong shape (task-golem: "Malformed item").
    case malformed(String)
    /// A top-level key that is neither a known field nor `x-*` (task-golem: "Invalid extensions").
    case invalidExtension(String)
}

/// The core fields of an item line, matched on raw key bytes so that parsing allocates no key strings.
enum ItemField: Int, CaseIterable {
    case id, title, status, priority, description, tags, dependencies, createdAt, updatedAt
    case blockedReason, blockedFromStatus, claimedBy, claimedAt, parent

    var name: String {
        switch self {
        case .id: "id"
        case .title: "title"
        case .status: "status"
        case .priority: "priority"
        case .description: "description"
        case .tags: "tags"
        case .dependencies: "dependencies"
        case .createdAt: "created_at"
        case .updatedAt: "updated_at"
        case .blockedReason: "blocked_reason"
        case .blockedFromStatus: "blocked_from_status"
        case .claimedBy: "claimed_by"
        case .claimedAt: "claimed_at"
        case .parent: "parent"
        }
    }

    private static let table: [(bytes: [UInt8], field: ItemField)] = allCases.map { (Array($0.name.utf8), $0) }

    static func match(_ key: UnsafeBufferPointer<UInt8>) -> ItemField? {
        for entry in table where entry.bytes.count == key.count && entry.bytes.elementsEqual(key) {
            return entry.field
        }
        return nil
    }
}

extension StoreItem {
    /// The core field names; any other key must be an `x-` extension.
    static let knownFields: Set<String> = Set(ItemField.allCases.map(\.name))

    /// Parses one item line strictly, as task-golem's serde model does. The item keeps `line`
    /// (sharing its storage) as its source and its extension values as slices of it.
    public static func parse(line: ArraySlice<UInt8>) throws(ItemLineError) -> StoreItem {
        let result: Result<StoreItem, ItemLineError> = line.withUnsafeBufferPointer { buffer in
            do throws(ItemLineError) {
                return .success(try parse(buffer: buffer, source: line))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Parses one item line given as bytes.
    public static func parse(line: UnsafeBufferPointer<UInt8>) throws(ItemLineError) -> StoreItem {
        try parse(line: Array(line)[...])
    }

    /// Parses one item line given as a string (tests and tools).
    public static func parse(line: String) throws(ItemLineError) -> StoreItem {
        try parse(line: Array(line.utf8)[...])
    }

    // swiftlint:disable:next function_body_length cyclomatic_complexity
    private static func parse(buffer: UnsafeBufferPointer<UInt8>, source: ArraySlice<UInt8>) throws(ItemLineError) -> StoreItem {
        var parser = JSONParser(bytes: buffer)
        var id: String?, title: String?, status: NativeStatus?, priority: Int64?
        var description: String?, tags: [String]?, dependencies: [String]?
        var createdAt: Timestamp?, updatedAt: Timestamp?
        var blockedReason: String?, blockedFromStatus: NativeStatus?, claimedBy: String?, claimedAt: Timestamp?
        var parent: String?, hadParent = false
        var entries: [ExtensionEntry] = []
        var seenFields: UInt32 = 0
        var sortedSoFar = true
        var badExtension: String?

        func timestamp(_ parser: inout JSONParser, _ field: String) throws(JSONSyntaxError) -> Timestamp {
            let column = parser.index + 1
            let text = try parser.parseString()
            guard let value = Timestamp.parse(text) else {
                throw JSONSyntaxError("\(field): '\(text)' is not an RFC 3339 timestamp", column: column)
            }
            return value
        }
        func optionalString(_ parser: inout JSONParser, _ field: String) throws(JSONSyntaxError) -> String? {
            if try parser.parseNullIfPresent() { return nil }
            guard parser.peek() == UInt8(ascii: "\"") else { throw parser.error("\(field): expected a string or null") }
            return try parser.parseString()
        }
        func requiredString(_ parser: inout JSONParser, _ field: String) throws(JSONSyntaxError) -> String {
            guard parser.peek() == UInt8(ascii: "\"") else { throw parser.error("\(field): expected a string") }
            return try parser.parseString()
        }
        func nativeStatus(_ parser: inout JSONParser, _ field: String) throws(JSONSyntaxError) -> NativeStatus {
            let column = parser.index + 1
            let text = try requiredString(&parser, field)
            guard let value = NativeStatus(rawValue: text) else {
                throw JSONSyntaxError("\(field): unknown status '\(text)' (expected todo, doing, done or blocked)", column: column)
            }
            return value
        }
        func stringArray(_ parser: inout JSONParser, _ field: String) throws(JSONSyntaxError) -> [String] {
            var result: [String] = []
            guard parser.peek() == UInt8(ascii: "[") else { throw parser.error("\(field): expected an array of strings") }
            try parser.parseArray { (p: inout JSONParser) throws(JSONSyntaxError) in
                guard p.peek() == UInt8(ascii: "\"") else { throw p.error("\(field): expected a string element") }
                result.append(try p.parseString())
            }
            return result
        }

        do throws(JSONSyntaxError) {
            try parser.expect(UInt8(ascii: "{"), "expected a JSON object")
            var first = true
            while true {
                if first, parser.peek() == UInt8(ascii: "}") {
                    parser.index += 1
                    break
                }
                first = false
                let keyColumn = parser.index + 1
                let keyBytes = try parser.parseSimpleStringBytes()
                var field: ItemField?
                var extensionKey: String?
                if let keyBytes {
                    field = ItemField.match(keyBytes)
                    if field == nil { extensionKey = String(decoding: keyBytes, as: UTF8.self) }
                } else {
                    let key = try parser.parseString()
                    field = ItemField.allCases.first { $0.name == key }
                    if field == nil { extensionKey = key }
                }
                try parser.expect(UInt8(ascii: ":"), "expected ':' after key")
                if let field {
                    let bit = UInt32(1) << UInt32(field.rawValue)
                    if seenFields & bit != 0 {
                        throw JSONSyntaxError("duplicate field '\(field.name)'", column: keyColumn)
                    }
                    seenFields |= bit
                    switch field {
                    case .id: id = try requiredString(&parser, "id")
                    case .title: title = try requiredString(&parser, "title")
                    case .status: status = try nativeStatus(&parser, "status")
                    case .priority:
                        let column = parser.index + 1
                        guard let next = parser.peek(), next == UInt8(ascii: "-") || (next >= 0x30 && next <= 0x39) else {
                            throw parser.error("priority: expected an integer")
                        }
                        do throws(JSONSyntaxError) {
                            priority = try parser.parseInt64()
                        } catch {
                            throw JSONSyntaxError("priority: expected an integer", column: column)
                        }
                    case .description: description = try optionalString(&parser, "description")
                    case .tags: tags = try stringArray(&parser, "tags")
                    case .dependencies: dependencies = try stringArray(&parser, "dependencies")
                    case .createdAt: createdAt = try timestamp(&parser, "created_at")
                    case .updatedAt: updatedAt = try timestamp(&parser, "updated_at")
                    case .blockedReason: blockedReason = try optionalString(&parser, "blocked_reason")
                    case .blockedFromStatus:
                        blockedFromStatus = try parser.parseNullIfPresent() ? nil : try nativeStatus(&parser, "blocked_from_status")
                    case .claimedBy: claimedBy = try optionalString(&parser, "claimed_by")
                    case .claimedAt:
                        claimedAt = try parser.parseNullIfPresent() ? nil : try timestamp(&parser, "claimed_at")
                    case .parent:
                        hadParent = true
                        parent = try optionalString(&parser, "parent")
                    }
                } else if let key = extensionKey {
                    if !key.hasPrefix("x-"), badExtension == nil { badExtension = key }
                    parser.skipWhitespace()
                    let start = parser.offset
                    try parser.skipValue()
                    let raw = source[(source.startIndex + start)..<(source.startIndex + parser.offset)]
                    let entry = ExtensionEntry(key: key, raw: raw)
                    // Lines written canonically arrive sorted; only out-of-order or repeated keys need a search.
                    if sortedSoFar, let last = entries.last?.key, !last.utf8Precedes(key) { sortedSoFar = false }
                    if sortedSoFar {
                        entries.append(entry)
                    } else {
                        // A repeated x- key lands in a map in task-golem: the last one wins.
                        let (found, insertAt) = StoreItem.position(of: key, in: entries)
                        if let found { entries[found] = entry } else { entries.insert(entry, at: insertAt) }
                    }
                }
                parser.skipWhitespace()
                guard parser.index < buffer.count else { throw parser.error("unterminated object") }
                let next = buffer[parser.index]
                parser.index += 1
                if next == UInt8(ascii: "}") { break }
                guard next == UInt8(ascii: ",") else {
                    parser.index -= 1
                    throw parser.error("expected ',' or '}' in object")
                }
                guard parser.peek() == UInt8(ascii: "\"") else { throw parser.error("expected a string key") }
            }
            guard parser.atEnd() else { throw parser.error("trailing characters after the item") }
        } catch {
            throw .malformed(error.description)
        }

        var missing: [String] = []
        if id == nil { missing.append("id") }
        if title == nil { missing.append("title") }
        if status == nil { missing.append("status") }
        if priority == nil { missing.append("priority") }
        if tags == nil { missing.append("tags") }
        if dependencies == nil { missing.append("dependencies") }
        if createdAt == nil { missing.append("created_at") }
        if updatedAt == nil { missing.append("updated_at") }
        guard missing.isEmpty, let id, let title, let status, let priority, let tags, let dependencies,
              let createdAt, let updatedAt else {
            throw .malformed("missing field" + (missing.count > 1 ? "s " : " ") + missing.map { "'\($0)'" }.joined(separator: ", "))
        }
        if let badExtension {
            throw .invalidExtension("Extension key '\(badExtension)' must start with 'x-' prefix")
        }

        var item = StoreItem(id: id, title: title, now: createdAt)
        item.status = status
        item.priority = priority
        item.description = description
        item.tags = tags
        item.dependencies = dependencies
        item.updatedAt = updatedAt
        item.blockedReason = blockedReason
        item.blockedFromStatus = blockedFromStatus
        item.claimedBy = claimedBy
        item.claimedAt = claimedAt
        item.parent = parent
        item.hadParentKey = hadParent
        item.extensionEntries = entries
        item.sourceLine = source
        return item
    }
}
