import Testing
@testable import PhaseGolemCore

/// The unused-but-public context preamble builder (docs/compatibility.md#prompts).
@Suite("Prompt context preamble")
struct PromptContextPreambleTests {
    static func item(phase: String = "prd", pool: PhasePool = .main, pipeline: String? = "feature") -> StoreItem {
        var item = StoreItem(id: "WRK-001", title: "Test", now: fixedNow)
        item.setPGStatus(.inProgress, now: fixedNow)
        item.setPipelineType(pipeline, now: fixedNow)
        item.setPhase(phase, now: fixedNow)
        item.setPhasePool(pool, now: fixedNow)
        return item
    }

    static func preamble(_ item: StoreItem, summary: String? = nil, failure: String? = nil) -> String {
        PromptBuilder.contextPreamble(item: item, pipeline: .defaultFeature, previousSummary: summary, failureContext: failure)
    }

    @Test("Mode, item, pipeline and phase lines, exactly")
    func header() {
        #expect(Self.preamble(Self.item(phase: "build")) == """
            ## Phase Golem Context

            **Mode:** autonomous
            **Item:** WRK-001 — Test
            **Pipeline:** feature
            **Phase:** build (5/6, main)
            """)
    }

    @Test("An item without a pipeline type is shown as feature")
    func defaultPipeline() {
        #expect(Self.preamble(Self.item(pipeline: nil)).contains("**Pipeline:** feature"))
        #expect(Self.preamble(Self.item(pipeline: "blog")).contains("**Pipeline:** blog"))
    }

    @Test("Pre-phase position")
    func prePhase() {
        #expect(Self.preamble(Self.item(phase: "research", pool: .pre)).contains("**Phase:** research (1/1, pre)"))
    }

    @Test("A phase not in its pool shows only the pool")
    func unknownPhase() {
        #expect(Self.preamble(Self.item(phase: "mystery")).contains("**Phase:** mystery (main)"))
        #expect(Self.preamble(Self.item(phase: "build", pool: .pre)).contains("**Phase:** build (pre)"))
    }

    @Test("Description lists the non-empty fields")
    func description() {
        var item = Self.item()
        item.setStructuredDescription(StructuredDescription(
            context: "Settings page needs theme support", problem: "No dark mode available",
            solution: "Add dark mode toggle to settings", impact: "Better UX for night users"), now: fixedNow)
        let text = Self.preamble(item)
        #expect(text.contains("\n\n### Description\n\n**Context:** Settings page needs theme support\n"
            + "**Problem:** No dark mode available\n**Solution:** Add dark mode toggle to settings\n"
            + "**Impact:** Better UX for night users"))
        #expect(!text.contains("Sizing Rationale"))
    }

    @Test("Previous summary, retry and unblock sections, in that order")
    func optionalSections() {
        var item = Self.item()
        item.setUnblockContext("Go with option B", now: fixedNow)
        let text = Self.preamble(item, summary: "PRD written", failure: "Timed out")
        #expect(text.contains("\n\n### Previous Phase Summary\n\nPRD written\n\n### Retry Context\n\nPrevious failure: Timed out"
            + "\n\n### Unblock Context\n\nGo with option B"))
    }

    @Test("No optional headings when there is nothing to show")
    func noOptionalSections() {
        let text = Self.preamble(Self.item())
        for heading in ["### Description", "### Previous Phase Summary", "### Retry Context", "### Unblock Context"] {
            #expect(!text.contains(heading))
        }
    }
}
