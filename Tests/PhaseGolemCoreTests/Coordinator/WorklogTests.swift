import Testing
@testable import PhaseGolemCore

/// Worklog entries and files (docs/compatibility.md#worklog).
@Suite("Worklog")
struct WorklogTests {
    static func timestamp(_ text: String) throws -> Timestamp {
        try #require(Timestamp.parse(text))
    }

    @Test("Entry bytes, with a nanosecond fraction and an em dash")
    func entryBytes() throws {
        let entry = Worklog.entry(timestamp: try Self.timestamp("2026-02-19T02:37:49.555364212Z"), itemID: "WRK-001",
                                  title: "Add login", phase: "build", outcome: .complete, summary: "Built the form")
        #expect(entry == "## 2026-02-19T02:37:49.555364212+00:00 — WRK-001 (Add login)\n\n"
            + "- **Phase:** build\n- **Outcome:** Complete\n- **Summary:** Built the form\n\n---\n\n")
        #expect(Array(entry.utf8)[39...41] == [0xE2, 0x80, 0x94])
    }

    @Test("Timestamps use the shortest exact fraction, or none", arguments: [
        ("2026-02-19T02:37:49Z", "2026-02-19T02:37:49+00:00"),
        ("2026-02-19T02:37:49.5Z", "2026-02-19T02:37:49.500+00:00"),
        ("2026-02-19T02:37:49.123456Z", "2026-02-19T02:37:49.123456+00:00"),
        ("2026-02-19T02:37:49.000000001Z", "2026-02-19T02:37:49.000000001+00:00"),
    ])
    func timestamps(input: String, expected: String) throws {
        let entry = Worklog.entry(timestamp: try Self.timestamp(input), itemID: "X-1", title: "t", phase: "p",
                                  outcome: .failed, summary: "s")
        #expect(entry.hasPrefix("## \(expected) — X-1 (t)\n"))
    }

    @Test("Outcome texts")
    func outcomes() {
        #expect(Worklog.Outcome.allCases.map(\.rawValue)
            == ["Complete", "Subphase Complete", "Failed", "Blocked", "Cancelled", "Merged", "Archived"])
    }

    @Test("Appending creates _worklog/YYYY-MM.md holding exactly the entry")
    func createsFile() throws {
        let temp = try TemporaryDirectory("pg-worklog")
        let now = try Self.timestamp("2026-03-05T10:00:00.25Z")
        try Worklog.append(root: temp.path, itemID: "WRK-001", title: "Add login", phase: "prd",
                           outcome: .blocked, summary: "Needs a decision", now: now)
        let path = temp.file("_worklog/2026-03.md")
        #expect(Worklog.filePath(directory: Worklog.directory(root: temp.path), timestamp: now) == path)
        let contents = try #require(try FileIO.readText(path))
        #expect(contents == Worklog.entry(timestamp: now, itemID: "WRK-001", title: "Add login", phase: "prd",
                                          outcome: .blocked, summary: "Needs a decision"))
        #expect(contents.contains("WRK-001") && contents.contains("Add login") && contents.contains("prd")
            && contents.contains("Needs a decision") && contents.contains("---"))
    }

    @Test("A second entry is appended after the first")
    func appends() throws {
        let temp = try TemporaryDirectory("pg-worklog")
        let first = try Self.timestamp("2026-03-05T10:00:00Z")
        let second = try Self.timestamp("2026-03-05T11:00:00Z")
        try Worklog.append(root: temp.path, itemID: "WRK-001", title: "A", phase: "prd", outcome: .complete, summary: "one", now: first)
        try Worklog.append(root: temp.path, itemID: "WRK-002", title: "B", phase: "build", outcome: .cancelled, summary: "two", now: second)
        let contents = try #require(try FileIO.readText(temp.file("_worklog/2026-03.md")))
        #expect(contents == Worklog.entry(timestamp: first, itemID: "WRK-001", title: "A", phase: "prd", outcome: .complete, summary: "one")
            + Worklog.entry(timestamp: second, itemID: "WRK-002", title: "B", phase: "build", outcome: .cancelled, summary: "two"))
    }

    @Test("The file is chosen by the UTC month of the entry")
    func monthlyFiles() throws {
        let temp = try TemporaryDirectory("pg-worklog")
        try Worklog.append(root: temp.path, itemID: "A-1", title: "t", phase: "p", outcome: .merged, summary: "s",
                           now: try Self.timestamp("2026-01-31T23:59:59.999Z"))
        try Worklog.append(root: temp.path, itemID: "A-1", title: "t", phase: "p", outcome: .archived, summary: "s",
                           now: try Self.timestamp("2026-02-01T00:30:00+01:00"))
        #expect(FileIO.exists(temp.file("_worklog/2026-01.md")))
        let january = try #require(try FileIO.readText(temp.file("_worklog/2026-01.md")))
        #expect(january.contains("Merged") && january.contains("Archived"))
        #expect(!FileIO.exists(temp.file("_worklog/2026-02.md")))
    }

    @Test("A deeply nested worklog directory is created")
    func nestedDirectory() throws {
        let temp = try TemporaryDirectory("pg-worklog")
        let directory = temp.file("a/b/c/_worklog")
        let now = try Self.timestamp("2026-12-01T00:00:00Z")
        try Worklog.append(directory: directory, itemID: "WRK-1", title: "t", phase: "p", outcome: .subphaseComplete,
                           summary: "s", now: now)
        let path = directory + "/2026-12.md"
        #expect(FileIO.exists(path))
        #expect(path.split(separator: "/").last?.count == 10)
    }
}
