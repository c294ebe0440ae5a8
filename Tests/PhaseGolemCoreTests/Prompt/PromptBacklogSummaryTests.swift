import Testing
@testable import PhaseGolemCore

/// The backlog summary given to triage (docs/compatibility.md#prompts).
@Suite("Prompt backlog summary")
struct PromptBacklogSummaryTests {
    static func item(_ id: String, _ title: String, _ status: PGStatus = .new) -> StoreItem {
        var item = StoreItem(id: id, title: title, now: fixedNow)
        item.setPGStatus(status, now: fixedNow)
        return item
    }

    @Test("One line per other item, in the given order, excluding the current one")
    func excludesCurrent() {
        let items = [Self.item("WRK-001", "First"), Self.item("WRK-002", "Second"), Self.item("WRK-003", "Third")]
        #expect(PromptBuilder.backlogSummary(items, excluding: "WRK-002") == "- WRK-001: First [new]\n- WRK-003: Third [new]")
    }

    @Test("Nothing when the only item is the current one")
    func onlyCurrent() {
        #expect(PromptBuilder.backlogSummary([Self.item("WRK-001", "Only")], excluding: "WRK-001") == nil)
    }

    @Test("Nothing for an empty backlog")
    func empty() {
        #expect(PromptBuilder.backlogSummary([], excluding: "WRK-001") == nil)
    }

    @Test("Status is the lower-cased Debug name", arguments: [
        (PGStatus.new, "new"), (.scoping, "scoping"), (.ready, "ready"), (.inProgress, "inprogress"),
        (.done, "done"), (.blocked, "blocked"),
    ])
    func status(status: PGStatus, text: String) {
        let summary = PromptBuilder.backlogSummary([Self.item("WRK-009", "Some work", status)], excluding: "WRK-001")
        #expect(summary == "- WRK-009: Some work [\(text)]")
    }
}
