#if canImport(Glibc)
import Glibc
#endif

/// The runs `.phase-golem/runs/` remembers: where their journals are, which one is going on,
/// what each did, and pruning (docs/journal.md).
public enum RunHistory {
    public static let journalName = "events.jsonl"
    public static let summaryName = "summary.json"
    /// Overrides `execution.keep_runs`.
    public static let keepRunsVariable = "PHASE_GOLEM_KEEP_RUNS"

    public static func directory(root: String) -> String { FileIO.join(RuntimeLock.directory(root: root), "runs") }
    public static func runDirectory(root: String, runID: String) -> String { FileIO.join(directory(root: root), runID) }
    public static func journalPath(root: String, runID: String) -> String {
        FileIO.join(runDirectory(root: root, runID: runID), journalName)
    }

    /// The run ids on record, newest first (ids start with their UTC start time, so they sort).
    public static func runIDs(root: String) -> [String] {
        let names = (try? FileIO.entryNames(directory(root: root))) ?? []
        return names.filter { !$0.hasPrefix(".") && FileIO.isDirectory(runDirectory(root: root, runID: $0)) }.sorted { $0.utf8Precedes($1) }.reversed()
    }

    /// How many runs to keep: `PHASE_GOLEM_KEEP_RUNS` when set, else `configured`.
    public static func keepRuns(configured: Int, environment: [String: String]) throws(OperationError) -> Int {
        guard let text = environment[keepRunsVariable] else { return configured }
        guard let value = Int(text.trimmed()), value >= 1 else {
            throw OperationError("\(keepRunsVariable) must be a whole number of runs, 1 or more (got \"\(text)\"). Unset it to use execution.keep_runs.")
        }
        return value
    }

    /// Removes the oldest runs (journal folder and attempt logs) so that `keep` remain,
    /// counting `current`, which is never removed.
    public static func prune(root: String, keep: Int, keeping current: String) {
        let older = runIDs(root: root).filter { $0 != current }
        guard older.count > keep - 1 else { return }
        for id in older.dropFirst(max(0, keep - 1)) {
            try? FileIO.removeTree(FileIO.join(FileIO.join(RuntimeLock.directory(root: root), "logs"), id))
            try? FileIO.removeTree(runDirectory(root: root, runID: id))
        }
    }

    /// The run id the process holding the runtime lock writes, if one is going on: the newest
    /// journal whose header names the PID in the lock's PID file.
    public static func activeRunID(root: String) -> String? {
        guard let text = (try? FileIO.readText(RuntimeLock.pidPath(root: root))).flatMap({ $0 }), let pid = Int32(text.trimmed()),
              isAlive(pid) else { return nil }
        return runIDs(root: root).first { $0.hasSuffix("-\(pid)") }
    }

    /// Whether a process with this PID exists (it may belong to someone else: EPERM).
    public static func isAlive(_ pid: Int32) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }
}
