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
                itemsMerged: Int = 0, haltReason: HaltReason, filterDisplay: String? = nil, agentFailure: AgentFailure? = nil) {
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
        ]
        if let agentFailure {
            // Ours (docs/decisions.md D14), only when the run halted for it: the other keys stay as they were.
            members.append(JSONMember("agent_failure", .object([
                JSONMember("message", .string(agentFailure.lastWords)), JSONMember("fix", .string(agentFailure.fix)),
            ])))
        }
        return JSONWriter.canonicalString(.object(members)) + "\n"
    }
}
