import Testing
@testable import PhaseGolemCore

/// The phase prompt (docs/compatibility.md#prompts, docs/decisions.md "agent prompt keeps the original's structure").
@Suite("Phase prompt")
struct PhasePromptTests {
    typealias F = PromptFixtures

    // MARK: Preamble

    @Test("Starts with the autonomous preamble and the item's ID and title")
    func preamble() {
        let prompt = F.phasePrompt(item: F.item(id: "WRK-007", title: "Add dark mode"))
        #expect(prompt.hasPrefix("# Autonomous Agent\n\n"))
        #expect(prompt.contains("Autonomous Agent"))
        #expect(prompt.contains("running autonomously"))
        #expect(prompt.contains("No human is available"))
        #expect(prompt.contains("## Item\n\n- **ID:** WRK-007\n- **Title:** Add dark mode"))
    }

    @Test("Asks for an Assumptions section documenting decisions made without human input")
    func assumptions() {
        let prompt = F.phasePrompt()
        #expect(prompt.contains("\"Assumptions\""))
        #expect(prompt.contains("documenting decisions made without human input"))
    }

    @Test("All four assessments, lower-case, in order")
    func assessments() {
        var item = F.item(id: "WRK-005", title: "Add dark mode")
        item.updateAssessments(Assessments(size: .medium, complexity: .medium, risk: .low, impact: .high), now: fixedNow)
        let prompt = F.phasePrompt(item: item)
        #expect(prompt.contains("## Current Assessments\n\n- **Size:** medium\n- **Complexity:** medium\n- **Risk:** low\n- **Impact:** high\n\n"))
    }

    @Test("Only the assessments that are set")
    func partialAssessments() {
        var item = F.item()
        item.updateAssessments(Assessments(size: .small, risk: .high), now: fixedNow)
        let prompt = F.phasePrompt(item: item)
        #expect(prompt.contains("## Current Assessments\n\n- **Size:** small\n- **Risk:** high\n\n"))
        #expect(!prompt.contains("**Complexity:**"))
        #expect(!prompt.contains("- **Impact:**"))
    }

    @Test("No assessments, no heading")
    func noAssessments() {
        #expect(!F.phasePrompt().contains("Current Assessments"))
    }

