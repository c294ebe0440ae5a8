/// The outcome of a run: what completed, what blocked, and why it stopped.
public struct RunSummary: Sendable, Equatable {
    public var phasesExecuted: Int
    /// Completion order.
    public var itemsCompleted: [String]
    /// Sorted and de-duplicated.
    public var itemsBlocked: [String]
    /// Block reasons as the store holds them at the end of the run.
    public var blockReasons: [String: String]
    /// Targets skipped (already done, already blocked, not found), with the reason.
    public var skippedTargets: [SkippedTarget]
    public var followUpsCreated: Int
    public var itemsMerged: Int
    public var haltReason: HaltReason
    /// The filter's display form, for the FilterExhausted/NoMatchingItems lines.
    public var filterDisplay: String?
    /// Why the run halted `AgentUnavailable`: the agent's words and the fix (docs/decisions.md D14).
    public var agentFailure: AgentFailure?
    /// What the agents reported per item over the run (items no agent ran for are absent).
    public var targetFacts: [String: AgentRunFacts]
    /// The run's budget, when it had one.
    public var maxCostUSD: Double?

    /// Every item's facts taken together (`AgentRunFacts.adding`, in item order), nil when
    /// no agent ran.
    public var totalFacts: AgentRunFacts? {
        AgentRunFacts.total(targetFacts.keys.sorted { $0.utf8Precedes($1) }.compactMap { targetFacts[$0] })
    }

    public struct SkippedTarget: Sendable, Equatable {
        public var id: String
        public var reason: String

        public init(id: String, reason: String) {
            self.id = id
            self.reason = reason
        }
    }

    public init(phasesExecuted: Int = 0, itemsCompleted: [String] = [], itemsBlocked: [String] = [],
                blockReasons: [String: String] = [:], skippedTargets: [SkippedTarget] = [], followUpsCreated: Int = 0,
                itemsMerged: Int = 0, haltReason: HaltReason, filterDisplay: String? = nil,
                targetFacts: [String: AgentRunFacts] = [:], maxCostUSD: Double? = nil, agentFailure: AgentFailure? = nil) {
        self.targetFacts = targetFacts
        self.maxCostUSD = maxCostUSD
        self.phasesExecuted = phasesExecuted
        self.itemsCompleted = itemsCompleted
        self.itemsBlocked = Array(Set(itemsBlocked)).sorted { $0.utf8Precedes($1) }
        self.blockReasons = blockReasons
        self.skippedTargets = skippedTargets
        self.followUpsCreated = followUpsCreated
        self.itemsMerged = itemsMerged
        self.haltReason = haltReason
        self.filterDisplay = filterDisplay
        self.agentFailure = agentFailure
    }

    /// Nothing completed and something blocked: the run failed (exit 1), in every mode.
    public var allBlocked: Bool { itemsCompleted.isEmpty && !itemsBlocked.isEmpty }

    /// The error printed for a run halted `AgentUnavailable` (docs/decisions.md D14).
    public static let agentUnavailableMessage = "The agent is unavailable; nothing was blocked for it, the same command resumes the run"

    /// The error printed for an all-blocked run.
    public static let allBlockedMessage = "All targets blocked; no items completed"

    /// The summary block of docs/compatibility.md#run-summary-and-exit-code, line by line (starting with the empty line).
    public var plainLines: [String] {
        var lines = ["", "--- Run Summary ---", "Phases executed: \(phasesExecuted)"]
        if !itemsCompleted.isEmpty { lines.append("Items completed: \(itemsCompleted.joined(separator: ", "))") }
        if !itemsBlocked.isEmpty { lines.append("Items blocked: \(itemsBlocked.joined(separator: ", "))") }
        if followUpsCreated > 0 { lines.append("Follow-ups created: \(followUpsCreated)") }
        if itemsMerged > 0 { lines.append("Items merged: \(itemsMerged)") }
        if let filterDisplay {
            if haltReason == .filterExhausted { lines.append("Filter: all items matching \(filterDisplay) are done or blocked") }
            if haltReason == .noMatchingItems { lines.append("Filter: no items match \(filterDisplay)") }
        }
        lines.append("Halt reason: \(haltReason.rawValue)")
        lines += agentFailureLines
        return lines
    }

    /// `[cost] Run total: $1.23 · 412k tokens, 380k cached · 14 turns · 3m12s` (with
    /// ` (budget $5.00)` when the run had one); nil when no agent reported cost or tokens.
    /// A line of its own after the summary block: the original's lines are unchanged.
    public var costLine: String? {
        guard let total = totalFacts, let figures = Self.costFigures(total) else { return nil }
        var line = "[cost] Run total: " + figures
        if let maxCostUSD { line += " (budget " + ActivitySummary.cost(maxCostUSD) + ")" }
        return line
    }

