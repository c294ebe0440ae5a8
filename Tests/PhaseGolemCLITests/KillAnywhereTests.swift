import Foundation
import Testing
import PhaseGolemCore
#if canImport(Glibc)
import Glibc
#endif

/// SIGKILL at random moments of a multi-target run, then the invariants and a second run:
/// SQLite's crash testing applied to a run (inject the fault, reopen, check).
///
/// Half the kills take phase-golem and every process it started (a power cut, an OOM kill of
/// the container); the other half take phase-golem alone, and its agent or git is still
/// running when the second run starts. The count is `PHASE_GOLEM_KILL_MOMENTS` (`.ci/run` sets 60) and the moments
/// come from `PHASE_GOLEM_KILL_SEED` when set, so a failure can be replayed.
@Suite("reliability: kill anywhere", .serialized, .timeLimit(.minutes(15)), .processSlot)
struct KillAnywhereTests {
    static let targets = ["WRK-00001", "WRK-00002", "WRK-00003", "WRK-00004"]
    /// Its build blocks, so auto-advance skips it and commits its state on its own (docs/decisions.md D9).
    static let blocker = "WRK-00003"
    /// Ready but not a target: the run must leave it alone.
    static let bystander = "WRK-00009"
    static let followUpTitle = "Follow-up from the fake agent"
    /// One slower agent, so that some kills of phase-golem alone leave an agent at work that
    /// the second run must stop.
    static let script = ["\(blocker) build block Needs a human decision", "WRK-00002 build sleep 0.15"]
    static let arguments = targets.flatMap { ["--target", $0] } + ["--auto-advance", "--no-tui"]

    static var momentCount: Int {
        Int(ProcessInfo.processInfo.environment["PHASE_GOLEM_KILL_MOMENTS"] ?? "") ?? 6
    }

    @Test("SIGKILL anywhere in a run: the store parses, nothing is lost or doubled, a second run finishes the targets")
    func killAnywhere() throws {
        let template = try Self.makeTemplate()
        defer { CLIHarness.remove(template) }
        // The shorter of two runs, so that few moments fall after the end of a run.
        let first = try Self.referenceRun(template: template)
        let second = try Self.referenceRun(template: template)
        var reference = first
        reference.seconds = min(first.seconds, second.seconds)
        #expect(first.followUps == second.followUps && first.archived == second.archived && first.active == second.active)

        let seed = UInt64(ProcessInfo.processInfo.environment["PHASE_GOLEM_KILL_SEED"] ?? "") ?? UInt64(time(nil))
        var random = SplitMix64(seed: seed)
        var tally = Tally()
        var failures: [String] = []
        var attempts = 0
        // A run that finishes before its moment does not count; the bound keeps a machine that
        // suddenly got faster from looping for long.
        while tally.kills < Self.momentCount && attempts < Self.momentCount * 4 {
            attempts += 1
            let wholeTree = tally.kills % 2 == 0
            // Every fifth moment waits for a store write in progress (its temporary file),
            // which a random instant rarely hits: the write takes a millisecond of the run.
            let trigger: Trigger = tally.kills % 5 == 4
                ? .storeWrite(Int(random.next() % 12) + 1)
                : .delay(Double(random.next() % 1_000_000) / 1_000_000 * reference.seconds)
            let root = try CLIHarness.makeTemporaryDirectory("pg-kill")
            defer { CLIHarness.remove(root) }
            try Self.copy(template, to: root)
            guard let moment = try Self.killRun(in: root, at: trigger, wholeTree: wholeTree) else { continue }
            tally.record(moment, wholeTree: wholeTree)
            let label = "moment \(tally.kills) (seed \(seed), \(trigger), \(moment.activity)\(wholeTree ? ", whole tree" : ""))"
            let problems = try Self.recover(root: root, reference: reference, tally: &tally)
            if problems.isEmpty {
                tally.recovered += 1
            } else {
                failures.append("\(label): " + problems.joined(separator: "; "))
            }
        }
        print("kill-anywhere: \(tally.recovered)/\(tally.kills) recovered \(tally.details) "
            + "[seed \(seed); \(attempts - tally.kills) runs ended before their moment; a run takes \(String(format: "%.2f", reference.seconds)) s]")
        #expect(tally.kills >= Self.momentCount, "only \(tally.kills) of \(attempts) runs were still going at their kill moment")
        #expect(failures.isEmpty, "\(failures.prefix(5).joined(separator: "\n"))")
    }

    // MARK: The runs

    struct Reference {
        var seconds: Double
        var status: Int32
        var archived: Set<String>
        var active: [String: PGStatus]
        var followUps: Int
    }

