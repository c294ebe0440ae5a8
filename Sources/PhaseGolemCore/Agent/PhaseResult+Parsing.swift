extension PhaseResult {
    /// Parses the bytes of a result file by the schema of docs/compatibility.md#agents.
    ///
    /// The rules are serde's for the original's `PhaseResult`, so a file one accepts the
    /// other accepts: exact lowercase enum spellings, `null` allowed only where the original
    /// has an `Option`, repeated known keys rejected, unknown keys ignored. Errors read
    /// `Failed to parse result JSON from {path}: {reason}`, the reason naming the field.
    public static func parse(bytes: [UInt8], path: String) throws(AgentError) -> PhaseResult {
        do throws(ResultSchemaError) {
            let value = try parseJSON(bytes)
            return try decode(value)
        } catch {
            throw AgentError("Failed to parse result JSON from \(path): \(error.reason)")
        }
    }

    /// The top-level object of a result file as a `PhaseResult`.
    static func decode(_ value: JSONValue) throws(ResultSchemaError) -> PhaseResult {
        let fields = try ResultFields(value, path: "", what: "the top level", known: topLevelKeys)
        let followUps = try fields.array("follow_ups").enumerated().map { (index, element) throws(ResultSchemaError) in
            try decodeFollowUp(element, path: "follow_ups[\(index)]")
        }
        let duplicates = try fields.array("duplicates").enumerated().map { (index, element) throws(ResultSchemaError) in
            guard case .string(let id) = element else {
                throw ResultSchemaError("field \"duplicates[\(index)]\" must be a string, found \(element.kindName)")
            }
            return id
        }
        return PhaseResult(
            itemID: try fields.requiredString("item_id"),
            phase: try fields.requiredString("phase"),
            result: try fields.requiredEnum("result", Code.self),
            summary: try fields.requiredString("summary"),
            context: try fields.optionalString("context"),
            updatedAssessments: try fields.optionalObject("updated_assessments").map(decodeAssessments),
            followUps: followUps,
            basedOnCommit: try fields.optionalString("based_on_commit"),
            pipelineType: try fields.optionalString("pipeline_type"),
            commitSummary: try fields.optionalString("commit_summary"),
            duplicates: duplicates,
            description: try fields.optionalObject("description").map(decodeDescription)
        )
    }

    private static let topLevelKeys: Set<String> = [
        "item_id", "phase", "result", "summary", "context", "updated_assessments", "follow_ups",
        "based_on_commit", "pipeline_type", "commit_summary", "duplicates", "description",
    ]

    private static func decodeAssessments(_ fields: ResultFields) throws(ResultSchemaError) -> Assessments {
        Assessments(
            size: try fields.optionalEnum("size", SizeLevel.self),
            complexity: try fields.optionalEnum("complexity", DimensionLevel.self),
            risk: try fields.optionalEnum("risk", DimensionLevel.self),
            impact: try fields.optionalEnum("impact", DimensionLevel.self)
        )
    }

    /// A follow-up is a bare title or an object; the original accepts both so agents that
    /// shorten the structured form still get their follow-ups filed.
    private static func decodeFollowUp(_ value: JSONValue, path: String) throws(ResultSchemaError) -> FollowUp {
        if case .string(let title) = value { return FollowUp(title: title) }
        guard case .object = value else {
            throw ResultSchemaError("field \"\(path)\" must be a string or an object, found \(value.kindName)")
        }
        let fields = try ResultFields(value, path: path, what: path,
                                      known: ["title", "context", "suggested_size", "suggested_risk"])
        return FollowUp(
            title: try fields.requiredString("title"),
            context: try fields.optionalString("context"),
            suggestedSize: try fields.optionalEnum("suggested_size", SizeLevel.self),
            suggestedRisk: try fields.optionalEnum("suggested_risk", DimensionLevel.self)
        )
    }

    /// Description fields default to "" when absent but, as serde `String`s, may not be null.
    private static func decodeDescription(_ fields: ResultFields) throws(ResultSchemaError) -> StructuredDescription {
        StructuredDescription(
            context: try fields.defaultedString("context"),
            problem: try fields.defaultedString("problem"),
            solution: try fields.defaultedString("solution"),
            impact: try fields.defaultedString("impact"),
            sizingRationale: try fields.defaultedString("sizing_rationale")
        )
    }

    private static func parseJSON(_ bytes: [UInt8]) throws(ResultSchemaError) -> JSONValue {
        let parsed: Result<JSONValue, JSONSyntaxError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONSyntaxError) {
                return .success(try JSONParser.parse(buffer))
            } catch {
                return .failure(error)
            }
        }
        switch parsed {
        case .success(let value):
            return value
        case .failure(let error):
            let (line, column) = lineAndColumn(ofOffset: error.column - 1, in: bytes)
            throw ResultSchemaError("invalid JSON at line \(line), column \(column): \(error.message)")
        }
    }

    /// 1-based line and column of a byte offset, since result files are usually pretty-printed.
    private static func lineAndColumn(ofOffset offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        let end = min(max(offset, 0), bytes.count)
        var line = 1
        var lineStart = 0
        for index in 0..<end where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return (line, end - lineStart + 1)
    }
}

