/// A strict RFC 8259 parser over UTF-8 bytes.
///
/// It works on an unsafe buffer because the store parses a hundred thousand lines per
/// `status`: no intermediate copies, strings built straight from the input bytes.
/// Rules match serde_json's, the parser that wrote and reads task-golem stores:
/// no trailing commas, no comments, no raw control characters in strings, valid UTF-8,
/// nesting at most 127 deep (serde_json's recursion budget of 128 fails on the 128th level).
public struct JSONParser {
    @usableFromInline let bytes: UnsafeBufferPointer<UInt8>
    @usableFromInline var index: Int
    private var depth = 0

    /// serde_json's `remaining_depth` budget: the level that uses it up is an error.
    static let maxDepth = 128

    /// Creates a parser over `bytes`, which must outlive it.
    public init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.index = 0
    }

    /// Whether only whitespace remains.
    public mutating func atEnd() -> Bool {
        skipWhitespace()
        return index >= bytes.count
    }

    /// Parses one value and requires nothing but whitespace after it.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        let value = try parser.parseValue()
        guard parser.atEnd() else { throw parser.error("trailing characters") }
        return value
    }

    /// Parses one value from a string.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var copy = text
        let result: Result<JSONValue, JSONSyntaxError> = copy.withUTF8 { buffer in
            do throws(JSONSyntaxError) {
                return .success(try parse(buffer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(message, column: index + 1)
    }

    @inlinable
    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// Consumes `byte` (after optional whitespace) or throws `message`.
    public mutating func expect(_ byte: UInt8, _ message: @autoclosure () -> String) throws(JSONSyntaxError) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { throw error(message()) }
        index += 1
    }

    /// Peeks at the next non-whitespace byte.
    public mutating func peek() -> UInt8? {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : nil
    }

    /// Iterates the members of an object, handing each key to `body`, which must consume the value.
    public mutating func parseObject(_ body: (inout JSONParser, String) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
        try expect(UInt8(ascii: "{"), "expected '{'")
        try enterNesting()
        defer { depth -= 1 }
        if peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try parseString()
            try expect(UInt8(ascii: ":"), "expected ':' after key")
            try body(&self, key)
            if try atContainerEnd(UInt8(ascii: "}"), "object") { return }
        }
    }

    /// Iterates the elements of an array, calling `body` to consume each one.
    public mutating func parseArray(_ body: (inout JSONParser) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
        try expect(UInt8(ascii: "["), "expected '['")
        try enterNesting()
        defer { depth -= 1 }
        if peek() == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            try body(&self)
            if try atContainerEnd(UInt8(ascii: "]"), "array") { return }
        }
    }

    /// After a member or element: consumes `,` (more follow, false) or `closing` (done, true).
    private mutating func atContainerEnd(_ closing: UInt8, _ kind: StaticString) throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw error("unterminated \(kind)") }
        let next = bytes[index]
        if next == closing {
            index += 1
            return true
        }
        guard next == UInt8(ascii: ",") else {
            throw error("expected ',' or '\(Self.describe(closing))' in \(kind)")
        }
        index += 1
        return false
    }

    private mutating func enterNesting() throws(JSONSyntaxError) {
        depth += 1
        if depth >= Self.maxDepth { throw error("recursion limit exceeded") }
    }

    /// Parses any value into a tree.
    public mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        guard let byte = peek() else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"):
            var members: [JSONMember] = []
            try parseObject { (parser: inout JSONParser, key: String) throws(JSONSyntaxError) in
                members.append(JSONMember(key, try parser.parseValue()))
            }
            return .object(members)
        case UInt8(ascii: "["):
            var elements: [JSONValue] = []
            try parseArray { (parser: inout JSONParser) throws(JSONSyntaxError) in
                elements.append(try parser.parseValue())
            }
            return .array(elements)
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumberText())
        default:
            throw error("unexpected character '\(Self.describe(byte))'")
        }
    }

    /// Parses `null` and returns true, or returns false without consuming anything.
    public mutating func parseNullIfPresent() throws(JSONSyntaxError) -> Bool {
        guard peek() == UInt8(ascii: "n") else { return false }
        try expectLiteral("null")
        return true
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("invalid literal") }
        let start = literal.utf8Start
        for offset in 0..<count where bytes[index + offset] != start[offset] {
            throw error("invalid literal")
        }
        index += count
    }

    /// Parses a number and returns its exact source text.
    public mutating func parseNumberText() throws(JSONSyntaxError) -> String {
        skipWhitespace()
        let start = index
        try skipNumber()
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    /// Parses a JSON integer that fits in 64 bits; a fraction or exponent is an error.
    public mutating func parseInt64() throws(JSONSyntaxError) -> Int64 {
        let text = try parseNumberText()
        guard let value = Int64(text) else {
            throw error("expected an integer, found \(text)")
        }
        return value
    }

    /// Parses a string literal, decoding escapes, and validates UTF-8.
    public mutating func parseString() throws(JSONSyntaxError) -> String {
        try expect(UInt8(ascii: "\""), "expected a string")
        let start = index
        // Fast path: no escapes, only a scan for the closing quote.
        var hasEscape = false
        var nonASCII = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                hasEscape = true
                break
            }
            if byte < 0x20 { throw error("control character in string") }
            if byte >= 0x80 { nonASCII = true }
            index += 1
        }
        guard index < bytes.count else { throw error("unterminated string") }
        if !hasEscape {
            let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
            index += 1
            if nonASCII {
                guard let string = String(validating: slice, as: UTF8.self) else {
                    throw JSONSyntaxError("invalid UTF-8 in string", column: start + 1)
                }
                return string
            }
            return String(decoding: slice, as: UTF8.self)
        }
        return try parseEscapedString(from: start)
    }

    private mutating func parseEscapedString(from start: Int) throws(JSONSyntaxError) -> String {
        var out: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let string = String(validating: out, as: UTF8.self) else {
                    throw JSONSyntaxError("invalid UTF-8 in string", column: start + 1)
                }
                return string
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw error("unterminated escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    let scalar = try parseUnicodeEscape()
                    appendUTF8(scalar, to: &out)
                default:
                    index -= 1
                    throw error("invalid escape '\\\(Self.describe(escape))'")
                }
            default:
                if byte < 0x20 { throw error("control character in string") }
                out.append(byte)
                index += 1
            }
        }
        throw error("unterminated string")
    }

    private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("invalid \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private mutating func parseUnicodeEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        let first = try parseHex4()
        if (0xD800...0xDBFF).contains(first) {
            guard index + 2 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw error("unpaired surrogate in \\u escape")
            }
            index += 2
            let second = try parseHex4()
            guard (0xDC00...0xDFFF).contains(second) else { throw error("unpaired surrogate in \\u escape") }
            let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            guard let scalar = Unicode.Scalar(combined) else { throw error("invalid \\u escape") }
            return scalar
        }
        guard let scalar = Unicode.Scalar(first) else { throw error("unpaired surrogate in \\u escape") }
        return scalar
    }

    private func appendUTF8(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        UTF8.encode(scalar) { out.append($0) }
    }

    /// Validates and skips one value without building anything: no strings, no trees.
    public mutating func skipValue() throws(JSONSyntaxError) {
        guard let byte = peek() else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"):
            index += 1
            try enterNesting()
            defer { depth -= 1 }
            if peek() == UInt8(ascii: "}") {
                index += 1
                return
            }
            while true {
                guard peek() == UInt8(ascii: "\"") else { throw error("expected a string key") }
                try skipString()
                try expect(UInt8(ascii: ":"), "expected ':' after key")
                try skipValue()
                if try atContainerEnd(UInt8(ascii: "}"), "object") { return }
            }
        case UInt8(ascii: "["):
            try parseArray { (parser: inout JSONParser) throws(JSONSyntaxError) in try parser.skipValue() }
        case UInt8(ascii: "\""):
            try skipString()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try skipNumber()
        default:
            _ = try parseValue()
        }
    }

    /// Validates a string literal (escapes, control characters, UTF-8) without decoding it.
    public mutating func skipString() throws(JSONSyntaxError) {
        try expect(UInt8(ascii: "\""), "expected a string")
        let start = index
        var nonASCII = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                if nonASCII, !UTF8Validation.isValid(UnsafeBufferPointer(rebasing: bytes[start..<index])) {
                    throw JSONSyntaxError("invalid UTF-8 in string", column: start + 1)
                }
                index += 1
                return
            }
            if byte == UInt8(ascii: "\\") {
                index += 1
                guard index < bytes.count else { throw error("unterminated escape") }
                switch bytes[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 1
                case UInt8(ascii: "u"):
                    index += 1
                    _ = try parseUnicodeEscape()
                default:
                    throw error("invalid escape '\\\(Self.describe(bytes[index]))'")
                }
                continue
            }
            if byte < 0x20 { throw error("control character in string") }
            if byte >= 0x80 { nonASCII = true }
            index += 1
        }
        throw error("unterminated string")
    }

    /// Validates a number without keeping its text.
    public mutating func skipNumber() throws(JSONSyntaxError) {
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
    }

    /// The bytes of a string literal without escapes (its key form), or nil when it has escapes,
    /// in which case nothing is consumed. Lets callers match keys without allocating.
    public mutating func parseSimpleStringBytes() throws(JSONSyntaxError) -> UnsafeBufferPointer<UInt8>? {
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a string") }
        let start = index + 1
        var cursor = start
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<cursor])
                if !slice.allSatisfy({ $0 >= 0x20 && $0 < 0x80 }) { return nil }
                index = cursor + 1
                return slice
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { return nil }
            cursor += 1
        }
        throw JSONSyntaxError("unterminated string", column: start)
    }

    /// The current byte offset; with `bytes`, lets a caller keep the raw text of a value.
    public var offset: Int { index }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func describe(_ byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return String(UnicodeScalar(byte)) }
        return "\\x" + String(byte, radix: 16)
    }
}
