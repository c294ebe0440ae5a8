import Foundation
import Testing
import PhaseGolemCore

/// The real binary on a real full disk: a 256 KiB tmpfs mounted over the project's
/// `.task-golem` in a private mount namespace, the store copied in and the rest of the space
/// taken by a filler file, so the next store rewrite is cut short with ENOSPC part-way.
/// Every command must fail with exit 1 and a message naming the file, the cause and the fix,
/// and leave the store byte for byte as it was. (The unit-level sweep over every byte budget
/// is `DiskFaultTests`, through the `WriteFaults` seam.)
@Suite("disk full: real tmpfs", .serialized, .enabled(if: MountNamespace.isAvailable, "needs unshare and mount (root)"), .processSlot)
struct DiskFullTests {
    /// What the command printed and left in `.task-golem`.
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        var before: [String: Data]
        var after: [String: Data]
    }

    /// Fills the tmpfs, then frees this much: less than a store rewrite needs.
    static let freeBytes = 8192

    /// Forty items, so `tasks.jsonl` is well over `freeBytes`: WRK-00001 and WRK-00002 in
    /// review, WRK-00003 blocked, the rest blocked too (not actionable).
    static func project() throws -> String {
        var items = [
            RunHarness.item("WRK-00001", "First in review", status: .inProgress, phase: "review", pool: .main, created: 1),
            RunHarness.item("WRK-00002", "Second in review", status: .inProgress, phase: "review", pool: .main, created: 2),
        ]
        for number in 3...40 {
            items.append(RunHarness.item(String(format: "WRK-%05d", number), "Waiting item number \(number) with a longer title",
                                         status: .blocked, created: number, blockedReason: "Waiting for a decision on item \(number)"))
        }
        let root = try RunHarness.project(items: items)
        // The filler lives inside .task-golem; a run would otherwise refuse the dirty tree.
        try CLIHarness.write(".task-golem/.filler\n", to: root + "/.git/info/exclude")
        return root
    }

    static func storeFiles(_ directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            files[name] = try CLIHarness.read(directory + "/" + name)
        }
        return files
    }

    /// Runs `phase-golem ARGUMENTS` in `root` with `.task-golem` on a nearly full tmpfs.
    static func onFullDisk(_ root: String, _ arguments: [String], script: [String] = []) throws -> Outcome {
        let out = try CLIHarness.makeTemporaryDirectory("pg-diskfull-out")
        defer { CLIHarness.remove(out) }
        let agent = RunHarness.agentEnvironment(root)
        try CLIHarness.write(script.joined(separator: "\n") + "\n", to: agent["FAKE_AGENT_SCRIPT"] ?? "")
        let before = try storeFiles(root + "/.task-golem")
        let shell = """
            root=$1 bin=$2 out=$3 free=$4; shift 4
            store="$root/.task-golem"
            mkdir -p "$out/staged" "$out/after"
            cp -a "$store/." "$out/staged/"
            mount -t tmpfs -o size=256k tmpfs "$store"
            cp -a "$out/staged/." "$store/"
            dd if=/dev/zero of="$store/.filler" bs=4096 2>/dev/null || true
            truncate -s "-$free" "$store/.filler"
            cd "$root"
            status=0
            "$bin" "$@" > "$out/stdout" 2> "$out/stderr" || status=$?
            echo "$status" > "$out/status"
            rm -f "$store/.filler"
            cp -a "$store/." "$out/after/"
            """
        let namespace = try MountNamespace.run(shell, arguments: [root, CLIHarness.binary, out, String(freeBytes)] + arguments,
                                               environment: agent.merging(["FAKE_AGENT_ARTIFACT": "1"]) { _, new in new })
        guard namespace.status == 0 else {
            throw CLIHarness.HarnessError("the mount namespace script failed (\(namespace.status)): \(namespace.stderr)")
        }
        let statusText = String(decoding: try CLIHarness.read(out + "/status"), as: UTF8.self)
        return Outcome(status: Int32(statusText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1,
                       stdout: String(decoding: try CLIHarness.read(out + "/stdout"), as: UTF8.self),
                       stderr: String(decoding: try CLIHarness.read(out + "/stderr"), as: UTF8.self),
                       before: before, after: try storeFiles(out + "/after"))
    }

    static let cause = ".task-golem/tasks.jsonl: No space left on device (the previous tasks.jsonl is unchanged"
    static let fix = "Free some space on that file system, then run again"

    static func expectIntact(_ outcome: Outcome, _ label: String) {
        #expect(outcome.status == 1, "\(label): \(outcome.stderr)")
        #expect(outcome.after == outcome.before, "\(label): the store changed on the full disk")
        #expect(!outcome.after.keys.contains { $0.hasPrefix(".tmp") }, "\(label): a temporary file was left")
        guard outcome.status == 1, outcome.after == outcome.before else { return }
        let bytes = outcome.before.values.reduce(0) { $0 + $1.count }
        print("disk-full: \(label) refused on a full tmpfs (exit \(outcome.status)), store intact (\(outcome.after.count) files, \(bytes) bytes identical)")
    }

    @Test("add on a full disk: exit 1, the cause and the fix, store unchanged")
    func add() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        let outcome = try Self.onFullDisk(root, ["add", "One item too many", "--impact", "high"])
        #expect(outcome.stderr.contains("Error: Failed to write ./" + Self.cause + "). " + Self.fix), "\(outcome.stderr)")
        Self.expectIntact(outcome, "add")
        #expect(try RunHarness.subjects(root).last == "workflows")
    }

    @Test("unblock on a full disk: exit 1, the cause and the fix, store unchanged")
    func unblock() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        let outcome = try Self.onFullDisk(root, ["unblock", "WRK-00003", "--notes", "Go ahead"])
        #expect(outcome.stderr.contains("Error: Failed to write ./" + Self.cause + "). " + Self.fix), "\(outcome.stderr)")
        Self.expectIntact(outcome, "unblock")
    }

    /// The phase completes, so the item is archived and removed from active: the archive
    /// append fits in the free space, the rewrite does not, and the append is undone.
    @Test("run whose completion cannot be saved stops with the reason; archive append undone")
    func runCompletionUnsaved() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        let outcome = try Self.onFullDisk(root, ["run", "--target", "WRK-00001"])
        #expect(outcome.stderr.contains("Error: Stopped the run: the outcome of WRK-00001's review phase could not be saved. Failed to write ./"
            + Self.cause + ", and so is archive.jsonl). " + Self.fix + ". The next run starts review again from the saved state."),
                "\(outcome.stderr)")
        #expect(RunHarness.agentLog(root) == ["WRK-00001 review 1"])
        Self.expectIntact(outcome, "run (phase complete)")
    }

    /// A failed phase blocks its item; when that cannot be saved the run must not go on to
    /// WRK-00002 (nor run WRK-00001 again) as if the block had been recorded.
    @Test("run whose block cannot be saved stops instead of going on to the next item")
    func runBlockUnsaved() throws {
        let root = try Self.project()
        defer { CLIHarness.remove(root) }
        let outcome = try Self.onFullDisk(root, ["run", "--cap", "5"], script: ["* review fail Tests are red"])
        #expect(outcome.stderr.contains("Error: Stopped the run: the outcome of WRK-00001's review phase could not be saved."), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("Warning: failed to block"))
        #expect(RunHarness.agentLog(root) == ["WRK-00001 review 1"])
        Self.expectIntact(outcome, "run (phase failed)")
        // The agent's work is committed, so the next run (which runs the phase again) is not
        // refused for a dirty tree; the commit does not claim a halt; the worklog does not
        // claim a block the store does not have.
        #expect(try RunHarness.subjects(root).last == "[phase-golem] Save task state after an error")
        #expect(try CLIHarness.git(["show", "--name-only", "--format=", "HEAD"], in: root).contains("/review.md"))
        #expect(!FileManager.default.fileExists(atPath: root + "/_worklog"))
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
    }
}
