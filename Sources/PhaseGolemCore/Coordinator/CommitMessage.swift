/// The git commit messages phase-golem writes (docs/compatibility.md#the-coordinator-and-commits, docs/decisions.md D4 and D9).
///
/// Scripts and people search history by these prefixes, so the formats are fixed.
public enum CommitMessage {
    /// A phase whose output waits for the next batch commit.
    public struct PendingPhase: Sendable, Equatable {
        public var itemID: String
        public var phase: String
        /// The agent's `commit_summary`, if it gave one.
        public var summary: String?

        public init(itemID: String, phase: String, summary: String?) {
            self.itemID = itemID
            self.phase = phase
            self.summary = summary
        }
    }

    /// `[{id}][{phase}] {summary}`, or `… Phase output` without a summary.
    ///
    /// Agents often echo the prefix they saw in history; that exact prefix is dropped so it
    /// is not doubled. Any other bracketed text is the agent's wording and stays.
    public static func phase(itemID: String, phase: String, summary: String?) -> String {
        let label = "[\(itemID)][\(phase)]"
        guard let summary else { return label + " Phase output" }
        var text = summary[...]
        if text.hasPrefix(label) {
            text = text.dropFirst(label.count).drop { $0.isWhitespace }
        }
        // An empty summary would leave a subject ending in a space, which tells nobody anything.
        if text.allSatisfy({ $0.isWhitespace }) { return label + " Phase output" }
        return label + " " + text
    }

    /// The message for committing several pending phases at once.
    ///
    /// One entry reads exactly like a phase commit. Several give the summaries as phase lines
    /// joined by ` | `, a blank line, and a label naming every item and phase; without any
    /// summary the label alone.
    public static func batch(_ entries: [PendingPhase]) -> String {
        if entries.count == 1, let only = entries.first {
            return phase(itemID: only.itemID, phase: only.phase, summary: only.summary)
        }
        let label = entries.map { "[\($0.itemID)][\($0.phase)]" }.joined() + " Phase outputs"
        let summaries = entries.filter { hasSummary($0.summary) }
            .map { phase(itemID: $0.itemID, phase: $0.phase, summary: $0.summary) }
        if summaries.isEmpty { return label }
        return summaries.joined(separator: " | ") + "\n\n" + label
    }

    /// The commit at the end of `run`; `reason` is the halt reason's Debug name (`CapReached`).
    public static func halt(reason: String) -> String {
        "[phase-golem] Save task state on halt (\(reason))"
    }

    /// The commit that records a blocked target before auto-advancing to the next one (docs/decisions.md D9).
    public static func blockedTarget(itemID: String) -> String {
        "[phase-golem] Save task state: \(itemID) blocked"
    }

    /// The commit of leftover store changes that `run` and `triage` make instead of refusing (docs/decisions.md D4).
    public static let preRun = "[phase-golem] Save task state before run"

    /// The work a killed run left uncommitted, saved by the next `run` or `triage` before it starts.
    public static func interruptedRun(pid: Int32) -> String {
        "[phase-golem] Save work of an interrupted run (PID \(pid))"
    }

    /// The end of a run that stopped on an error (a store it could not write, a git failure):
    /// every dirty path, so the next run starts from a clean tree.
    public static let afterError = "[phase-golem] Save task state after an error"

    /// The end of the standalone `triage` command: its routing, committed (docs/decisions.md D4).
    public static let afterTriage = "[phase-golem] Save task state after triage"

    private static func hasSummary(_ summary: String?) -> Bool {
        guard let summary else { return false }
        return !summary.allSatisfy { $0.isWhitespace }
    }
}
