extension StoreTransaction {
    /// Adds a New item for each of the agent's follow-ups (docs/compatibility.md#handling-results): a fresh id, the
    /// title, `x-pg-origin` = `{item}/{phase}`, suggested size and risk, the context as description.
    mutating func appendFollowUps(_ result: PhaseResult, prefix: String) throws -> [String] {
        var created: [String] = []
        let now = Timestamp.now()
        for followUp in result.followUps {
            let id = try generateID(prefix: prefix, avoiding: Set(created))
            var item = StoreItem(id: id, title: followUp.title, now: now)
            item.setPGStatus(.new, now: now)
            item.setOrigin("\(result.itemID)/\(result.phase)", now: now)
            item.updateAssessments(Assessments(size: followUp.suggestedSize, risk: followUp.suggestedRisk), now: now)
            if let context = followUp.context, !context.isEmpty {
                item.setStructuredDescription(StructuredDescription(context: context), now: now)
            }
            items.append(item)
            created.append(id)
        }
        return created
    }
}
