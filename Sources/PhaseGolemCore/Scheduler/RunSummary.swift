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
                itemsMerged: Int = 0, haltReason: HaltReason, filterDisplay: String? = nil) {
        self.phasesExecuted = phasesExecuted
        self.itemsCompleted = itemsCompleted
        self.itemsBlocked = Array(Set(itemsBlocked)).sorted { $0.utf8Precedes($1) }
        self.blockReasons = blockReasons
        self.skippedTargets = skippedTargets
        self.followUpsCreated = followUpsCreated
        self.itemsMerged = itemsMerged
        self.haltReason = haltReason
        self.filterDisplay = filterDisplay
    }

    /// Nothing completed and something blocked: the run failed (exit 1), in every mode.
    public var allBlocked: Bool { itemsCompleted.isEmpty && !itemsBlocked.isEmpty }

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
        return lines
    }

    /// The exit status a finished run maps to (docs/decisions.md#exit-codes).
    public var exitCode: Int32 { allBlocked ? 1 : 0 }

    /// The machine-readable summary written by `--summary-json`.
    public func json() -> String {
        let blocked: [JSONValue] = itemsBlocked.map { id in
            .object([JSONMember("id", .string(id)), JSONMember("reason", blockReasons[id].map(JSONValue.string) ?? .null)])
        }
        let skipped: [JSONValue] = skippedTargets.map {
            .object([JSONMember("id", .string($0.id)), JSONMember("reason", .string($0.reason))])
        }
        let value = JSONValue.object([
            JSONMember("completed", .array(itemsCompleted.map(JSONValue.string))),
            JSONMember("blocked", .array(blocked)),
            JSONMember("skipped", .array(skipped)),
            JSONMember("phases_executed", .integer(Int64(phasesExecuted))),
            JSONMember("follow_ups_created", .integer(Int64(followUpsCreated))),
            JSONMember("items_merged", .integer(Int64(itemsMerged))),
            JSONMember("halt_reason", .string(haltReason.rawValue)),
            JSONMember("exit_code", .integer(Int64(exitCode))),
        ])
        return JSONWriter.canonicalString(value) + "\n"
    }
}
