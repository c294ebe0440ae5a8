/// What one past (or running) run did, read back from its journal: the data of
/// `phase-golem runs` and `runs show` (docs/journal.md).
public struct RunRecord: Sendable {
    /// One target (or, in a backlog run, one item worked on).
    public struct Target: Sendable, Equatable {
        public var id: String
        public var title: String
        /// `done`, `blocked`, `skipped`, `running` or `not reached`.
        public var status: String
        public var phases = 0
        /// The agent's facts over this target's phases, taken together (`AgentRunFacts.adding`).
        public var facts: AgentRunFacts?
        public var reason: String?
    }

    public var runID: String
    public var header: JournalHeader
    /// Milliseconds since the epoch of the journal's last line.
    public var lastTime: Int64
    public var summary: RunSummary?
    public var failure: String?
    public var end: JournalEnd?
    public var targets: [Target]
    public var phasesStarted = 0
    /// The agent's facts over the run, taken together: the cost is known only when every phase
    /// that reported facts reported one; `knownCostUSD` is what is known to have been spent.
    public var facts: AgentRunFacts?
    /// The journal has no end and its process is gone (killed).
    public var gone: Bool

    public var running: Bool { end == nil && !gone }
    public var durationSeconds: Double { Double(lastTime - header.startedAt) / 1000 }

    /// `--target` ids, or the filter, or `backlog`.
    public var scope: String {
        if !header.params.targets.isEmpty { return header.params.targets.joined(separator: ",") }
        if let filter = header.params.filter { return "--only " + filter.display }
        return "backlog"
    }

    /// The halt reason, or what stands for it.
    public var outcome: String {
        if let summary { return summary.haltReason.rawValue }
        if failure != nil { return "Error" }
        return gone ? "Gone (no summary; killed?)" : "Running"
    }

    public var exitCode: Int32? { end?.exitCode }

    public func count(_ status: String) -> Int { targets.filter { $0.status == status }.count }

    /// Reads a run's journal; nil when it has no readable header.
    public static func load(root: String, runID: String) -> RunRecord? {
        let reader = JournalReader(path: RunHistory.journalPath(root: root, runID: runID))
        var record: RunRecord?
        while true {
            let batch = reader.poll()
            if batch.isEmpty { break }
            for timed in batch {
                if case .header(let header) = timed.record, record == nil {
                    record = RunRecord(runID: runID, header: header, lastTime: timed.time, targets: [], gone: false)
                    record?.startTargets(header.params.targets)
                    continue
                }
                record?.apply(timed)
            }
        }
        guard var record else { return nil }
        record.gone = record.end == nil && !RunHistory.isAlive(record.header.pid)
        return record
    }

    private mutating func startTargets(_ ids: [String]) {
        for id in ids where !targets.contains(where: { $0.id == id }) {
            targets.append(Target(id: id, title: title(id), status: "not reached"))
        }
    }

    private func title(_ id: String) -> String { header.items.first { $0.id == id }?.title ?? "" }

    private mutating func target(_ id: String) -> Int {
        if let index = targets.firstIndex(where: { $0.id == id }) { return index }
        targets.append(Target(id: id, title: title(id), status: "not reached"))
        return targets.count - 1
    }

    private mutating func apply(_ timed: TimedRecord) {
        lastTime = max(lastTime, timed.time)
        switch timed.record {
        case .end(let value): end = value
        case .event(let event): apply(event)
        case .header, .output: break
        }
    }

    private mutating func apply(_ event: SchedulerEvent) {
        switch event {
        case .runStarted(let params): startTargets(params.targets)
        case .targetStarted(let id, _, _): targets[target(id)].status = "running"
        case .targetSkipped(let id, _, _, let reason):
            let index = target(id)
            targets[index].status = "skipped"
            targets[index].reason = reason
        case .targetBlocked(let id, _, _, let reason, _, _), .itemBlocked(let id, let reason as String?):
            let index = target(id)
            targets[index].status = "blocked"
            if let reason { targets[index].reason = reason }
        case .targetCompleted(let id, _, _), .itemCompleted(let id):
            targets[target(id)].status = "done"
        case .phaseStarted(let itemID, _, _, _, _):
            phasesStarted += 1
            let index = target(itemID)
            targets[index].phases += 1
            if targets[index].status == "not reached" { targets[index].status = "running" }
        case .phaseFinished(let itemID, _, _, _, let facts):
            // Summed as the run's own summary sums them, so `runs` and the summary agree.
            guard let facts else { break }
            let index = target(itemID)
            targets[index].facts = targets[index].facts.map { $0.adding(facts) } ?? facts
            self.facts = self.facts.map { $0.adding(facts) } ?? facts
        case .halted(let value):
            summary = value
            for skipped in value.skippedTargets {
                let index = target(skipped.id)
                targets[index].status = "skipped"
                targets[index].reason = skipped.reason
            }
            for index in targets.indices where targets[index].status == "running" {
                targets[index].status = "skipped"
                targets[index].reason = "stopped before it finished"
            }
        case .runFailed(let message): failure = message
        default: break
        }
    }
}
