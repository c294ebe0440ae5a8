/// Builds the text handed to an agent as its single prompt argument (docs/compatibility.md#prompts).
///
/// Agents and existing workflows parse parts of this text (the result path, the `item_id` and
/// `phase` values of the JSON example), so the layout of the structured-output section is a
/// contract, not prose: see `structuredOutputSection`.
public enum PromptBuilder {
    /// The prompt for one phase of one item: preamble, task and structured output (docs/compatibility.md#prompts).
    ///
    /// Workflow paths are joined to the config base by `config`; the unblock context comes from
    /// the item itself, because it persists there until the item is next blocked or unblocked.
    /// Empty optional texts are left out, since an empty section tells the agent nothing.
    public static func phasePrompt(
        item: StoreItem,
        phase: PhaseConfig,
        config: LoadedConfig,
        changeFolder: String,
        resultPath: String,
        previousSummary: String? = nil,
        previousFailure: String? = nil
    ) -> String {
        let workflows = phase.workflows.map { config.resolve(workflowPath: $0) }
        return [
            phasePreamble(item: item, previousSummary: previousSummary, previousFailure: previousFailure),
            taskSection(workflows: workflows, changeFolder: changeFolder),
            structuredOutputSection(itemID: item.id, phase: phase.name, resultPath: resultPath),
        ].joined(separator: "\n\n")
    }

    // MARK: Preamble

    static func phasePreamble(item: StoreItem, previousSummary: String?, previousFailure: String?) -> String {
        var blocks = [
            "# Autonomous Agent",
            "You are running autonomously as part of the phase-golem changes workflow, carrying one work item "
                + "through one phase. No human is available to answer questions while you work.",
            "Whenever you would normally stop to ask a question, choose the most reasonable answer yourself and "
                + "carry on. Record each such question and the answer you chose in an \"Assumptions\" section of "
                + "the artifact you produce, documenting decisions made without human input.",
        ]
        blocks += itemBlocks(heading: "## Item", item: item)
        if let summary = nonEmpty(previousSummary) {
            blocks += ["## Previous Phase Summary", summary]
        }
        if let notes = nonEmpty(item.unblockContext) {
            blocks += [
                "## Unblock Context",
                "This item was blocked earlier. A human has reviewed it and left the following notes to help you continue:",
                notes,
            ]
        }
        if let failure = nonEmpty(previousFailure) {
            blocks += [
                "## Previous Failure",
                "The previous attempt at this phase failed. This is what happened:",
                failure,
                "Work out why it failed before you start, and try a different approach rather than repeating the same steps.",
            ]
        }
        return blocks.joined(separator: "\n\n")
    }

    /// The item heading with ID and title, then its assessments and description when it has any.
    static func itemBlocks(heading: String, item: StoreItem) -> [String] {
        var blocks = [heading, "- **ID:** \(item.id)\n- **Title:** \(item.title)"]
        if let assessments = assessmentLines(item.assessments) {
            blocks += ["## Current Assessments", assessments]
        }
        if let description = item.structuredDescription.flatMap(descriptionLines) {
            blocks += ["## Description", description]
        }
        return blocks
    }

    /// `- **Size:** medium` lines for the dimensions that are set, nil when none is.
    static func assessmentLines(_ assessments: Assessments) -> String? {
        let lines = [
            assessments.size.map { "- **Size:** \($0.rawValue)" },
            assessments.complexity.map { "- **Complexity:** \($0.rawValue)" },
            assessments.risk.map { "- **Risk:** \($0.rawValue)" },
            assessments.impact.map { "- **Impact:** \($0.rawValue)" },
        ].compactMap { $0 }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }

    /// `**Context:** …` lines for the non-empty fields, nil when all are empty.
    static func descriptionLines(_ description: StructuredDescription) -> String? {
        let fields = [
            ("Context", description.context),
            ("Problem", description.problem),
            ("Solution", description.solution),
            ("Impact", description.impact),
            ("Sizing Rationale", description.sizingRationale),
        ]
        let lines = fields.filter { !$0.1.isEmpty }.map { "**\($0.0):** \($0.1)" }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }

    // MARK: Task

    static func taskSection(workflows: [String], changeFolder: String) -> String {
        var blocks = ["## Task"]
        if workflows.count == 1, let only = workflows.first {
            blocks.append(followSentence(only))
        } else {
            blocks.append("Complete the following workflows in order:")
            if !workflows.isEmpty {
                blocks.append(workflows.enumerated().map { "\($0.offset + 1). \(followSentence($0.element))" }
                    .joined(separator: "\n"))
            }
        }
        blocks.append("The change folder for this item is: `\(changeFolder)`")
        return blocks.joined(separator: "\n\n")
    }

    private static func followSentence(_ path: String) -> String {
        "Read and follow the workflow at `\(path)`."
    }

    // MARK: Structured output

    /// The result-file instructions for a phase.
    static func structuredOutputSection(itemID: String, phase: String, resultPath: String) -> String {
        let example = """
            {
              "item_id": \(jsonString(itemID)),
              "phase": \(jsonString(phase)),
              "result": "phase_complete | subphase_complete | failed | blocked",
              "summary": "What you did in this phase, in one or two sentences",
              "context": "What the next phase or a reviewer should know; if failed or blocked, the reason",
              "updated_assessments": {
                "size": "small | medium | large",
                "complexity": "low | medium | high",
                "risk": "low | medium | high",
                "impact": "low | medium | high"
              },
              "commit_summary": "Short description of this phase's changes",
              "follow_ups": [
                {
                  "title": "Related work you found that is outside this phase",
                  "context": "Why it is needed and where it applies",
                  "suggested_size": "small | medium | large",
                  "suggested_risk": "low | medium | high"
                }
              ]
            }
            """
        let codes = """
            - `phase_complete`: you finished everything this phase requires.
            - `subphase_complete`: you finished part of this phase and more work remains in it; the phase will \
            run again to continue. Use this only in the build phase.
            - `failed`: you could not finish the phase. Explain what went wrong in `context`.
            - `blocked`: you cannot continue without a human decision or clarification; say what is needed in \
            `context`. Also use `blocked` when the work turns out not to be needed, and explain why.
            """
        let notes = """
            - If what you learned changes the item's size, complexity, risk or impact, give the new values in \
            `updated_assessments`; leave out the dimensions that have not changed.
            - Report related work outside this phase as `follow_ups` instead of doing it now.
            - Keep `commit_summary` short (under 72 characters): it becomes the subject of the commit that \
            records this phase.
            - The file must be valid JSON: no comments and no trailing commas.
            """
        return structuredOutput(resultPath: resultPath, example: example, codes: codes, notes: notes)
    }

    /// The fixed layout both prompts share: the path alone on a line inside the first fence after
    /// the heading, then the `json` example. Agent workflows locate the path by that position.
    static func structuredOutput(resultPath: String, example: String, codes: String, notes: String) -> String {
        [
            "## Structured Output",
            "When you are done, write your result as a JSON file at exactly this path:",
            "```\n\(resultPath)\n```",
            "The file must hold a single JSON object shaped like this example:",
            "```json\n\(example)\n```",
            "Result codes:",
            codes,
            "Important:",
            notes,
        ].joined(separator: "\n\n")
    }

    // MARK: Helpers

    /// A JSON string literal, so an ID or phase name with a quote cannot break the example.
    static func jsonString(_ value: String) -> String {
        JSONWriter.canonicalString(.string(value))
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
