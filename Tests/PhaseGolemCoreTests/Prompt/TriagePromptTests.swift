import Testing
@testable import PhaseGolemCore

/// The triage prompt (docs/compatibility.md#prompts).
@Suite("Triage prompt")
struct TriagePromptTests {
    typealias F = PromptFixtures
    static let resultPath = "./.phase-golem/phase_result_WRK-003_triage.json"

    static func newItem(id: String = "WRK-003", title: String = "Add login (v2)!") -> StoreItem {
        StoreItem(id: id, title: title, now: fixedNow)
    }

    static func prompt(item: StoreItem = newItem(), backlog: [StoreItem] = [], pipelines: [String] = ["feature"]) -> String {
        PromptBuilder.triagePrompt(item: item, backlog: backlog, pipelineNames: pipelines, resultPath: resultPath)
    }

    @Test("Triage preamble, with the item under `## Item to Triage`")
    func preamble() {
        let prompt = Self.prompt()
        #expect(prompt.hasPrefix("# Autonomous Triage Agent\n\n"))
        #expect(prompt.contains("running autonomously"))
        #expect(prompt.contains("No human is available"))
        #expect(prompt.contains("documenting decisions made without human input"))
        #expect(prompt.contains("## Item to Triage\n\n- **ID:** WRK-003\n- **Title:** Add login (v2)!"))
        #expect(!prompt.contains("## Item\n"))
        #expect(!prompt.contains("# Autonomous Agent"))
    }

    @Test("Assessments and description are included; phase-only sections never are")
    func itemDetails() {
        var item = Self.newItem()
        item.updateAssessments(Assessments(size: .small, impact: .low), now: fixedNow)
        item.setStructuredDescription(StructuredDescription(context: "From a customer call"), now: fixedNow)
        item.setUnblockContext("human notes", now: fixedNow)
        let prompt = Self.prompt(item: item)
        #expect(prompt.contains("## Current Assessments\n\n- **Size:** small\n- **Impact:** low\n\n"))
        #expect(prompt.contains("## Description\n\n**Context:** From a customer call\n\n"))
        #expect(!prompt.contains("Unblock Context"))
        #expect(!prompt.contains("human notes"))
        #expect(!prompt.contains("Previous Phase Summary"))
        #expect(!prompt.contains("Previous Failure"))
        #expect(!prompt.contains("## Task"))
    }

    @Test("Pipeline types are listed sorted")
    func pipelinesSorted() {
        let prompt = Self.prompt(pipelines: ["feature", "blog-post", "bugfix"])
        #expect(prompt.contains("## Available Pipeline Types\n\n- `blog-post`\n- `bugfix`\n- `feature`\n\n## Instructions\n\n"))
        #expect(prompt.contains("pipeline_type"))
    }

    @Test("Without pipeline names, feature is listed as the default")
    func pipelinesDefault() {
        let prompt = Self.prompt(pipelines: [])
        #expect(prompt.contains("## Available Pipeline Types\n\n- `feature` (default)\n\n"))
    }

    @Test("Assessment guidance for the four dimensions")
    func assessmentInstructions() {
        let prompt = Self.prompt()
        #expect(prompt.contains("Assess"))
        for label in ["**Size:**", "**Complexity:**", "**Risk:**", "**Impact:**"] {
            #expect(prompt.contains(label))
        }
        for guidance in ["1-3 files", "4-10 files", "11 or more files", "single existing pattern", "design decisions",
                         "new architecture", "no shared interfaces", "shared code", "breaking changes", "nice to have",
                         "meaningful", "critical"] {
            #expect(prompt.contains(guidance))
        }
    }

    @Test("Routing: small size AND low risk promotes directly; otherwise an idea file with the item's slug")
    func routing() {
        let prompt = Self.prompt()
        #expect(prompt.contains("small size AND low risk"))
        #expect(prompt.contains("promote directly"))
        #expect(prompt.contains("idea file"))
        #expect(prompt.contains("`requires_human_review: false`"))
        #expect(prompt.contains("requires_human_review"))
        #expect(prompt.contains("`_ideas/WRK-003_add-login-v2.md`"))
        #expect(prompt.contains("`blocked`"))
        #expect(prompt.contains("prefer writing an idea file"))
    }

