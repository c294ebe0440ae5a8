import Testing
@testable import PhaseGolemCore

/// `--target` format (docs/decisions.md D2) and validation (docs/compatibility.md#command-line).
@Suite("Target validation")
struct TargetValidationTests {
    static func formatError(_ target: String) -> String {
        "Invalid target format '\(target)': expected <prefix>-<id> (numeric or hex suffix)"
    }

    static func notFound(_ target: String) -> String { "Target '\(target)' not found in backlog" }

    @Test("Valid ids: ASCII alphanumeric prefix and suffix around one '-'", arguments: [
        "WRK-001", "WRK-42", "WRK-a1b2c", "WRK-deadbeef", "WRK-ABC123", "tg-a1b2c", "HAMY-5c0f8",
        "tg-1rh14", "WRK-g1h2", "WRK-zzzz", "a-b", "1-2", "wrk2-0Z",
    ])
    func valid(id: String) {
        #expect(TargetValidation.isValidFormat(id))
    }

    @Test("Invalid ids", arguments: [
        "", "-", "WRK-", "WRK", "-001", "WRK-1-2", "WRK--1", "WRK-a/b", "../x", "WRK-../x", "WRK-..",
        "WRK-a b", " WRK-1", "WRK-1 ", "WRK-1\n", "WRK-\u{0}1", "WRK-a\u{7}", "WRK-1\u{1B}[2J", "WRK\t-1",
        "WRK_1-2", "WRK.1-2", "WRK-é1", "WRK-\u{FF11}", "WRK-1\u{301}", "WRK-1/", "/WRK-1", "WRK-1\\x",
    ])
    func invalid(id: String) {
        #expect(!TargetValidation.isValidFormat(id))
    }

    @Test("Valid, existing, distinct targets produce no errors, after trimming")
    func clean() {
        let errors = TargetValidation.validate([" WRK-001", "WRK-a1b2c\t", "tg-1rh14"], activeIDs: ["WRK-001", "WRK-a1b2c", "tg-1rh14"])
        #expect(errors.isEmpty)
        #expect(TargetValidation.normalize([" WRK-001 ", "\u{3000}WRK-2\n"]) == ["WRK-001", "WRK-2"])
    }

    @Test("All format errors come first, then all existence errors; a malformed id gets both")
    func ordering() {
        let errors = TargetValidation.validate(["bad", "WRK-404", "x/y", "WRK-001"], activeIDs: ["WRK-001"])
        #expect(errors == [
            Self.formatError("bad"), Self.formatError("x/y"),
            Self.notFound("bad"), Self.notFound("WRK-404"), Self.notFound("x/y"),
        ])
    }

    @Test("Existence is checked against the active and the archived ids")
    func existence() {
        #expect(TargetValidation.validate(["WRK-001", "WRK-002"], activeIDs: ["WRK-002"]) == [Self.notFound("WRK-001")])
        // Ours: an archived target is accepted, so the same command can run again after a crash.
        #expect(TargetValidation.validate(["WRK-001", "WRK-002"], activeIDs: ["WRK-002"], archivedIDs: ["WRK-001"]).isEmpty)
        #expect(TargetValidation.validate(["WRK-003"], activeIDs: ["WRK-002"], archivedIDs: ["WRK-001"]) == [Self.notFound("WRK-003")])
    }

    @Test("One duplicate line lists each repeated id once, in first-occurrence order, after trimming")
    func duplicates() {
        let active: Set<String> = ["WRK-1", "WRK-2", "WRK-3"]
        #expect(TargetValidation.validate(["WRK-2", "WRK-1", "WRK-3", "WRK-2", "WRK-1", "WRK-2"], activeIDs: active)
            == ["Duplicate targets: WRK-2, WRK-1"])
        #expect(TargetValidation.validate(["WRK-1", " WRK-1 "], activeIDs: active) == ["Duplicate targets: WRK-1"])
    }

    @Test("Every kind of error together, in order")
    func everything() {
        let errors = TargetValidation.validate(["WRK-", "WRK-9", "WRK-", "WRK-1"], activeIDs: ["WRK-1"])
        #expect(errors == [
            Self.formatError("WRK-"), Self.formatError("WRK-"),
            Self.notFound("WRK-"), Self.notFound("WRK-9"), Self.notFound("WRK-"),
            "Duplicate targets: WRK-",
        ])
    }

    @Test("Control characters are shown escaped so each error stays on one line")
    func controlCharactersEscaped() {
        let errors = TargetValidation.validate(["WRK-1\u{1B}[2J", "WRK-2\nx"], activeIDs: [])
        #expect(errors == [
            Self.formatError("WRK-1\\u{1B}[2J"), Self.formatError("WRK-2\\u{A}x"),
            Self.notFound("WRK-1\\u{1B}[2J"), Self.notFound("WRK-2\\u{A}x"),
        ])
        #expect(errors.allSatisfy { !$0.contains("\n") && !$0.contains("\u{1B}") })
    }

    @Test("The combined error is the original's header and indented lines, then what to do on hint lines")
    func combinedMessage() {
        let hint = "\nhint: use the ids `phase-golem status` lists (active items) or archived ones, each once"
        #expect(TargetValidation.formatError(["first", "second"]) == "Target validation failed:\n  - first\n  - second" + hint)
        #expect(TargetValidation.formatError([Self.notFound("WRK-9")]) == "Target validation failed:\n  - Target 'WRK-9' not found in backlog" + hint)
        #expect(TargetValidation.formatError([Self.formatError("WRK-")]) == "Target validation failed:\n  - " + Self.formatError("WRK-") + hint
            + "\nhint: an id is a prefix and a suffix of ASCII letters and digits joined by '-' (e.g. WRK-a1b2c)")
    }
}
