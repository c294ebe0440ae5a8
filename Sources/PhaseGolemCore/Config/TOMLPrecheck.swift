/// A scan for what the TOML library must never see: non-ASCII bytes outside strings and
/// comments, and empty key segments (`[..x]`, `a. = 1`), on which toml++ asserts (aborting a
/// debug build) instead of reporting an error.
enum TOMLPrecheck {
    /// What is wrong and where (UTF-8 offset).
    struct Problem {
        let offset: Int
        let message: String
    }

    static func check(_ text: String) -> Problem? {
        if let offset = nonASCIIOutsideStrings(text) {
            return Problem(offset: offset, message: "non-ASCII character outside a string or comment (quote the key)")
        }
        if let offset = controlCharacter(text) {
            return Problem(offset: offset, message: "control character (only tab, newline and carriage return are allowed)")
        }
        if let offset = emptyKeySegment(text) {
            return Problem(offset: offset, message: "empty key: a dot at the start or end of a key, or two dots in a row")
        }
        if let offset = missingValue(text) {
            return Problem(offset: offset, message: "a value is missing (check the commas and braces)")
        }
        if let offset = invalidKeyCharacter(text) {
            return Problem(offset: offset, message: "invalid character in a key (bare keys are letters, digits, '_' and '-'; quote others)")
        }
        return nil
    }