/// Why a result file does not match the schema; the reason part of the parse error.
struct ResultSchemaError: Error, Sendable {
    var reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}

/// Typed access to the known members of one JSON object of a result file.
private struct ResultFields {
    private var values: [String: JSONValue] = [:]
    /// Field names in messages are dotted paths (`updated_assessments.size`).
    private let path: String

    init(_ value: JSONValue, path: String, what: String, known: Set<String>) throws(ResultSchemaError) {
        guard case .object(let members) = value else {
            throw ResultSchemaError("expected an object at \(what), found \(value.kindName)")
        }
        self.path = path
        for member in members where known.contains(member.key) {
            if values[member.key] != nil {
                throw ResultSchemaError("duplicate field \"\(qualified(member.key))\"")
            }
            values[member.key] = member.value
        }
    }

    private func qualified(_ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    private func typeError(_ key: String, _ expected: String, _ found: JSONValue) -> ResultSchemaError {
        ResultSchemaError("field \"\(qualified(key))\" must be \(expected), found \(found.kindName)")
    }

    func requiredString(_ key: String) throws(ResultSchemaError) -> String {
        guard let value = values[key] else { throw ResultSchemaError("missing required field \"\(qualified(key))\"") }
        guard case .string(let text) = value else { throw typeError(key, "a string", value) }
        return text
    }

    /// Absent and `null` both mean "not given" (a serde `Option`).
    func optionalString(_ key: String) throws(ResultSchemaError) -> String? {
        guard let value = values[key], value != .null else { return nil }
        guard case .string(let text) = value else { throw typeError(key, "a string or null", value) }
        return text
    }

    /// Absent means ""; `null` is an error (a serde `String` with a default).
    func defaultedString(_ key: String) throws(ResultSchemaError) -> String {
        guard let value = values[key] else { return "" }
        guard case .string(let text) = value else { throw typeError(key, "a string", value) }
        return text
    }

    /// Absent means empty; `null` is an error (a serde `Vec` with a default).
    func array(_ key: String) throws(ResultSchemaError) -> [JSONValue] {
        guard let value = values[key] else { return [] }
        guard case .array(let elements) = value else { throw typeError(key, "an array", value) }
        return elements
    }

    func optionalObject(_ key: String) throws(ResultSchemaError) -> ResultFields? {
        guard let value = values[key], value != .null else { return nil }
        guard case .object = value else { throw typeError(key, "an object or null", value) }
        return try ResultFields(value, path: qualified(key), what: "\"\(qualified(key))\"", known: Self.nestedKeys[key] ?? [])
    }

    private static let nestedKeys: [String: Set<String>] = [
        "updated_assessments": ["size", "complexity", "risk", "impact"],
        "description": ["context", "problem", "solution", "impact", "sizing_rationale"],
    ]

    func requiredEnum<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) throws(ResultSchemaError) -> E
    where E.RawValue == String {
        guard let value = values[key] else { throw ResultSchemaError("missing required field \"\(qualified(key))\"") }
        return try enumValue(key, value, type)
    }

    func optionalEnum<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) throws(ResultSchemaError) -> E?
    where E.RawValue == String {
        guard let value = values[key], value != .null else { return nil }
        return try enumValue(key, value, type)
    }

    private func enumValue<E: RawRepresentable & CaseIterable>(_ key: String, _ value: JSONValue, _ type: E.Type)
        throws(ResultSchemaError) -> E where E.RawValue == String {
        let expected = E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        guard case .string(let text) = value else {
            throw ResultSchemaError("field \"\(qualified(key))\" must be one of \(expected), found \(value.kindName)")
        }
        guard let parsed = E(rawValue: text) else {
            throw ResultSchemaError("field \"\(qualified(key))\" must be one of \(expected) (exact lowercase), found \(quotedExcerpt(text))")
        }
        return parsed
    }

    /// A bad value quoted for a message, shortened so a runaway agent cannot make the message huge.
    private func quotedExcerpt(_ text: String) -> String {
        let limit = 80
        guard text.count > limit else { return "\"\(text)\"" }
        return "\"\(text.prefix(limit))…\""
    }
}