    static func makeTemplate() throws -> String {
        var items = targets.enumerated().map { index, id in
            RunHarness.item(id, "Target \(index + 1)", status: .inProgress, phase: "prd", pool: .main, created: index)
        }
        items.append(RunHarness.item(bystander, "Bystander", status: .ready, created: 9))
        return try RunHarness.project(items: items)
    }

    static func environment(_ root: String) -> [String: String] {
        RunHarness.agentEnvironment(root).merging(["FAKE_AGENT_ARTIFACT": "1", "FAKE_AGENT_FOLLOWUP": followUpTitle]) { _, new in new }
    }

    /// The same run without a kill: its time bounds the kill moments, its end state is the goal.
    static func referenceRun(template: String) throws -> Reference {
        let root = try CLIHarness.makeTemporaryDirectory("pg-kill-ref")
        defer { CLIHarness.remove(root) }
        try copy(template, to: root)
        let start = Date()
        let result = try RunHarness.run(arguments, in: root, script: script, environment: environment(root))
        let seconds = Date().timeIntervalSince(start)
        #expect(result.status == 0, "\(result.stderr)")
        let active = try RunHarness.active(root)
        return Reference(seconds: seconds, status: result.status, archived: Set(try RunHarness.archived(root)),
                         active: active.filter { $0.value.title != followUpTitle }.mapValues(\.pgStatus),
                         followUps: active.values.filter { $0.title == followUpTitle }.count)
    }

    struct Moment {
        /// What phase-golem's children were doing: `agent`, `git`, or `phase-golem` (none running).
        var activity: String
    }

    /// When to kill: after a delay, or while the store's n-th temporary file exists.
    enum Trigger: CustomStringConvertible {
        case delay(Double)
        case storeWrite(Int)

        var description: String {
            switch self {
            case .delay(let seconds): String(format: "%.3f s", seconds)
            case .storeWrite(let count): "store write \(count)"
            }
        }
    }