    @Test("A full structured description: five labelled lines in order")
    func description() {
        var item = F.item()
        item.setStructuredDescription(StructuredDescription(
            context: "Users asked", problem: "No theme", solution: "Add a toggle", impact: "Happier users",
            sizingRationale: "Two files"), now: fixedNow)
        let prompt = F.phasePrompt(item: item)
        #expect(prompt.contains("## Description\n\n**Context:** Users asked\n**Problem:** No theme\n"
            + "**Solution:** Add a toggle\n**Impact:** Happier users\n**Sizing Rationale:** Two files\n\n"))
    }

    @Test("Empty description fields are skipped")
    func partialDescription() {
        var item = F.item()
        item.setStructuredDescription(StructuredDescription(context: "Users asked", solution: "Add a toggle"), now: fixedNow)
        let prompt = F.phasePrompt(item: item)
        #expect(prompt.contains("## Description\n\n**Context:** Users asked\n**Solution:** Add a toggle\n\n"))
        #expect(!prompt.contains("**Problem:**"))
        #expect(!prompt.contains("**Impact:**"))
        #expect(!prompt.contains("**Sizing Rationale:**"))
    }

    @Test("An all-empty or missing description leaves the section out")
    func noDescription() throws {
        #expect(!F.phasePrompt().contains("## Description"))
        let allEmpty = try parseItem(itemLine(id: "WRK-001", status: "doing", extra:
            ",\"x-pg-description\":{\"context\":\"\",\"impact\":\"\",\"problem\":\"\",\"sizing_rationale\":\"\",\"solution\":\"\"}"))
        #expect(!F.phasePrompt(item: allEmpty).contains("## Description"))
    }

    @Test("Previous phase summary appears only when given")
    func previousSummary() {
        let prompt = F.phasePrompt(previousSummary: "Wrote the PRD")
        #expect(prompt.contains("## Previous Phase Summary\n\nWrote the PRD\n\n"))
        #expect(!F.phasePrompt().contains("Previous Phase Summary"))
        #expect(!F.phasePrompt(previousSummary: "").contains("Previous Phase Summary"))
    }

    @Test("Unblock context comes from the item, with an explaining sentence")
    func unblockContext() throws {
        var item = F.item()
        item.setUnblockContext("Use OAuth, not passwords", now: fixedNow)
        let prompt = F.phasePrompt(item: item)
        try #require(prompt.contains("\n\n## Unblock Context\n\n"))
        let section = try #require(prompt.split(separator: "## Unblock Context\n\n", maxSplits: 1).last)
        let paragraphs = section.split(separator: "\n\n", maxSplits: 2, omittingEmptySubsequences: false)
        #expect(paragraphs.count == 3)
        #expect(paragraphs.first?.contains("blocked") == true)
        #expect(paragraphs.dropFirst().first == "Use OAuth, not passwords")
        #expect(!F.phasePrompt().contains("Unblock Context"))
    }

    @Test("A previous failure is shown with a request to try a different approach")
    func previousFailure() throws {
        let prompt = F.phasePrompt(previousFailure: "Agent timed out after 30 minutes")
        try #require(prompt.contains("\n\n## Previous Failure\n\n"))
        let section = try #require(prompt.split(separator: "## Previous Failure\n\n", maxSplits: 1).last)
        let paragraphs = section.split(separator: "\n\n", omittingEmptySubsequences: false)
        #expect(paragraphs.count >= 3)
        #expect(paragraphs.first?.contains("failed") == true)
        #expect(paragraphs.dropFirst().first == "Agent timed out after 30 minutes")
        #expect(paragraphs.dropFirst(2).first?.contains("try a different approach") == true)
        #expect(!F.phasePrompt().contains("Previous Failure"))
        #expect(!F.phasePrompt().contains("try a different approach"))
    }

    @Test("Every optional section at once, in the specified order")
    func allOptionalSections() {
        var item = F.item()
        item.updateAssessments(Assessments(size: .large), now: fixedNow)
        item.setStructuredDescription(StructuredDescription(problem: "p"), now: fixedNow)
        item.setUnblockContext("notes", now: fixedNow)
        let prompt = F.phasePrompt(item: item, previousSummary: "summary", previousFailure: "failure")
        F.expectOrder([
            "# Autonomous Agent", "## Item\n", "## Current Assessments", "## Description", "## Previous Phase Summary",
            "## Unblock Context", "## Previous Failure", "## Task", "wf/prd.md", "## Structured Output",
            "```json", "Result codes:", "Important:",
        ], in: prompt)
    }

    // MARK: Task

    @Test("One workflow: a single sentence, then the change folder")
    func singleWorkflow() {
        let prompt = F.phasePrompt(phase: F.phase(workflows: ["wf/prd.md"]), config: F.config(base: "conf"))
        #expect(prompt.contains("\n\n## Task\n\nRead and follow the workflow at `conf/wf/prd.md`.\n\n"
            + "The change folder for this item is: `./changes/WRK-001_add-login`\n\n## Structured Output\n\n"))
        #expect(!prompt.contains("Complete the following workflows in order"))
    }

    @Test("Several workflows: a numbered list in order, each joined to the config base")
    func severalWorkflows() {
        let phase = F.phase(workflows: ["a/one.md", "/abs/two.md", "three.md"])
        let prompt = F.phasePrompt(phase: phase, config: F.config(base: "/cfg"))
        #expect(prompt.contains("## Task\n\nComplete the following workflows in order:\n\n"
            + "1. Read and follow the workflow at `/cfg/a/one.md`.\n"
            + "2. Read and follow the workflow at `/abs/two.md`.\n"
            + "3. Read and follow the workflow at `/cfg/three.md`.\n\n"
            + "The change folder for this item is: `./changes/WRK-001_add-login`\n\n"))
    }

    @Test("No workflows: the several-workflows wording with an empty list")
    func zeroWorkflows() {
        let prompt = F.phasePrompt(phase: F.phase(workflows: []))
        #expect(prompt.contains("## Task\n\nComplete the following workflows in order:\n\n"
            + "The change folder for this item is: `./changes/WRK-001_add-login`"))
        #expect(!prompt.contains("Read and follow the workflow at"))
    }

    @Test("Each default phase's prompt names its workflow path and its phase", arguments: PromptFixtures.featurePhases)
    func defaultPhases(name: String) throws {
        let phase = try #require(PipelineConfig.defaultFeature.phase(named: name))
        let workflow = try #require(phase.workflows.first)
        let prompt = F.phasePrompt(item: F.item(phase: name), phase: phase)
        #expect(prompt.contains("Read and follow the workflow at `\(workflow)`."))
        #expect(prompt.contains("\"phase\": \"\(name)\""))
    }

    // MARK: Structured output

    @Test("The result path is alone on the line after the first fence following the heading")
    func resultPathLayout() throws {
        let prompt = F.phasePrompt()
        #expect(F.extractResultPath(prompt) == F.resultPath)
        let lines = try #require(F.structuredOutputLines(prompt))
        let fence = try #require(lines.firstIndex { $0.hasPrefix("```") })
        #expect(lines[fence] == "```")
        #expect(lines[fence + 1] == "./.phase-golem/phase_result_WRK-001_prd.json")
        #expect(lines[fence + 2] == "```")
        // The JSON example is the next fenced block.
        let next = try #require(lines[(fence + 3)...].firstIndex { $0.hasPrefix("```") })
        #expect(lines[next] == "```json")
    }

    @Test("The heading is followed by exactly the instruction, the path block and the example")
    func structuredOutputShape() {
        let prompt = F.phasePrompt()
        #expect(prompt.contains("\n\n## Structured Output\n\nWhen you are done, write your result as a JSON file at "
            + "exactly this path:\n\n```\n./.phase-golem/phase_result_WRK-001_prd.json\n```\n\n"))
    }

    @Test("The example embeds the real item ID and phase")
    func embeddedIdentity() {
        let prompt = F.phasePrompt(item: F.item(id: "WRK-042"), phase: F.phase("prd"))
        #expect(prompt.contains("\"item_id\": \"WRK-042\""))
        #expect(prompt.contains("\"phase\": \"prd\""))
    }

    @Test("The example is valid JSON with every result-file key")
    func exampleParses() throws {
        let example = try F.parsedExample(F.phasePrompt())
        #expect(F.keys(example) == [
            "item_id", "phase", "result", "summary", "context", "updated_assessments", "commit_summary", "follow_ups",
        ])
        #expect(example["item_id"] == .string("WRK-001"))
        #expect(example["phase"] == .string("prd"))
        #expect(example["result"] == .string("phase_complete | subphase_complete | failed | blocked"))
        #expect(F.keys(example["updated_assessments"]) == ["size", "complexity", "risk", "impact"])
        guard case .array(let followUps)? = example["follow_ups"], let first = followUps.first else {
            Issue.record("follow_ups is not a non-empty array")
            return
        }
        #expect(F.keys(first) == ["title", "context", "suggested_size", "suggested_risk"])
    }

    @Test("An ID or phase with a quote still yields valid JSON")
    func exampleEscapes() throws {
        let example = try F.parsedExample(F.phasePrompt(item: F.item(id: "W\"1"), phase: F.phase("p\\x")))
        #expect(example["item_id"] == .string("W\"1"))
        #expect(example["phase"] == .string("p\\x"))
    }

    @Test("Schema keys, the four result codes and the notes are present")
    func schemaAndNotes() {
        let prompt = F.phasePrompt()
        for key in ["\"item_id\"", "\"phase\"", "\"result\"", "\"summary\"", "\"follow_ups\"", "\"commit_summary\""] {
            #expect(prompt.contains(key))
        }
        for code in ["phase_complete", "subphase_complete", "failed", "blocked"] {
            #expect(prompt.contains("- `\(code)`:"))
        }
        #expect(prompt.contains("72 characters"))
        #expect(prompt.contains("`updated_assessments`"))
        #expect(prompt.contains("`follow_ups`"))
        #expect(prompt.contains("no comments and no trailing commas"))
        #expect(prompt.contains("not to be needed"))
        #expect(prompt.contains("build phase"))
        #expect(!prompt.contains("based_on_commit"))
    }

    @Test("The three parts are joined by blank lines and the prompt ends with the last note")
    func joining() {
        let prompt = F.phasePrompt()
        #expect(prompt.contains("\n\n## Task\n\n"))
        #expect(prompt.contains("`\n\n## Structured Output\n\n"))
        #expect(prompt.hasSuffix("no comments and no trailing commas."))
        #expect(!prompt.contains("\n\n\n"))
    }
}