    /// `$0.84 · 412k tokens, 380k cached · 14 turns · 3m12s`; `at least $0.84 (some phases
    /// reported no cost) · …` when only part of the cost is known; `cost unknown · …` when the
    /// tokens are known but no cost; nil when neither is known.
    public static func costFigures(_ facts: AgentRunFacts) -> String? {
        guard facts.knownCostUSD != nil || facts.totalTokens != nil else { return nil }
        let cost = facts.costUSD.map(ActivitySummary.cost)
            ?? facts.costFloorUSD.map { "at least " + ActivitySummary.cost($0) + " (some phases reported no cost)" }
        var parts = [cost ?? "cost unknown"]
        if let tokens = ActivitySummary.tokens(facts) { parts.append(tokens) }
        if let turns = facts.turns { parts.append(turns == 1 ? "1 turn" : "\(turns) turns") }
        if let duration = facts.durationMs { parts.append(ActivitySummary.duration(milliseconds: duration)) }
        return parts.joined(separator: " · ")
    }

    /// Ours, after the halt reason (docs/decisions.md D14): what the agent said and what to do.
    public var agentFailureLines: [String] {
        guard let agentFailure else { return [] }
        return ["The agent could not work: \(agentFailure.lastWords)", "hint: \(agentFailure.fix)"]
    }

    /// The exit status a finished run maps to (docs/decisions.md#exit-codes); `AgentUnavailable`
    /// is a handled error (docs/decisions.md D14).
    public var exitCode: Int32 { allBlocked || haltReason == .agentUnavailable ? 1 : 0 }

    /// The machine-readable summary written by `--summary-json`.
    public func json() -> String {
        let blocked: [JSONValue] = itemsBlocked.map { id in
            .object([JSONMember("id", .string(id)), JSONMember("reason", blockReasons[id].map(JSONValue.string) ?? .null)])
        }
        let skipped: [JSONValue] = skippedTargets.map {
            .object([JSONMember("id", .string($0.id)), JSONMember("reason", .string($0.reason))])
        }
        var members: [JSONMember] = [
            JSONMember("completed", .array(itemsCompleted.map(JSONValue.string))),
            JSONMember("blocked", .array(blocked)),
            JSONMember("skipped", .array(skipped)),
            JSONMember("phases_executed", .integer(Int64(phasesExecuted))),
            JSONMember("follow_ups_created", .integer(Int64(followUpsCreated))),
            JSONMember("items_merged", .integer(Int64(itemsMerged))),
            JSONMember("halt_reason", .string(haltReason.rawValue)),
            JSONMember("exit_code", .integer(Int64(exitCode))),
            JSONMember("targets_cost", .object(targetFacts.keys.sorted { $0.utf8Precedes($1) }.compactMap { id in
                targetFacts[id].map { JSONMember(id, Self.factsJSON($0)) }
            })),
            JSONMember("total_cost", totalFacts.map(Self.factsJSON) ?? .null),
            JSONMember("max_cost_usd", maxCostUSD.map { JSONValue.number(NumberText.decimal($0)) } ?? .null),
        ]
        if let agentFailure {
            // Ours (docs/decisions.md D14), only when the run halted for it: the other keys stay as they were.
            members.append(JSONMember("agent_failure", .object([
                JSONMember("message", .string(agentFailure.lastWords)), JSONMember("fix", .string(agentFailure.fix)),
            ])))
        }
        return JSONWriter.canonicalString(.object(members)) + "\n"
    }

    /// Cost, tokens, turns and duration as JSON; unknown figures are `null`, never 0.
    static func factsJSON(_ facts: AgentRunFacts) -> JSONValue {
        func int(_ value: Int?) -> JSONValue { value.map { .integer(Int64($0)) } ?? .null }
        return .object([
            JSONMember("cost_usd", facts.costUSD.map { .number(String($0)) } ?? .null),
            // Only where the cost is unknown but part of it is: what the phases that reported one spent.
            JSONMember("cost_usd_at_least", facts.costFloorUSD.map { .number(String($0)) } ?? .null),
            JSONMember("input_tokens", int(facts.inputTokens)),
            JSONMember("output_tokens", int(facts.outputTokens)),
            JSONMember("cache_read_tokens", int(facts.cacheReadTokens)),
            JSONMember("cache_creation_tokens", int(facts.cacheCreationTokens)),
            JSONMember("turns", int(facts.turns)),
            JSONMember("duration_ms", int(facts.durationMs)),
        ])
    }
}
