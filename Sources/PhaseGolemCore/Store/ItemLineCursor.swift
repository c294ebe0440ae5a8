/// The scanning behind `ItemLineScan`: an index into the line and the grammar, one method per construct.
struct ItemLineCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Well below the full parser's 127, so that nothing it would reject for depth passes here.
    static let maxDepth = 64

    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    @inline(__always)
    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    @inline(__always)
    mutating func take(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    mutating func item(into result: inout ItemLineScan) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        var seen: UInt32 = 0
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return false }
            let keyStart = index + 1
            var cursor = keyStart
            while cursor < bytes.count {
                let byte = bytes[cursor]
                if byte == UInt8(ascii: "\"") { break }
                // Escaped or non-ASCII keys go to the full parser, which decodes them before matching.
                if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { return false }
                cursor += 1
            }
            guard cursor < bytes.count else { return false }
            let key = UnsafeBufferPointer(rebasing: bytes[keyStart..<cursor])
            index = cursor + 1
            guard take(UInt8(ascii: ":")) else { return false }
            skipWhitespace()
            if key.count > 2, key[0] == UInt8(ascii: "x"), key[1] == UInt8(ascii: "-") {
                let start = index
                guard value(depth: 0) else { return false }
                if let tracked = ItemLineScan.TrackedKey.match(key) {
                    // Offsets are kept in 32 bits; a line past 2 GB goes to the full parser.
                    guard let start32 = Int32(exactly: start), let end32 = Int32(exactly: index) else { return false }
                    result.trackedStarts[tracked.rawValue] = start32
                    result.trackedEnds[tracked.rawValue] = end32
                }
            } else {
                // Not x-: a core field, or an invalid key the full parser reports.
                guard let field = Self.field(key) else { return false }
                let bit = UInt32(1) << UInt32(field.rawValue)
                guard seen & bit == 0 else { return false }
                seen |= bit
                switch field {
                case .id:
                    let start = index
                    guard let escaped = string() else { return false }
                    result.id = start..<index
                    result.idIsPlain = !escaped
                case .title:
                    let start = index
                    guard string() != nil else { return false }
                    result.title = start..<index
                case .status:
                    guard let status = nativeStatus() else { return false }
                    result.status = status
                case .priority:
                    guard integer() else { return false }
                case .description, .blockedReason, .claimedBy:
                    guard null() || string() != nil else { return false }
                case .parent:
                    result.hasParentKey = true
                    guard null() || string() != nil else { return false }
                case .tags, .dependencies:
                    guard stringArray() else { return false }
                case .createdAt, .updatedAt:
                    guard timestamp() else { return false }
                case .claimedAt:
                    guard null() || timestamp() else { return false }
                case .blockedFromStatus:
                    if !null() {
                        guard nativeStatus() != nil else { return false }
                        result.hasBlockedFromStatus = true
                    }
                }
            }
            skipWhitespace()
            guard index < bytes.count else { return false }
            let next = bytes[index]
            index += 1
            if next == UInt8(ascii: "}") { break }
            guard next == UInt8(ascii: ",") else { return false }
        }
        skipWhitespace()
        guard index == bytes.count else { return false }
        return seen & Self.requiredFields == Self.requiredFields
    }

    static let requiredFields: UInt32 = [ItemField.id, .title, .status, .priority, .tags, .dependencies, .createdAt, .updatedAt]
        .reduce(0) { $0 | UInt32(1) << UInt32($1.rawValue) }

    /// Whether `bytes` are exactly `text`.
    @inline(__always)
    static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        guard bytes.count == text.utf8CodeUnitCount else { return false }
        guard let base = bytes.baseAddress else { return true }
        return memcmp(base, text.utf8Start, bytes.count) == 0
    }

    /// The core field named `key`; the length narrows the candidates to at most four.
    static func field(_ key: UnsafeBufferPointer<UInt8>) -> ItemField? {
        switch key.count {
        case 2: return equals(key, "id") ? .id : nil
        case 4: return equals(key, "tags") ? .tags : nil
        case 5: return equals(key, "title") ? .title : nil
        case 6: return equals(key, "status") ? .status : equals(key, "parent") ? .parent : nil
        case 8: return equals(key, "priority") ? .priority : nil
        case 10:
            if equals(key, "created_at") { return .createdAt }
            if equals(key, "updated_at") { return .updatedAt }
            if equals(key, "claimed_by") { return .claimedBy }
            return equals(key, "claimed_at") ? .claimedAt : nil
        case 11: return equals(key, "description") ? .description : nil
        case 12: return equals(key, "dependencies") ? .dependencies : nil
        case 14: return equals(key, "blocked_reason") ? .blockedReason : nil
        case 19: return equals(key, "blocked_from_status") ? .blockedFromStatus : nil
        default: return nil
        }
    }

    /// A string literal at the cursor; returns whether it had escapes, nil when invalid.
    mutating func string() -> Bool? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        index += 1
        let start = index
        var escaped = false
        var high: UInt64 = 0
        guard let base = bytes.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        while true {
            // Eight bytes at a time until one is a quote, a backslash or a control character
            // (the lowest flagged byte is exact; bytes above it may be false alarms, which is harmless).
            while index + 8 <= bytes.count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                let quote = word ^ (Self.ones &* 0x22)
                let backslash = word ^ (Self.ones &* 0x5C)
                let stop = ((quote &- Self.ones) & ~quote | (backslash &- Self.ones) & ~backslash
                    | (word &- Self.ones &* 0x20) & ~word) & Self.highs
                if stop != 0 {
                    high |= word & ((UInt64(1) << UInt64(stop.trailingZeroBitCount)) &- 1)
                    index += stop.trailingZeroBitCount / 8
                    break
                }
                high |= word
                index += 8
            }
            guard index < bytes.count else { return nil }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                if high & Self.highs != 0,
                   !UTF8Validation.isValid(UnsafeBufferPointer(rebasing: bytes[start..<index])) {
                    return nil
                }
                index += 1
                return escaped
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                guard escape() else { return nil }
                continue
            }
            if byte < 0x20 { return nil }
            if byte >= 0x80 { high |= Self.highs }
            index += 1
        }
    }

    /// The escape at the cursor (on its backslash), as the full parser accepts them.
    mutating func escape() -> Bool {
        guard index + 1 < bytes.count else { return false }
        switch bytes[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            index += 2
            return true
        case UInt8(ascii: "u"):
            index += 2
            guard let first = hex4() else { return false }
            if (0xD800...0xDBFF).contains(first) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    return false
                }
                index += 2
                guard let second = hex4(), (0xDC00...0xDFFF).contains(second) else { return false }
                return true
            }
            return !(0xDC00...0xDFFF).contains(first)
        default:
            return false
        }
    }

    mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// `null` at the cursor: consumes it and returns true; otherwise consumes nothing.
    mutating func null() -> Bool {
        literal("null")
    }

    mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let start = text.utf8Start
        for offset in 0..<count where bytes[index + offset] != start[offset] { return false }
        index += count
        return true
    }

    /// A status name without escapes (an escaped one goes to the full parser).
    mutating func nativeStatus() -> NativeStatus? {
        let start = index
        guard string() == false else { return nil }
        let inner = UnsafeBufferPointer(rebasing: bytes[(start + 1)..<(index - 1)])
        if Self.equals(inner, "todo") { return .todo }
        if Self.equals(inner, "doing") { return .doing }
        if Self.equals(inner, "done") { return .done }
        return Self.equals(inner, "blocked") ? .blocked : nil
    }

    /// An integer that surely fits in 64 bits: an optional minus and at most 18 digits, no
    /// leading zero, no fraction or exponent (those the full parser judges).
    mutating func integer() -> Bool {
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let start = index
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
        let digits = index - start
        guard digits >= 1, digits <= 18, digits == 1 || bytes[start] != 0x30 else { return false }
        if index < bytes.count {
            let next = bytes[index]
            if next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") { return false }
        }
        return true
    }

    /// A timestamp the full parser accepts: an escape-free string `Timestamp` parses.
    mutating func timestamp() -> Bool {
        let start = index
        guard string() == false else { return false }
        let inner = UnsafeBufferPointer(rebasing: bytes[(start + 1)..<(index - 1)])
        return Timestamp.parse(utf8: inner, text: "") != nil
    }

    mutating func stringArray() -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { return false }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return true
        }
        while true {
            skipWhitespace()
            guard string() != nil else { return false }
            skipWhitespace()
            guard index < bytes.count else { return false }
            let next = bytes[index]
            index += 1
            if next == UInt8(ascii: "]") { return true }
            guard next == UInt8(ascii: ",") else { return false }
        }
    }

    /// Any JSON value at the cursor (after whitespace), validated and skipped.
    mutating func value(depth: Int) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { return false }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            return string() != nil
        case UInt8(ascii: "{"):
            guard depth < Self.maxDepth else { return false }
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return true
            }
            while true {
                skipWhitespace()
                guard string() != nil, take(UInt8(ascii: ":")), value(depth: depth + 1) else { return false }
                skipWhitespace()
                guard index < bytes.count else { return false }
                let next = bytes[index]
                index += 1
                if next == UInt8(ascii: "}") { return true }
                guard next == UInt8(ascii: ",") else { return false }
            }
        case UInt8(ascii: "["):
            guard depth < Self.maxDepth else { return false }
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return true
            }
            while true {
                guard value(depth: depth + 1) else { return false }
                skipWhitespace()
                guard index < bytes.count else { return false }
                let next = bytes[index]
                index += 1
                if next == UInt8(ascii: "]") { return true }
                guard next == UInt8(ascii: ",") else { return false }
            }
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return number()
        default:
            return false
        }
    }

    /// RFC 8259 number grammar.
    mutating func number() -> Bool {
        func isDigit(_ index: Int) -> Bool { index < bytes.count && bytes[index] >= 0x30 && bytes[index] <= 0x39 }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard isDigit(index) else { return false }
        if bytes[index] == 0x30 {
            index += 1
        } else {
            while isDigit(index) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard isDigit(index) else { return false }
            while isDigit(index) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard isDigit(index) else { return false }
            while isDigit(index) { index += 1 }
        }
        return true
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
