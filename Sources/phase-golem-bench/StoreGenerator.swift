import PhaseGolemCore

/// Writes realistic stores: about 1.2 KB per line, with descriptions and `x-pg-*` keys.
enum StoreGenerator {
    static let words = ["scheduler", "store", "agent", "pipeline", "review", "timeout", "retry", "commit",
                        "config", "triage", "parser", "lock", "phase", "worklog", "summary", "target"]

    /// The id of the `n`th item that is generated blocked (for repeated unblock runs).
    static func blockedID(_ n: Int) -> String { "BLK-" + hex(n) }

    static func hex(_ n: Int) -> String {
        let digits = String(n, radix: 16)
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    static func sentence(_ seed: Int, words count: Int) -> String {
        (0..<count).map { words[($0 * 7 + seed * 13) % words.count] }.joined(separator: " ")
    }

    /// Creates `{root}/.task-golem/` with `count` items (the first `blocked` of them blocked); returns the file size.
    static func write(root: String, count: Int, blocked: Int) throws -> Int {
        try FileIO.makeDirectories(FileIO.join(root, ".task-golem"))
        let statuses: [PGStatus] = [.new, .scoping, .ready, .inProgress, .new, .ready]
        var items: [StoreItem] = []
        items.reserveCapacity(count)
        let base = Timestamp(seconds: 1_770_000_000, nanoseconds: 0)
        for index in 0..<count {
            let isBlocked = index < blocked
            let id = isBlocked ? blockedID(index) : "WRK-" + hex(index)
            let created = Timestamp(seconds: base.seconds + Int64(index), nanoseconds: Int32((index * 7919) % 1_000_000_000))
            var item = StoreItem(id: id, title: "Improve the \(sentence(index, words: 6)) handling", now: created)
            let status = statuses[index % statuses.count]
            item.setPGStatus(status, now: created)
            item.setStructuredDescription(StructuredDescription(
                context: "Context: " + sentence(index, words: 18),
                problem: "Problem: " + sentence(index + 1, words: 14),
                solution: "Solution: " + sentence(index + 2, words: 14),
                impact: "Impact: " + sentence(index + 3, words: 12),
                sizingRationale: "Sizing: " + sentence(index + 4, words: 10)), now: created)
            item.updateAssessments(Assessments(size: .medium, complexity: .low, risk: .low, impact: index % 3 == 0 ? .high : .medium), now: created)
            item.setPipelineType("feature", now: created)
            item.setOrigin("WRK-" + hex(index / 2) + "/spec", now: created)
            if status == .scoping || status == .inProgress {
                item.setPhase(status == .scoping ? "research" : "build", now: created)
                item.setPhasePool(status == .scoping ? .pre : .main, now: created)
                item.setLastPhaseCommit("0123456789abcdef0123456789abcdef01234567", now: created)
            }
            if isBlocked { _ = item.block(reason: "Needs a decision on the \(sentence(index, words: 3))", now: created) }
            items.append(item)
        }
        let bytes = StoreFileFormat.serialize(items, dialect: .v01)
        try FileIO.writeAtomically(FileIO.join(root, ".task-golem/tasks.jsonl"), chunks: [bytes])
        try FileIO.writeAtomically(FileIO.join(root, ".task-golem/archive.jsonl"), chunks: [StoreFileFormat.header + [0x0A]])
        try FileIO.writeAtomically(FileIO.join(root, ".task-golem/tasks.lock"), chunks: [])
        return bytes.count
    }
}
