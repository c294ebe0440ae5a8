import PhaseGolemCore

/// Turns untrusted text (agent output, item titles) into text that is safe to draw.
///
/// The result holds only printable scalars of display width 1, so a hostile agent cannot move
/// the cursor, retitle the window, write the clipboard (OSC 52) or misalign columns.
///
/// Choices:
/// - Escape sequences (CSI, OSC, DCS/SOS/PM/APC, two-byte ESC x, and their C1 forms) are removed
///   whole, including their parameters; an unterminated string sequence swallows the rest.
/// - `\r` behaves like a terminal overwrite: only the text after the last `\r` is kept, so a
///   progress bar shows its final state; a trailing `\r` (CRLF endings) is ignored first.
/// - Backspace and every other C0/C1 control character are dropped; tab expands to spaces up to
///   the next multiple of `tabWidth` columns.
/// - Combining marks, zero-width characters and variation selectors are dropped; wide scalars
///   (East Asian wide/fullwidth, emoji presentation) and U+FFFD become `?`, so one scalar is
///   always one column.
public enum Sanitizer {
    public static let tabWidth = 4

    /// Sanitizes one line of text (a newline inside is treated like any other control character).
    public static func sanitize(_ text: String) -> String {
        // Agent lines are mostly plain ASCII, which is already safe and one column a byte.
        if TerminalText.isPrintableASCII(text) { return text }
        // Escapes, other controls and `\r` overwrites as in plain mode; then the layout rules.
        let visible = TerminalText.plain(text).unicodeScalars
        var output = String.UnicodeScalarView()
        var column = 0
        for scalar in visible {
            if scalar == "\t" {
                let spaces = tabWidth - column % tabWidth
                output.append(contentsOf: repeatElement(" ", count: spaces))
                column += spaces
                continue
            }
            switch width(of: scalar) {
            case 1:
                output.append(scalar == "\u{FFFD}" ? "?" : scalar)
                column += 1
            case 2:
                output.append("?")
                column += 1
            default:
                continue
            }
        }
        return String(output)
    }

    /// Decodes raw bytes (invalid UTF-8 becomes U+FFFD, then `?`) and sanitizes them.
    public static func sanitize(bytes: [UInt8]) -> String {
        sanitize(String(decoding: bytes, as: UTF8.self))
    }

    /// Display width: 0 (drop), 1 or 2; control characters count as 0.
    ///
    /// A small wcwidth of our own: tests run in the C locale, where the C library's answers for
    /// non-ASCII are useless.
    public static func width(of scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x20 || (0x7F...0x9F).contains(value) { return 0 }
        if value < 0x7F { return 1 }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .spacingMark, .format, .control, .surrogate, .unassigned,
             .lineSeparator, .paragraphSeparator:
            return 0
        default:
            break
        }
        if (0x1160...0x11FF).contains(value) || (0xFE00...0xFE0F).contains(value) || (0xE0100...0xE01EF).contains(value)
            || value == 0x200B {
            return 0
        }
        if properties.isEmojiPresentation || isEastAsianWide(value) { return 2 }
        return 1
    }

    private static func isEastAsianWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
             0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19,
             0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18AFF,
             0x1B000...0x1B2FF, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x2FFFD,
             0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// Cuts sanitized text to `width` columns, ending in `…` (or `~` without Unicode) when cut.
    public static func truncate(_ text: String, to width: Int, unicode: Bool = true) -> String {
        guard width > 0 else { return "" }
        let scalars = text.unicodeScalars
        guard scalars.count > width else { return text }
        var view = String.UnicodeScalarView(scalars.prefix(width - 1))
        view.append(unicode ? "…" : "~")
        return String(view)
    }
}