    /// Starts the run and kills it at `trigger`; nil when it finished first.
    static func killRun(in root: String, at trigger: Trigger, wholeTree: Bool) throws -> Moment? {
        try CLIHarness.write(script.joined(separator: "\n") + "\n", to: root + "/.git/fake-agent-script")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIHarness.binary)
        process.arguments = ["run"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        process.environment = CLIHarness.environment(environment(root))
        _ = FileManager.default.createFile(atPath: root + "/.git/killed-run.log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: root + "/.git/killed-run.log"))
        defer { try? log.close() }
        process.standardOutput = log
        process.standardError = log
        try process.run()
        switch trigger {
        case .delay(let seconds):
            usleep(UInt32(seconds * 1_000_000))
        case .storeWrite(let count):
            var seen: Set<String> = []
            while process.isRunning && seen.count < count {
                for name in (try? FileIO.entryNames(root + "/.task-golem")) ?? [] where name.hasPrefix(".tmp") { seen.insert(name) }
                if seen.count < count { usleep(20) }
            }
        }
        let pid = process.processIdentifier
        // Stopped, it can start nothing new while its children are listed and killed.
        guard process.isRunning, kill(pid, SIGSTOP) == 0 else {
            process.waitUntilExit()
            return nil
        }
        let children = ProcTable.descendants(of: pid)
        if wholeTree {
            for child in children {
                kill(-child.pid, SIGKILL)
                kill(child.pid, SIGKILL)
            }
        }
        kill(pid, SIGKILL)
        process.waitUntilExit()
        // Alone, its agent or git goes on; the second run starts at once, as a supervisor's
        // restart would, and has to stop or wait for them.
        let activity = children.contains { $0.command == "git" } ? "git" : (children.isEmpty ? "phase-golem" : "agent")
        return Moment(activity: activity)
    }

    /// Checks what the kill left, runs again, and checks the end state; returns the problems.
    static func recover(root: String, reference: Reference, tally: inout Tally) throws -> [String] {
        var problems: [String] = []
        do {
            _ = try TaskStore(root: root).loadActive()
        } catch {
            problems.append("tasks.jsonl does not parse after the kill: \(error)")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/.task-golem")) ?? []
        if names.contains(where: { $0.hasPrefix(".tmp") }) { tally.storeTempFiles += 1 }
        let gitLocks = GitLockFiles(gitDirectory: root + "/.git").present()
        if !gitLocks.isEmpty { tally.gitLocks += 1 }
        if let active = try? TaskStore(root: root).loadActive().items.map(\.id),
           !Set(active).isDisjoint(with: Set((try? RunHarness.archived(root)) ?? [])) {
            tally.inBoth += 1
        }

        let second = try RunHarness.run(arguments, in: root, script: script, environment: environment(root))
        if second.status != reference.status {
            problems.append("second run exited \(second.status): \(second.stderr.split(separator: "\n").suffix(4).joined(separator: " / "))")
        }
        if second.stderr.contains("was interrupted and left uncommitted changes") { tally.interruptedCommits += 1 }
        if second.stderr.contains("[pre] Stopped agent process group") { tally.stoppedAgents += 1 }
        problems += try endStateProblems(root: root, reference: reference)
        return problems
    }

    static func endStateProblems(root: String, reference: Reference) throws -> [String] {
        var problems: [String] = []
        let activeItems: [StoreItem]
        do {
            activeItems = try TaskStore(root: root).loadActive().items
        } catch {
            return ["tasks.jsonl does not parse after the second run: \(error)"]
        }
        let archivedIDs = try RunHarness.archived(root)
        if Set(archivedIDs).count != archivedIDs.count { problems.append("an item is archived twice: \(archivedIDs)") }
        let activeIDs = Set(activeItems.map(\.id))
        let both = activeIDs.intersection(archivedIDs)
        if !both.isEmpty { problems.append("in both active and archive: \(both.sorted())") }
        for id in targets + [bystander] where !activeIDs.contains(id) && !archivedIDs.contains(id) {
            problems.append("\(id) is lost")
        }
        if Set(archivedIDs) != reference.archived { problems.append("archived \(archivedIDs.sorted()), expected \(reference.archived.sorted())") }
        let statuses = Dictionary(uniqueKeysWithValues: activeItems.filter { $0.title != followUpTitle }.map { ($0.id, $0.pgStatus) })
        if statuses != reference.active { problems.append("active states \(statuses), expected \(reference.active)") }
        let followUps = activeItems.filter { $0.title == followUpTitle }.count
        if followUps != reference.followUps { problems.append("\(followUps) follow-ups, expected \(reference.followUps) (lost or doubled)") }
        let dirty = try CLIHarness.git(["status", "--porcelain"], in: root)
        if !dirty.isEmpty { problems.append("tree not clean: \(dirty)") }

        // Every phase the store records as done has its work in git.
        let tracked = try CLIHarness.git(["ls-files", "changes"], in: root).split(separator: "\n")
        var expected = targets.filter { $0 != blocker }.flatMap { id in ["prd", "build", "review"].map { (id, $0) } }
        expected.append((blocker, "prd"))
        for (id, phase) in expected where !tracked.contains(where: { $0.contains(id) && $0.hasSuffix("/\(phase).md") }) {
            problems.append("\(id) \(phase): its work is not committed")
        }
        // At most the phase in flight at the kill ran twice.
        var runs: [String: Int] = [:]
        for line in RunHarness.agentLog(root) { runs[line.split(separator: " ").prefix(2).joined(separator: " "), default: 0] += 1 }
        let repeated = runs.filter { $0.value > 1 }
        if repeated.count > 1 || repeated.values.contains(where: { $0 > 2 }) { problems.append("phases run again: \(repeated)") }
        return problems
    }

    static func copy(_ source: String, to destination: String) throws {
        let output = try ProcessRunner.run("cp", ["-a", source + "/.", destination])
        guard output.succeeded else { throw CLIHarness.HarnessError("cp failed: \(output.stderrText)") }
    }

    // MARK: Bookkeeping

    struct Tally {
        var kills = 0
        var recovered = 0
        var byActivity: [String: Int] = [:]
        var wholeTree = 0
        var storeTempFiles = 0
        var gitLocks = 0
        var inBoth = 0
        var interruptedCommits = 0
        var stoppedAgents = 0

        mutating func record(_ moment: Moment, wholeTree: Bool) {
            kills += 1
            byActivity[moment.activity, default: 0] += 1
            if wholeTree { self.wholeTree += 1 }
        }

        var details: String {
            let during = ["agent", "git", "phase-golem"].map { "\(byActivity[$0] ?? 0) \($0)" }.joined(separator: ", ")
            return "(killed during: \(during) work; \(wholeTree) with every child, \(kills - wholeTree) phase-golem alone; "
                + "left behind: \(gitLocks) git locks, \(storeTempFiles) store temp files, \(inBoth) items in active and archive; "
                + "\(interruptedCommits) interrupted-run commits, \(stoppedAgents) orphaned agents stopped)"
        }
    }
}

/// A small, seedable generator so a failing moment can be replayed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
