/// The human-readable log of phase outcomes, one Markdown file per month (docs/compatibility.md#worklog).
public enum Worklog {
    /// What happened to the item; the raw value is the text written after `**Outcome:**`.
    public enum Outcome: String, Sendable, CaseIterable {
        case complete = "Complete"
        case subphaseComplete = "Subphase Complete"
        case failed = "Failed"
        case blocked = "Blocked"
        case cancelled = "Cancelled"
        case merged = "Merged"
        case archived = "Archived"
    }

    /// One entry, byte for byte as the original writes it, trailing separator and blank line included.
    public static func entry(timestamp: Timestamp, itemID: String, title: String, phase: String, outcome: Outcome, summary: String) -> String {
        "## \(timestamp.rfc3339WithOffset) — \(itemID) (\(title))\n"
            + "\n"
            + "- **Phase:** \(phase)\n"
            + "- **Outcome:** \(outcome.rawValue)\n"
            + "- **Summary:** \(summary)\n"
            + "\n"
            + "---\n"
            + "\n"
    }

    /// `{root}/_worklog`.
    public static func directory(root: String) -> String {
        FileIO.join(root, "_worklog")
    }

    /// `{directory}/{YYYY-MM}.md` for the UTC month of `timestamp`.
    public static func filePath(directory: String, timestamp: Timestamp) -> String {
        FileIO.join(directory, timestamp.yearMonth + ".md")
    }

    /// Appends an entry to `{root}/_worklog/{YYYY-MM}.md`, creating the folder and file as needed.
    public static func append(
        root: String, itemID: String, title: String, phase: String, outcome: Outcome, summary: String,
        now: Timestamp = .now()
    ) throws(FileIO.Failure) {
        try append(directory: directory(root: root), itemID: itemID, title: title, phase: phase,
                   outcome: outcome, summary: summary, now: now)
    }

    /// Appends an entry to the month's file inside `directory`, creating it with its parents.
    ///
    /// One O_APPEND write per entry, so entries from concurrent writers never interleave.
    public static func append(
        directory: String, itemID: String, title: String, phase: String, outcome: Outcome, summary: String,
        now: Timestamp = .now()
    ) throws(FileIO.Failure) {
        try FileIO.makeDirectories(directory)
        let text = entry(timestamp: now, itemID: itemID, title: title, phase: phase, outcome: outcome, summary: summary)
        // A human log, committed to git right after: no fsync on every entry.
        try FileIO.append(filePath(directory: directory, timestamp: now), Array(text.utf8), durable: false)
    }
}
