extension PromptBuilder {
    /// The prompt for triaging a New item (docs/compatibility.md#prompts).
    ///
    /// `backlog` is the active items; the one being triaged is left out of the backlog listing.
    /// `pipelineNames` are listed sorted so the prompt does not depend on dictionary order.
    public static func triagePrompt(item: StoreItem, backlog: [StoreItem], pipelineNames: [String], resultPath: String) -> String {
        var sections = [triagePreamble(item: item)]
        if let summary = backlogSummary(backlog, excluding: item.id) {
            sections.append(backlogSection(summary))
        }
        sections.append(pipelineTypesSection(pipelineNames))
        sections.append(triageInstructions(item: item))
        sections.append(triageStructuredOutputSection(itemID: item.id, resultPath: resultPath))
        return sections.joined(separator: "\n\n")
    }

    /// One `- {id}: {title} [{status}]` line per item other than `excluding`; nil when there are none.
    ///
    /// The status is the lower-cased Debug name (`inprogress`), as the original prints it.
    public static func backlogSummary(_ items: [StoreItem], excluding excludedID: String) -> String? {
        let lines = items.filter { $0.id != excludedID }.map { "- \($0.id): \($0.title) [\($0.pgStatus.tableName)]" }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }

    static func triagePreamble(item: StoreItem) -> String {
        let blocks = [
            "# Autonomous Triage Agent",
            "You are running autonomously as the triage step of the phase-golem changes workflow: you assess a "
                + "newly added work item and decide how it should proceed. No human is available to answer "
                + "questions while you work.",
            "Whenever you would normally stop to ask a question, choose the most reasonable answer yourself and "
                + "carry on. If you write an idea file, record each such question and the answer you chose in an "
                + "\"Assumptions\" section of it, documenting decisions made without human input; otherwise "
                + "mention them in your `summary`.",
        ] + itemBlocks(heading: "## Item to Triage", item: item)
        return blocks.joined(separator: "\n\n")
    }

    static func backlogSection(_ summary: String) -> String {
        [
            "## Current Backlog",
            "These items are already in the backlog. If the item you are triaging describes the same work as "
                + "one of them, list that item's ID in `duplicates`. Duplicates are merged: the item with the "
                + "higher-numbered ID is folded into the one with the lower number.",
            summary,
        ].joined(separator: "\n\n")
    }

    static func pipelineTypesSection(_ names: [String]) -> String {
        let lines = names.isEmpty
            ? "- `\(PipelineConfig.defaultName)` (default)"
            : names.sorted().map { "- `\($0)`" }.joined(separator: "\n")
        return ["## Available Pipeline Types", lines].joined(separator: "\n\n")
    }

    static func triageInstructions(item: StoreItem) -> String {
        let ideaFile = "_ideas/\(item.id)_\(ChangeFolder.slug(item.title)).md"
        let steps = """
            1. Read the item above, and enough of the project to understand what it asks for.
            2. Check the current backlog for duplicates, and list any in `duplicates`.
            3. Classify the item: set `pipeline_type` to one of the available pipeline types.
            4. Assess the item on each dimension:
               - **Size:** small (1-3 files), medium (4-10 files), large (11 or more files)
               - **Complexity:** low (follows a single existing pattern), medium (needs some design \
            decisions), high (needs new architecture)
               - **Risk:** low (touches no shared interfaces), medium (modifies shared code), high (may \
            introduce breaking changes)
               - **Impact:** low (nice to have), medium (a meaningful improvement), high (critical)
            5. Write a structured description in `description` with the fields `context`, `problem`, \
            `solution`, `impact` and `sizing_rationale`.
            6. Route the item:
               - If it is **small size AND low risk**, promote directly: write no idea file; no human review \
            is needed (`requires_human_review: false`).
               - If its size or risk is medium or higher, create an idea file at `\(ideaFile)` that sets out \
            the problem, the options and your assessment, and set `requires_human_review` in it (true if the \
            risk is high).
            7. Report your result in the structured output below.
            """
        let closing = "If the work is not needed (already done, obsolete, or not worth doing), use the `blocked` "
            + "result and explain why in `context`. When you are unsure how to route the item, prefer writing "
            + "an idea file."
        return ["## Instructions", steps, closing].joined(separator: "\n\n")
    }

    /// The triage result-file instructions: the phase layout with triage's keys and codes.
    static func triageStructuredOutputSection(itemID: String, resultPath: String) -> String {
        let example = """
            {
              "item_id": \(jsonString(itemID)),
              "phase": "triage",
              "result": "phase_complete | failed | blocked",
              "summary": "Your assessment of the item, in one or two sentences",
              "context": "Anything a reviewer should know; if failed or blocked, the reason",
              "pipeline_type": "One of the available pipeline types",
              "duplicates": [\(jsonString(duplicateExample(for: itemID)))],
              "updated_assessments": {
                "size": "small | medium | large",
                "complexity": "low | medium | high",
                "risk": "low | medium | high",
                "impact": "low | medium | high"
              },
              "description": {
                "context": "Where this comes from and the background a reader needs",
                "problem": "What is wrong or missing",
                "solution": "The proposed change",
                "impact": "What changes for users or the project once it is done",
                "sizing_rationale": "Why you chose this size, complexity and risk"
              },
              "commit_summary": "Short description of the triage outcome",
              "follow_ups": [
                {
                  "title": "Related work you noticed that is separate from this item",
                  "context": "Why it is needed and where it applies",
                  "suggested_size": "small | medium | large",
                  "suggested_risk": "low | medium | high"
                }
              ]
            }
            """
        let codes = """
            - `phase_complete`: you assessed and classified the item.
            - `failed`: you could not assess the item. Explain what went wrong in `context`.
            - `blocked`: a human must decide or clarify something first, or the work is not needed; say which, \
            and why, in `context`.
            """
        let notes = """
            - `pipeline_type` must be exactly one of the available pipeline types listed above.
            - `duplicates` lists the IDs of backlog items that describe the same work; use `[]` when there \
            are none.
            - Keep `commit_summary` short (under 72 characters): it becomes the subject of the commit that \
            records the triage.
            - The file must be valid JSON: no comments and no trailing commas.
            """
        return structuredOutput(resultPath: resultPath, example: example, codes: codes, notes: notes)
    }

    /// `{prefix}-xxx`, so the example shows the project's own ID style.
    private static func duplicateExample(for itemID: String) -> String {
        let prefix = itemID.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return (prefix.isEmpty ? "WRK" : prefix) + "-xxx"
    }
}
