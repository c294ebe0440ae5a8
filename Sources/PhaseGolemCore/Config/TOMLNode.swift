import TOMLKit

/// A TOML value copied out of TOMLKit.
///
/// TOMLKit's values are non-Sendable classes wrapping C++ pointers, so the loader converts the
/// parsed document into this plain value tree at once and decodes the configuration from it.
enum TOMLNode: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    case array([TOMLNode])
    case table([String: TOMLNode])
    /// A date, time or date-time; no config key takes one, so only its kind and text are kept.
    case dateTime(kind: String, text: String)

    /// Where and why a document failed to parse.
    struct SyntaxError: Error {
        var message: String
        var line: Int
        var column: Int
    }

    /// Parses a TOML document into the entries of its root table.
    static func parse(_ text: String) throws(SyntaxError) -> [String: TOMLNode] {
        let document: TOMLTable
        do {
            document = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw SyntaxError(message: error.description, line: error.source.begin.line, column: error.source.begin.column)
        } catch {
            // TOMLKit documents TOMLParseError as its only error; anything else still gets a message.
            throw SyntaxError(message: String(describing: error), line: 1, column: 1)
        }
        return convert(document)
    }

    private static func convert(_ table: TOMLTable) -> [String: TOMLNode] {
        var result: [String: TOMLNode] = [:]
        for (key, value) in table {
            result[key] = convert(value)
        }
        return result
    }

    private static func convert(_ value: any TOMLValueConvertible) -> TOMLNode {
        switch value.type {
        case .string: .string(value.string ?? "")
        case .int: .integer(value.int ?? 0)
        case .double: .float(value.double ?? 0)
        case .bool: .boolean(value.bool ?? false)
        case .array: .array(value.array.map { $0.map(convert) } ?? [])
        case .table: .table(value.table.map(convert) ?? [:])
        case .date: .dateTime(kind: "a date", text: value.debugDescription)
        case .time: .dateTime(kind: "a time", text: value.debugDescription)
        case .dateTime: .dateTime(kind: "a date-time", text: value.debugDescription)
        }
    }
}
