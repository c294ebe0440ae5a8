#if canImport(Glibc)
import Glibc
#endif

/// A JSON value that keeps what a round trip must not lose.
///
/// Numbers stay as their source text, so `1.0` is never rewritten as `1`, and object
/// members keep their source order; `JSONWriter` sorts keys when it emits canonical text.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number exactly as written in the source (or as produced by `JSONValue.integer`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// An integer value, written in plain decimal.
    public static func integer(_ value: Int64) -> JSONValue { .number(String(value)) }

    /// The string payload, or nil for any other kind of value.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The members of an object, or nil for any other kind of value.
    public var objectMembers: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The value of the last member named `key`, when this is an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last(where: { $0.key == key })?.value
    }

    /// A short name of the value's kind, for error messages.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// One `"key": value` pair of a JSON object.
public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONValue

    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

extension String {
    /// Byte-wise UTF-8 ordering, the order serde's `BTreeMap` and task-golem's id sort use.
    ///
    /// Swift's own `<` compares canonical Unicode equivalence, which can disagree.
    public func utf8Precedes(_ other: String) -> Bool {
        String.compareUTF8(self, other) < 0
    }

    /// Byte-wise equality of the UTF-8 forms (no Unicode normalization).
    public func utf8Equals(_ other: String) -> Bool {
        utf8.count == other.utf8.count && String.compareUTF8(self, other) == 0
    }

    /// memcmp of the UTF-8 bytes: negative, zero or positive. Native strings expose their
    /// storage without copying, which the generic `UTF8View` comparisons do not exploit.
    public static func compareUTF8(_ lhs: String, _ rhs: String) -> Int {
        var left = lhs
        var right = rhs
        return left.withUTF8 { a in
            right.withUTF8 { b in
                let common = Swift.min(a.count, b.count)
                if common > 0, let pa = a.baseAddress, let pb = b.baseAddress {
                    let result = memcmp(pa, pb, common)
                    if result != 0 { return Int(result) }
                }
                return a.count - b.count
            }
        }
    }
}