    @Test("Asks for a structured description with the five fields")
    func descriptionInstructions() {
        let prompt = Self.prompt()
        #expect(prompt.contains("structured description"))
        for field in ["`context`", "`problem`", "`solution`", "`impact`", "`sizing_rationale`"] {
            #expect(prompt.contains(field))
        }
    }

    @Test("Backlog section lists the other items and explains duplicates")
    func backlogSection() {
        let item = Self.newItem()
        var other = Self.newItem(id: "WRK-001", title: "Login page")
        other.setPGStatus(.ready, now: fixedNow)
        let prompt = Self.prompt(item: item, backlog: [other, item])
        #expect(prompt.contains("## Current Backlog\n\n"))
        #expect(prompt.contains("`duplicates`"))
        #expect(prompt.contains("\n\n- WRK-001: Login page [ready]\n\n## Available Pipeline Types"))
        #expect(!prompt.contains("- WRK-003:"))
    }

    @Test("No backlog section when no other item exists")
    func noBacklogSection() {
        let item = Self.newItem()
        #expect(!Self.prompt(item: item, backlog: []).contains("## Current Backlog"))
        #expect(!Self.prompt(item: item, backlog: [item]).contains("## Current Backlog"))
    }

    @Test("Sections come in the specified order")
    func order() {
        let item = Self.newItem()
        let prompt = Self.prompt(item: item, backlog: [Self.newItem(id: "WRK-001"), item])
        F.expectOrder([
            "# Autonomous Triage Agent", "## Item to Triage", "## Current Backlog", "## Available Pipeline Types",
            "## Instructions", "## Structured Output", "```json", "Result codes:", "Important:",
        ], in: prompt)
        #expect(!prompt.contains("\n\n\n"))
    }

    @Test("The result path sits where a fake agent looks for it")
    func resultPath() {
        let prompt = Self.prompt()
        #expect(F.extractResultPath(prompt) == Self.resultPath)
        #expect(prompt.contains("\n## Structured Output\n\nWhen you are done, write your result as a JSON file at "
            + "exactly this path:\n\n```\n./.phase-golem/phase_result_WRK-003_triage.json\n```\n\n"))
    }

    @Test("The example uses the triage phase and the triage keys, and is valid JSON")
    func example() throws {
        let prompt = Self.prompt()
        #expect(prompt.contains("\"item_id\": \"WRK-003\""))
        #expect(prompt.contains("\"phase\": \"triage\""))
        let example = try F.parsedExample(prompt)
        #expect(example["result"] == .string("phase_complete | failed | blocked"))
        #expect(example["phase"] == .string("triage"))
        for key in ["item_id", "summary", "context", "pipeline_type", "duplicates", "updated_assessments",
                    "description", "commit_summary", "follow_ups"] {
            #expect(example[key] != nil, "missing \(key)")
        }
        #expect(example["duplicates"] == .array([.string("WRK-xxx")]))
        #expect(F.keys(example["description"]) == ["context", "problem", "solution", "impact", "sizing_rationale"])
        #expect(!prompt.contains("subphase_complete"))
        #expect(!prompt.contains("based_on_commit"))
    }

    @Test("The duplicates example follows the item's own ID prefix")
    func duplicatesPrefix() throws {
        let example = try F.parsedExample(Self.prompt(item: Self.newItem(id: "HAMY-5c0f8")))
        #expect(example["duplicates"] == .array([.string("HAMY-xxx")]))
    }

    @Test("Result codes and notes cover pipeline_type, duplicates and commit_summary")
    func notes() {
        let prompt = Self.prompt()
        for code in ["phase_complete", "failed", "blocked"] {
            #expect(prompt.contains("- `\(code)`:"))
        }
        #expect(prompt.contains("- `pipeline_type` must be exactly one of the available pipeline types"))
        #expect(prompt.contains("- `duplicates` lists the IDs"))
        #expect(prompt.contains("Keep `commit_summary` short (under 72 characters)"))
        #expect(prompt.hasSuffix("no comments and no trailing commas."))
    }
}
