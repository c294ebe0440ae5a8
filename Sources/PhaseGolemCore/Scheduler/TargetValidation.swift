/// Checks `run --target` values before anything runs (docs/compatibility.md#command-line, docs/decisions.md D2).
public enum TargetValidation {
    /// Whether `id` is `<prefix>-<suffix>`, both non-empty ASCII letters and digits, one `-`.
    ///
    /// Wider than the original's hex-only suffix so task-golem ≥ 0.2's base32 ids work (docs/decisions.md D2), yet
    /// strict enough that an id is always a safe file-name component (no `/`, `..`, spaces or
    /// control characters).
    public static func isValidFormat(_ id: String) -> Bool {
        var prefixLength = 0
        var suffixLength = 0
        var sawDash = false
        for byte in id.utf8 {
            if byte == UInt8(ascii: "-") {
                if sawDash { return false }
                sawDash = true
            } else if isASCIIAlphanumeric(byte) {
                if sawDash { suffixLength += 1 } else { prefixLength += 1 }
            } else {
                return false
            }
        }
        return sawDash && prefixLength > 0 && suffixLength > 0
    }

    /// The targets as the run uses them: whitespace-trimmed, order and duplicates kept.
    public static func normalize(_ rawTargets: [String]) -> [String] {
        rawTargets.map(trimmingWhitespace)
    }

    /// Every problem with the targets, empty when they are all usable.
    ///
    /// Order as in the original: all format errors, then all existence errors (a malformed id
    /// gets both), then one line naming the repeated ids, in the order they first appear (the
    /// original used hash order).
    ///
    /// Ours: an archived target exists too (the original accepted active items only), so the same
    /// command can be run again after a crash or a halt; the run skips it as archived.
    public static func validate(_ rawTargets: [String], activeIDs: Set<String>, archivedIDs: Set<String> = []) -> [String] {
        let targets = normalize(rawTargets)
        var errors: [String] = []
        for target in targets where !isValidFormat(target) {
            // The original's words, kept for scripts although ours accepts any letters and digits
            // in the suffix (docs/decisions.md D2); `formatError` says so on a hint line.
            errors.append("Invalid target format '\(displayed(target))': expected <prefix>-<id> (numeric or hex suffix)")
        }
        for target in targets where !activeIDs.contains(target) && !archivedIDs.contains(target) {
            errors.append("Target '\(displayed(target))' not found in backlog")
        }
        var seen: Set<String> = []
        var duplicates: [String] = []
        for target in targets where !seen.insert(target).inserted && !duplicates.contains(target) {
            duplicates.append(target)
        }
        if !duplicates.isEmpty {
            errors.append("Duplicate targets: " + duplicates.map(displayed).joined(separator: ", "))
        }
        return errors
    }

    /// The single error the run reports: the original's `Target validation failed:` and one
    /// `  - ` line per error, then what to do on `hint: ` lines of its own.
    public static func formatError(_ errors: [String]) -> String {
        var hints = ["hint: use the ids `phase-golem status` lists (active items) or archived ones, each once"]
        if errors.contains(where: { $0.hasPrefix("Invalid target format ") }) {
            hints.append("hint: an id is a prefix and a suffix of ASCII letters and digits joined by '-' (e.g. WRK-a1b2c)")
        }
        return "Target validation failed:" + errors.map { "\n  - " + $0 }.joined() + hints.map { "\n" + $0 }.joined()
    }

    /// The target with control characters spelled as `\u{…}` escapes, so a hostile or mistyped
    /// value cannot break the one-line-per-error layout or drive the terminal.
    static func displayed(_ target: String) -> String {
        SafeFileName.displayed(target)
    }

    private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): true
        default: false
        }
    }

    /// Unicode white space trimmed at both ends, like the original's `str::trim`.
    private static func trimmingWhitespace(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(Substring(scalars[first...last]))
    }
}
