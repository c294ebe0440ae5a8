import CSystemShims

/// Text from agents and the store made harmless for a terminal in plain mode: escape
/// sequences removed whole and other control characters dropped, so nothing can move the
/// cursor, retitle the window or write the clipboard (OSC 52). Unlike the TUI's `Sanitizer`
/// it keeps wide and combining characters: plain output is not laid out in columns.
public enum TerminalText {
    /// The line without escape sequences and control characters (tab kept); `\r` behaves like
    /// a terminal overwrite, so a progress bar shows its final state.
    public static func plain(_ text: String) -> String {
        // The common case, a line with no control byte at all, is returned as it is: this runs
        // on every line an agent prints.
        var copy = text
        let hasControls = copy.withUTF8 { pg_has_terminal_controls($0.baseAddress, UInt($0.count)) != 0 }
        guard hasControls else { return text }
        var body = Array(text.unicodeScalars)
        while let last = body.last, last == "\r" || last == "\n" { body.removeLast() }
        let scalars = stripEscapes(body)
        let visible = scalars.lastIndex(of: "\r").map { scalars[($0 + 1)...] } ?? scalars[...]
        var output = String.UnicodeScalarView()
        for scalar in visible where scalar == "\t" || !(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)) {
            output.append(scalar)
        }
        return String(output)
    }

    /// Each line of a multi-line message made `plain`, the line breaks kept.
    public static func plainLines(_ text: String) -> String {
        guard text.utf8.contains(0x0A) else { return plain(text) }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { plain(String($0)) }.joined(separator: "\n")
    }

    /// Whether the text is printable ASCII only (nothing to neutralize, one column a byte).
    public static func isPrintableASCII(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { pg_is_printable_ascii($0.baseAddress, UInt($0.count)) != 0 }
    }

    /// Removes escape sequences; keeps control characters for the later passes.
    public static func stripEscapes(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(scalars.count)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar.value {
            case 0x1B:
                index = skipEscape(scalars, from: index + 1)
            case 0x9B:
                index = skipCSI(scalars, from: index + 1)
            case 0x9D, 0x90, 0x98, 0x9E, 0x9F:
                index = skipString(scalars, from: index + 1)
            default:
                output.append(scalar)
                index += 1
            }
        }
        return output
    }

    /// `index` is just after ESC; returns the index after the whole sequence.
    private static func skipEscape(_ scalars: [Unicode.Scalar], from index: Int) -> Int {
        guard index < scalars.count else { return index }
        switch scalars[index] {
        case "[": return skipCSI(scalars, from: index + 1)
        case "]", "P", "X", "^", "_": return skipString(scalars, from: index + 1)
        default:
            // nF sequences (ESC ( B and the like) carry intermediate bytes before the final one.
            var cursor = index
            while cursor < scalars.count, (0x20...0x2F).contains(scalars[cursor].value) { cursor += 1 }
            return min(scalars.count, cursor + 1)
        }
    }

    /// Skips parameter and intermediate bytes up to and including the final byte (0x40–0x7E).
    private static func skipCSI(_ scalars: [Unicode.Scalar], from index: Int) -> Int {
        var cursor = index
        while cursor < scalars.count {
            let value = scalars[cursor].value
            cursor += 1
            if (0x40...0x7E).contains(value) { return cursor }
            // Anything outside the CSI byte ranges aborts the sequence, as terminals do.
            if !(0x20...0x3F).contains(value) { return cursor - 1 }
        }
        return cursor
    }

    /// Skips a string sequence up to BEL, ESC \ or C1 ST.
    private static func skipString(_ scalars: [Unicode.Scalar], from index: Int) -> Int {
        var cursor = index
        while cursor < scalars.count {
            let value = scalars[cursor].value
            if value == 0x07 || value == 0x9C { return cursor + 1 }
            if value == 0x1B {
                return cursor + 1 < scalars.count && scalars[cursor + 1] == "\\" ? cursor + 2 : cursor + 1
            }
            cursor += 1
        }
        return cursor
    }

}
