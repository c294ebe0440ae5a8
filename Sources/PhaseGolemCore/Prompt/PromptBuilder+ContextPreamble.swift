extension PromptBuilder {
    /// A compact summary of where an item stands, for agents that run inside a larger prompt (docs/compatibility.md#prompts).
    ///
    /// The original ships this builder but never calls it; it is kept for library users. Phase,
    /// pool and pipeline type come from the item (absent type means `feature`, absent pool main).
    public static func contextPreamble(
        item: StoreItem,
        pipeline: PipelineConfig,
        previousSummary: String? = nil,
        failureContext: String? = nil
    ) -> String {
        let phase = item.phase ?? "none"
        let pool = item.phasePool ?? .main
        let list = pool == .pre ? pipeline.prePhases : pipeline.phases
        let position: String
        if let index = list.firstIndex(where: { $0.name == phase }) {
            position = "\(phase) (\(index + 1)/\(list.count), \(pool.rawValue))"
        } else {
            position = "\(phase) (\(pool.rawValue))"
        }
        var blocks = [
            "## Phase Golem Context",
            [
                "**Mode:** autonomous",
                "**Item:** \(item.id) — \(item.title)",
                "**Pipeline:** \(item.pipelineType ?? PipelineConfig.defaultName)",
                "**Phase:** \(position)",
            ].joined(separator: "\n"),
        ]
        if let description = item.structuredDescription.flatMap(descriptionLines) {
            blocks += ["### Description", description]
        }
        if let summary = nonEmpty(previousSummary) {
            blocks += ["### Previous Phase Summary", summary]
        }
        if let failure = nonEmpty(failureContext) {
            blocks += ["### Retry Context", "Previous failure: \(failure)"]
        }
        if let notes = nonEmpty(item.unblockContext) {
            blocks += ["### Unblock Context", notes]
        }
        return blocks.joined(separator: "\n\n")
    }
}
