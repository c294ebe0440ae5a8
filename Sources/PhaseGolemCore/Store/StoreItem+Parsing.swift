/// Why one line of a store file is not a valid item.
public enum ItemLineError: Error, Sendable, Equatable {
    /// Not JSON, or JSON of the wrong shape (task-golem: "Malformed item").
    case malformed(String)
    /// A top-level key that is neither a known field nor `x-*` (task-golem: "Invalid extensions").
    case invalidExtension(String)
}

extension StoreItem {
    /// The core field names; any other key must be an `x-` extension.
    static let knownFields: Set<String> = [
        "id", "title", "status", "priority", "description", "tags", "dependencies", "created_at",
        "updated_at", "blocked_reason", "blocked_from_status", "claimed_by", "claimed_at", "parent",
    ]

    /// Parses one item line strictly, as task-golem's serde model does.
    public static func parse(line: UnsafeBufferPointer<UInt8>) throws(ItemLineError) -> StoreItem {
        var parser = JSONParser(bytes: line)
        var id: String?, title: String?, status: NativeStatus?, priority: Int64?
        var description: String?, tags: [String]?, dependencies: [String]?
        var createdAt: Timestamp?, updatedAt: Timestamp?
        var blockedReason: String?, blockedFromStatus: NativeStatus?, claimedBy: String?, claimedAt: Timestamp?
        var parent: String?, hadParent = false
        var extensions: [String: JSONValue] = [:]
        var seen: Set<String> = []
        var badExtension: String?

        func timestamp(_ parser: inout JSONParser, _ field: String) throws(JSONSyntaxError) -> Timestamp {
            let column = parser.index + 1
            let text = try parser.parseString()
            guard let value = Timestamp.parse(text) else {
                throw JSONSyntaxError("\(field): '\(text)' is not an RFC 3339 timestamp", column: column)
            }
            return value
        }
        func optionalString(_ parser: inout JSONParser) throws(JSONSyntaxError) -> String? {
            try parser.parseNullIfPresent() ? nil : try parser.parseString()
        }
        func nativeStatus(_ parser: inout JSONParser, _ field: String) throws(JSONSyntaxError) -> NativeStatus {
            let column = parser.index + 1
            let text = try parser.parseString()
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
            guard parser.peek() == UInt8(ascii: "{") else { throw parser.error("expected a JSON object") }
            try parser.parseObject { (p: inout JSONParser, key: String) throws(JSONSyntaxError) in
                // serde rejects a repeated core field; repeated x- keys go to a map where the last wins.
                if knownFields.contains(key), !seen.insert(key).inserted { throw p.error("duplicate field '\(key)'") }
                switch key {
                case "id":
                    guard p.peek() == UInt8(ascii: "\"") else { throw p.error("id: expected a string") }
                    id = try p.parseString()
                case "title":
                    guard p.peek() == UInt8(ascii: "\"") else { throw p.error("title: expected a string") }
                    title = try p.parseString()
                case "status": status = try nativeStatus(&p, "status")
                case "priority":
                    let column = p.index + 1
                    guard let next = p.peek(), next == UInt8(ascii: "-") || (next >= 0x30 && next <= 0x39) else {
                        throw p.error("priority: expected an integer")
                    }
                    do throws(JSONSyntaxError) {
                        priority = try p.parseInt64()
                    } catch {
                        throw JSONSyntaxError("priority: expected an integer", column: column)
                    }
                case "description": description = try optionalString(&p)
                case "tags": tags = try stringArray(&p, "tags")
                case "dependencies": dependencies = try stringArray(&p, "dependencies")
                case "created_at": createdAt = try timestamp(&p, "created_at")
                case "updated_at": updatedAt = try timestamp(&p, "updated_at")
                case "blocked_reason": blockedReason = try optionalString(&p)
                case "blocked_from_status":
                    blockedFromStatus = try p.parseNullIfPresent() ? nil : try nativeStatus(&p, "blocked_from_status")
                case "claimed_by": claimedBy = try optionalString(&p)
                case "claimed_at":
                    claimedAt = try p.parseNullIfPresent() ? nil : try timestamp(&p, "claimed_at")
                case "parent":
                    hadParent = true
                    parent = try optionalString(&p)
                default:
                    if !key.hasPrefix("x-"), badExtension == nil { badExtension = key }
                    extensions[key] = try p.parseValue()
                }
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
        item.setAllExtensions(extensions)
        item.sourceLine = Array(line)
        return item
    }

    /// Parses one item line given as a string (tests and tools).
    public static func parse(line: String) throws(ItemLineError) -> StoreItem {
        var copy = line
        let result: Result<StoreItem, ItemLineError> = copy.withUTF8 { buffer in
            do throws(ItemLineError) {
                return .success(try parse(line: buffer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    mutating func setAllExtensions(_ values: [String: JSONValue]) {
        extensions = values
    }
}
