import Testing
@testable import PhaseGolemCore

/// Commit message formats (docs/compatibility.md#the-coordinator-and-commits, docs/decisions.md D4, D9).
@Suite("Commit messages")
struct CommitMessageTests {
    typealias Entry = CommitMessage.PendingPhase

    @Test("Phase commit without a summary")
    func noSummary() {
        #expect(CommitMessage.phase(itemID: "WRK-001", phase: "build", summary: nil) == "[WRK-001][build] Phase output")
    }

    @Test("Phase commit with a plain summary")
    func plainSummary() {
        #expect(CommitMessage.phase(itemID: "WRK-001", phase: "build", summary: "Add login form") == "[WRK-001][build] Add login form")
    }

    @Test("A summary that repeats the exact prefix is not doubled")
    func duplicatePrefix() {
        #expect(CommitMessage.phase(itemID: "WRK-051", phase: "triage", summary: "[WRK-051][triage] Assess inbox")
            == "[WRK-051][triage] Assess inbox")
        #expect(CommitMessage.phase(itemID: "WRK-051", phase: "triage", summary: "[WRK-051][triage]   \tAssess inbox")
            == "[WRK-051][triage] Assess inbox")
        #expect(CommitMessage.phase(itemID: "WRK-051", phase: "triage", summary: "[WRK-051][triage]Assess")
            == "[WRK-051][triage] Assess")
    }

    @Test("A different bracket prefix is kept after the real one")
    func differentPrefix() {
        #expect(CommitMessage.phase(itemID: "WRK-001", phase: "build", summary: "[WRK-002][build] Fix")
            == "[WRK-001][build] [WRK-002][build] Fix")
        #expect(CommitMessage.phase(itemID: "WRK-001", phase: "build", summary: "[WRK-001][design] Fix")
            == "[WRK-001][build] [WRK-001][design] Fix")
        #expect(CommitMessage.phase(itemID: "WRK-001", phase: "build", summary: "x [WRK-001][build] Fix")
            == "[WRK-001][build] x [WRK-001][build] Fix")
    }

    @Test("An empty summary, or only the prefix, reads as no summary")
    func emptySummary() {
        #expect(CommitMessage.phase(itemID: "WRK-001", phase: "build", summary: "") == "[WRK-001][build] Phase output")
        #expect(CommitMessage.phase(itemID: "WRK-001", phase: "build", summary: "  ") == "[WRK-001][build] Phase output")
        #expect(CommitMessage.phase(itemID: "WRK-001", phase: "build", summary: "[WRK-001][build] ") == "[WRK-001][build] Phase output")
    }

    @Test("Batch of several without summaries is the label alone")
    func batchNoSummaries() {
        let entries = [Entry(itemID: "WRK-001", phase: "build", summary: nil), Entry(itemID: "WRK-002", phase: "design", summary: nil)]
        #expect(CommitMessage.batch(entries) == "[WRK-001][build][WRK-002][design] Phase outputs")
    }

    @Test("Batch of several with summaries: phase lines joined by ` | `, blank line, label")
    func batchWithSummaries() {
        let entries = [Entry(itemID: "WRK-001", phase: "build", summary: "Add form"),
                       Entry(itemID: "WRK-002", phase: "design", summary: "Layout update")]
        #expect(CommitMessage.batch(entries)
            == "[WRK-001][build] Add form | [WRK-002][design] Layout update\n\n[WRK-001][build][WRK-002][design] Phase outputs")
    }

    @Test("Batch with some summaries lists only those, and the full label")
    func batchMixed() {
        let entries = [Entry(itemID: "WRK-001", phase: "build", summary: nil),
                       Entry(itemID: "WRK-002", phase: "design", summary: "[WRK-002][design] Layout"),
                       Entry(itemID: "WRK-003", phase: "prd", summary: "")]
        #expect(CommitMessage.batch(entries)
            == "[WRK-002][design] Layout\n\n[WRK-001][build][WRK-002][design][WRK-003][prd] Phase outputs")
    }

    @Test("A single-entry batch reads like a phase commit")
    func batchSingle() {
        #expect(CommitMessage.batch([Entry(itemID: "WRK-051", phase: "triage", summary: "[WRK-051][triage] Assess inbox")])
            == "[WRK-051][triage] Assess inbox")
        #expect(CommitMessage.batch([Entry(itemID: "WRK-001", phase: "build", summary: nil)]) == "[WRK-001][build] Phase output")
    }

    @Test("Halt commit names the halt reason", arguments: [
        "CapReached", "AllDoneOrBlocked", "ShutdownRequested", "CircuitBreakerTripped", "TargetCompleted", "FilterExhausted",
    ])
    func halt(reason: String) {
        #expect(CommitMessage.halt(reason: reason) == "[phase-golem] Save task state on halt (\(reason))")
    }

    @Test("Blocked-target and pre-run commits")
    func stateCommits() {
        #expect(CommitMessage.blockedTarget(itemID: "WRK-004") == "[phase-golem] Save task state: WRK-004 blocked")
        #expect(CommitMessage.preRun == "[phase-golem] Save task state before run")
    }
}