    /// A `,` or `}` where a value must come: after `=`, `[`, `{` or another `,`.
    static func missingValue(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        var previous: UInt8 = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x20, 0x09, 0x0D, 0x0A:
                index += 1
                continue
            case UInt8(ascii: "#"):
                index = commentEnd(bytes, index)
                continue
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                index = stringEnd(bytes, index)
                previous = byte
                continue
            case UInt8(ascii: ","), UInt8(ascii: "}"):
                let expectsValue = [UInt8(ascii: "="), UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ",")].contains(previous)
                // `{}` is an empty inline table; `[x,]` a trailing comma: both legal.
                if expectsValue && !(byte == UInt8(ascii: "}") && previous == UInt8(ascii: "{")) { return index }
            case UInt8(ascii: "]"):
                if previous == UInt8(ascii: "=") { return index }
            default:
                break
            }
            previous = byte
            index += 1
        }
        return nil
    }

    /// TOML forbids control characters everywhere except tab (and line ends).
    static func controlCharacter(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        for (offset, byte) in bytes.enumerated() {
            if (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F { return offset }
            // A carriage return only ends a line together with a newline (CRLF).
            if byte == 0x0D && (offset + 1 >= bytes.count || bytes[offset + 1] != 0x0A) { return offset }
        }
        return nil
    }

    /// In a table header, or before the `=` of a key line, anything outside quotes must be a
    /// bare-key character, a dot, a bracket or a blank.
    static func invalidKeyCharacter(_ text: String) -> Int? {
        var lineStart = 0
        let bytes = Array(text.utf8)
        let strings = multilineStrings(bytes)
        while lineStart < bytes.count {
            // The lines of a multi-line string are text, whatever they look like.
            if let span = strings.first(where: { $0.contains(lineStart) && $0.lowerBound < lineStart }) {
                lineStart = commentEnd(bytes, span.upperBound) + 1
                continue
            }
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            var index = lineStart
            while index < lineEnd, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            let isHeader = index < lineEnd && bytes[index] == UInt8(ascii: "[")
            // A key line starts with a key (bare or quoted); array lines (`{ … }`, `]`) are not checked.
            let first = index < lineEnd ? bytes[index] : 0
            let startsKey = (0x30...0x39).contains(first) || (0x41...0x5A).contains(first) || (0x61...0x7A).contains(first)
                || first == UInt8(ascii: "_") || first == UInt8(ascii: "-") || first == UInt8(ascii: "\"") || first == UInt8(ascii: "'")
            let isKeyLine = startsKey && bytes[lineStart..<lineEnd].contains(UInt8(ascii: "="))
            if isHeader || isKeyLine {
                var quote: UInt8 = 0
                var sawKey = false
                var closed = false
                while index < lineEnd {
                    let byte = bytes[index]
                    if quote != 0 {
                        if byte == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") { index += 2; continue }
                        if byte == quote { quote = 0 }
                    } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                        quote = byte
                        sawKey = true
                    } else if byte == UInt8(ascii: "#") || (isKeyLine && byte == UInt8(ascii: "=")) {
                        break
                    } else if isHeader && byte == UInt8(ascii: "]") {
                        // After the closing bracket only blanks and a comment may follow; toml++ reports those.
                        closed = true
                        break
                    } else {
                        if byte != 0x20 && byte != 0x09 && byte != 0x0D && byte != UInt8(ascii: "[") && byte != UInt8(ascii: ".") {
                            sawKey = true
                        }
                        let allowed = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                            || byte == 0x20 || byte == 0x09 || byte == 0x0D || (isHeader && byte == UInt8(ascii: "["))
                        if !allowed { return index }
                    }
                    index += 1
                }
                // A table header needs a name and its closing bracket on the same line.
                if isHeader && (!sawKey || !closed) { return min(index, max(lineStart, lineEnd - 1)) }
            }
            lineStart = lineEnd + 1
        }
        return nil
    }

    /// The offset of a `.` that starts, ends or doubles a dotted key, outside strings and comments.
    static func emptyKeySegment(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        var previous: UInt8 = 0x0A  // start of text counts as start of a line
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "#"):
                index = commentEnd(bytes, index)
                previous = 0x0A
                continue
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                // A string is a value or a quoted key segment: a key may follow it, not start after it.
                index = stringEnd(bytes, index)
                previous = byte
                continue
            case UInt8(ascii: "."):
                var next = index + 1
                while next < bytes.count, bytes[next] == 0x20 || bytes[next] == 0x09 { next += 1 }
                let following = next < bytes.count ? bytes[next] : 0x0A
                let startsKey = [0x0A, UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ",")].contains(previous)
                let endsKey = [UInt8(ascii: "."), UInt8(ascii: "]"), UInt8(ascii: "="), 0x0A].contains(following)
                // A dot between digits is a float (1.5), not a key separator.
                let inNumber = index > 0 && (0x30...0x39).contains(bytes[index - 1]) && (0x30...0x39).contains(following)
                if !inNumber && (startsKey || endsKey) { return index }
            default:
                break
            }
            if byte != 0x20 && byte != 0x09 { previous = byte }
            index += 1
        }
        return nil
    }

    /// The UTF-8 offset of the first non-ASCII byte outside a string or comment, if any.
    static func nonASCIIOutsideStrings(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "#") {
                index = commentEnd(bytes, index)
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                index = stringEnd(bytes, index)
            } else if byte >= 0x80 {
                return index
            } else {
                index += 1
            }
        }
        return nil
    }

    // MARK: Strings and comments, the one walker every check uses

    /// The index just after the string starting at `index` (a `"` or `'`): basic or literal,
    /// one-line (it also ends at a newline, which toml++ reports) or multi-line (`"""`, `\'\'\'`).
    static func stringEnd(_ bytes: [UInt8], _ index: Int) -> Int {
        let quote = bytes[index]
        let escapes = quote == UInt8(ascii: "\"")
        let triple = index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote
        var cursor = index + (triple ? 3 : 1)
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if escapes && byte == UInt8(ascii: "\\") { cursor += 2; continue }
            if triple {
                if byte == quote && cursor + 2 < bytes.count && bytes[cursor + 1] == quote && bytes[cursor + 2] == quote {
                    // Up to two more quotes may belong to the content (`""""` ends with one inside).
                    var end = cursor + 3
                    while end < bytes.count && end < cursor + 5 && bytes[end] == quote { end += 1 }
                    return end
                }
            } else if byte == quote || byte == 0x0A {
                return cursor + 1
            }
            cursor += 1
        }
        return cursor
    }

    /// The index of the newline ending the comment at `index` (or the end of the text).
    static func commentEnd(_ bytes: [UInt8], _ index: Int) -> Int {
        var cursor = index
        while cursor < bytes.count, bytes[cursor] != 0x0A { cursor += 1 }
        return cursor
    }

    /// The byte ranges of multi-line strings, whose lines are content, not keys.
    static func multilineStrings(_ bytes: [UInt8]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "#") {
                index = commentEnd(bytes, index)
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                let end = stringEnd(bytes, index)
                if bytes[index..<end].contains(0x0A) && end - index >= 3 && bytes[index + 1] == byte && bytes[index + 2] == byte {
                    spans.append(index..<end)
                }
                index = end
            } else {
                index += 1
            }
        }
        return spans
    }
}
