/// Emits canonical JSON: task-golem's bytes, exactly.
///
/// serde_json (without `preserve_order`) writes compact output, object keys in byte order at
/// every depth, raw UTF-8, `/` unescaped, and control characters as short escapes or
/// `\u00xx` in lowercase hex. Foundation's encoders differ on every one of these points.
public struct JSONWriter {
    /// The bytes written so far.
    public var bytes: [UInt8]

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends raw, already-valid JSON text.
    @inlinable
    public mutating func appendRaw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends raw, already-valid JSON bytes.
    @inlinable
    public mutating func appendRaw<S: Sequence>(_ raw: S) where S.Element == UInt8 {
        bytes.append(contentsOf: raw)
    }

    /// Appends a string literal with serde_json's escaping.
    public mutating func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        var copy = string
        copy.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                if runStart < index {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                }
                appendEscape(byte)
                runStart = index + 1
            }
            if runStart < utf8.count {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscape(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case 0x22: bytes.append(0x22)
        case 0x5C: bytes.append(0x5C)
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        default:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }

    /// Appends a string or `null`.
    public mutating func writeOptionalString(_ string: String?) {
        if let string { writeString(string) } else { appendRaw("null") }
    }

    /// Appends an array of strings.
    public mutating func writeStringArray(_ strings: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (offset, string) in strings.enumerated() {
            if offset > 0 { bytes.append(UInt8(ascii: ",")) }
            writeString(string)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Appends any value in canonical form: object keys sorted by bytes at every depth.
    public mutating func writeValue(_ value: JSONValue) {
        switch value {
        case .null: appendRaw("null")
        case .bool(let flag): flag ? appendRaw("true") : appendRaw("false")
        case .number(let text): bytes.append(contentsOf: text.utf8)
        case .string(let string): writeString(string)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { bytes.append(UInt8(ascii: ",")) }
                writeValue(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (offset, member) in Self.canonicalOrder(members).enumerated() {
                if offset > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(member.key)
                bytes.append(UInt8(ascii: ":"))
                writeValue(member.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Members sorted by key bytes; for a repeated key the last one wins, as in serde's map.
    static func canonicalOrder(_ members: [JSONMember]) -> [JSONMember] {
        if members.count < 2 { return members }
        // Stable sort keeps duplicates in source order, so the last of a run is the survivor.
        let sorted = members.enumerated().sorted { lhs, rhs in
            if lhs.element.key.utf8Equals(rhs.element.key) { return lhs.offset < rhs.offset }
            return lhs.element.key.utf8Precedes(rhs.element.key)
        }
        var result: [JSONMember] = []
        result.reserveCapacity(sorted.count)
        for entry in sorted {
            if let last = result.last, last.key.utf8Equals(entry.element.key) {
                result[result.count - 1] = entry.element
            } else {
                result.append(entry.element)
            }
        }
        return result
    }

    /// The canonical text of a value.
    public static func canonicalString(_ value: JSONValue) -> String {
        var writer = JSONWriter()
        writer.writeValue(value)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
