import Foundation
import Testing
import PhaseGolemCore

/// A run in progress while other processes write the same store through its lock, hundreds of
/// times: our CLI (`add`, `unblock`) and a raw writer that follows docs/store-format.md#concurrent-writers without any of
/// our store code. Nothing any of them writes may be lost, and git ends up holding all of it.
@Suite("concurrent writers during a run", .serialized, .processSlot)
struct ConcurrentWritersTests {
    /// How much each writer does. `PHASE_GOLEM_LONG_TESTS=1` asks for the long version.
    struct Plan: Sendable {
        var targets: Int
        var cliAdds: Int
        /// One `unblock` per blocked non-target item.
        var unblocks: Int
        var rawAdds: Int
        var rawEdits: Int
        /// Ready non-target items whose titles the raw writer edits (with the blocked ones).
        var editSeeds: Int

        static let normal = Plan(targets: 4, cliAdds: 300, unblocks: 100, rawAdds: 150, rawEdits: 300, editSeeds: 20)
        static let long = Plan(targets: 8, cliAdds: 1000, unblocks: 300, rawAdds: 500, rawEdits: 1000, editSeeds: 50)

        static var current: Plan {
            ProcessInfo.processInfo.environment["PHASE_GOLEM_LONG_TESTS"] == "1" ? .long : .normal
        }
    }

    /// What the writers did, as each recorded it right after its change was in the store.
    struct Journal: Sendable {
        var cliAdded: [String: String] = [:]
        var unblocked: [String] = []
        var rawAdded: [String: String] = [:]
        /// The last title the raw writer gave each item it edited.
        var rawTitles: [String: String] = [:]
        var rawEdits = 0
        /// Writes that gave up on a busy lock after 5 s (writing nothing, saying so) and were
        /// tried again, as an operator or a script would.
        var lockRetries = 0
        var failures: [String] = []
        /// Operations that started and finished while the run process was alive.
        var duringRun = 0
        var operations = 0
        var cliAddsDone = 0
        var unblocksDone = 0
        var rawDone = 0
        /// Set when the test gave up on the run or a writer: the writers stop at their next step.
        var abandoned = false
    }

    /// Gives up: the writers stop at their next step (the gate opens so none waits on it), and
    /// every process working in `root` (the run, its agent, a writer's CLI) is SIGKILLed.
    static func abandon(root: String, journal: Locked<Journal>, gate: Locked<Bool>) {
        journal.withLock { $0.abandoned = true }
        gate.withLock { $0 = true }
        ProcTable.kill(ProcTable.liveProcesses(workingIn: root))
    }

    /// Waits for the threads (their semaphores) up to `seconds` each; returns the unfinished ones.
    static func unfinished(_ threads: [DispatchSemaphore], seconds: Int) -> [DispatchSemaphore] {
        threads.filter { $0.wait(timeout: .now() + .seconds(seconds)) == .timedOut }
    }

    @Test("CLI adds and unblocks and a raw docs/store-format.md#concurrent-writers writer, hundreds of times during a run: nothing lost, all committed")
    func writersDuringRun() throws {
        let plan = Plan.current
        let targets = (1...plan.targets).map { String(format: "WRK-a%04x", $0) }
        let editable = (1...plan.editSeeds).map { String(format: "WRK-e%04x", $0) }
        let blocked = (1...plan.unblocks).map { String(format: "WRK-b%04x", $0) }
        var seeds = targets.enumerated().map { offset, id in
            RunHarness.item(id, "Target \(offset)", status: .inProgress, phase: "prd", pool: .main, created: offset)
        }
        seeds += editable.map { RunHarness.item($0, "Seed \($0)", status: .ready) }
        seeds += blocked.map { RunHarness.item($0, "Blocked \($0)", status: .blocked) }
        // The gated phase may wait minutes on a loaded machine: the phase timeout must outlast it.
        let root = try RunHarness.project(items: seeds, config: RunHarness.config(timeoutMinutes: 5))
        // Kept when the test could not stop everything working in it.
        var keepRoot = false
        defer { if !keepRoot { CLIHarness.remove(root) } }

        // Every phase takes a moment, and the last one holds the run open on a gate until the
        // writers are nearly done, so their work overlaps the run's own store writes and commits.
        let gate = root + "/.git/writers-gate"
        let script = ["\(targets[targets.count - 1]) review waitfile \(gate) 240", "* * sleep 0.2"]
        let running = Locked(true)
        let runOutcome = Locked<Result<CLIHarness.Result, HarnessFailure>?>(nil)
        let runEnded = Self.thread {
            let outcome: Result<CLIHarness.Result, HarnessFailure>
            do {
                outcome = .success(try RunHarness.run(targets.flatMap { ["--target", $0] }, in: root, script: script))
            } catch {
                outcome = .failure(HarnessFailure("\(error)"))
            }
            running.withLock { $0 = false }
            runOutcome.withLock { $0 = outcome }
        }
        let journal = Locked(Journal())
        let gateOpen = Locked(false)
        do {
            try RunHarness.waitForAgentStart(root, alive: { running.value })
        } catch {
            Self.abandon(root: root, journal: journal, gate: gateOpen)
            keepRoot = !Self.unfinished([runEnded], seconds: 60).isEmpty
            Issue.record("\(error): \(String(describing: runOutcome.value))")
            return
        }

        // Each writer stops at 90% until every one has got there, then the gate opens: the last
        // tenth of each kind races the run's last phase, its final commit and its exit.
        let writers = [
            Self.thread { Self.cliAdds(plan, root: root, journal: journal, running: running, gate: gateOpen) },
            Self.thread { Self.cliUnblocks(blocked, root: root, journal: journal, running: running, gate: gateOpen) },
            Self.thread {
                Self.rawWrites(plan, editable: editable + blocked, root: root, journal: journal, running: running, gate: gateOpen)
            },
        ]
        let deadline = Date().addingTimeInterval(240)
        while Date() < deadline {
            let state = journal.value
            if state.cliAddsDone >= Self.holdPoint(plan.cliAdds), state.unblocksDone >= Self.holdPoint(plan.unblocks),
               state.rawDone >= Self.holdPoint(plan.rawAdds + plan.rawEdits) {
                break
            }
            usleep(10_000)
        }
        try CLIHarness.write("open\n", to: gate)
        gateOpen.withLock { $0 = true }
        let stuck = Self.unfinished(writers, seconds: 300) + Self.unfinished([runEnded], seconds: 300)
        guard stuck.isEmpty else {
            Self.abandon(root: root, journal: journal, gate: gateOpen)
            keepRoot = !Self.unfinished(stuck, seconds: 60).isEmpty
            let kept = keepRoot ? ", but one is still going: \(root) left in place" : ""
            Issue.record("\(stuck.count) of the writers and the run did not finish within 300 s; stopped them\(kept)")
            return
        }

        let run = try #require(try runOutcome.value?.get())
        #expect(run.status == 0, "\(run.stderr.suffix(3000))")
        let state = journal.value
        #expect(state.failures.isEmpty, "\(state.failures.count) writer failures: \(state.failures.prefix(5))")

        // Every phase of every target ran and each target was archived once: the writers did
        // not clobber the run's own changes either.
        #expect(RunHarness.agentLog(root).count == plan.targets * 3)
        let archived = try RunHarness.archived(root)
        for target in targets {
            #expect(archived.filter { $0 == target }.count == 1, "\(target) archived \(archived.filter { $0 == target }.count) times")
        }

        var problems = try Self.lostUpdates(root: root, journal: state, targets: targets)
        let expectedCount = plan.editSeeds + plan.unblocks + state.cliAdded.count + state.rawAdded.count
        let activeCount = try TaskStore(root: root).loadActive().items.count
        if activeCount != expectedCount { problems.append("\(activeCount) active items, expected \(expectedCount)") }

        // Git. Store changes made after the run's last commit are not in git yet: the raw writer
        // never commits, and `add`/`unblock` leave their change to the run while it holds the
        // runtime lock (docs/decisions.md D4), even when that run is already past its last commit. So the only
        // dirty path allowed is tasks.jsonl; the next command that commits (here one more
        // `add`, which finds no run) picks it all up, leaving a clean tree.
        let dirty = try CLIHarness.git(["status", "--porcelain"], in: root).split(separator: "\n").map(String.init)
        #expect(dirty.allSatisfy { $0 == " M .task-golem/tasks.jsonl" }, "dirty after the run: \(dirty)")
        let committedPaths = try CLIHarness.git(["log", "--name-only", "--format="], in: root)
            .split(separator: "\n").map(String.init)
        let committedTemps = Set(committedPaths.filter { $0.contains("/.tmp") })
        #expect(committedTemps.isEmpty, "a writer's temp file was committed: \(committedTemps.sorted().prefix(5))")
        let strays = try FileManager.default.contentsOfDirectory(atPath: root + "/.task-golem").filter { $0.hasPrefix(".tmp") }
        #expect(strays.isEmpty, "temp files left behind: \(strays)")
        let final = try CLIHarness.run(["add", "After the writers"], in: root)
        #expect(final.status == 0, "\(final.stderr)")
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
        let head = try CLIHarness.git(["show", "HEAD:.task-golem/tasks.jsonl"], in: root)
        let file = String(decoding: try CLIHarness.read(root + "/.task-golem/tasks.jsonl"), as: UTF8.self)
        if head != file { problems.append("HEAD's tasks.jsonl differs from the file after the final add") }
        problems += try Self.lostUpdates(root: root, journal: state, targets: targets)

        #expect(problems.isEmpty, "\(problems.count) problems: \(problems.prefix(10))")
        let commits = try CLIHarness.git(["rev-list", "--count", "HEAD"], in: root).trimmingCharacters(in: .whitespacesAndNewlines)
        print("concurrent-writers: \(state.cliAdded.count) CLI adds, \(state.unblocked.count) CLI unblocks, "
              + "\(state.rawAdded.count) raw adds, \(state.rawEdits) raw edits (\(state.duringRun) of \(state.operations) "
              + "during the run) beside a \(plan.targets)-target run (\(RunHarness.agentLog(root).count) phases, "
              + "\(commits) commits in all; \(state.lockRetries) lock timeouts retried); \(problems.count) lost")
    }

    @Test("a store writer busy all through a run: its temp files are never staged, the run never trips on one")
    func tempFilesNotStaged() throws {
        let targets = (1...6).map { String(format: "WRK-a%04x", $0) }
        let root = try RunHarness.project(items: targets.enumerated().map { offset, id in
            RunHarness.item(id, "Target \(offset)", status: .inProgress, phase: "prd", pool: .main, created: offset)
        } + [RunHarness.item("WRK-e0001", "Seed", status: .ready)])
        // Kept when the test could not stop everything working in it.
        var keepRoot = false
        defer { if !keepRoot { CLIHarness.remove(root) } }
        // Rewrites 5 ms apart keep a `.tmpXXXXXX` in `.task-golem/` much of the time (the fsync
        // dominates) while leaving the lock free often enough for the run, so the run's
        // `git add -A` calls meet such files, sometimes just as they vanish. The writer starts
        // once the run is past its startup checks (a stray temp file there is another matter).
        let running = Locked(true)
        let rewrites = Locked(0)
        let failures = Locked<[String]>([])
        let runOutcome = Locked<CLIHarness.Result?>(nil)
        let runEnded = Self.thread {
            let result = try? RunHarness.run(targets.flatMap { ["--target", $0] }, in: root, script: ["* * sleep 0.1"])
            running.withLock { $0 = false }
            runOutcome.withLock { $0 = result }
        }
        do {
            try RunHarness.waitForAgentStart(root, alive: { running.value })
        } catch {
            ProcTable.kill(ProcTable.liveProcesses(workingIn: root))
            keepRoot = !Self.unfinished([runEnded], seconds: 60).isEmpty
            Issue.record("\(error): \(String(describing: runOutcome.value))")
            return
        }
        let writer = RawStoreWriter(root: root)
        // A run that never ends stops the writer too (then the wait below fails the test).
        let writerDeadline = Date().addingTimeInterval(600)
        while running.value, Date() < writerDeadline {
            do {
                let count = rewrites.value
                try writer.transaction { lines in try RawStoreWriter.setTitle("churn-\(count)", of: "WRK-e0001", in: &lines) }
                rewrites.withLock { $0 += 1 }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
            usleep(5_000)
        }
        if !Self.unfinished([runEnded], seconds: 120).isEmpty {
            ProcTable.kill(ProcTable.liveProcesses(workingIn: root))
            keepRoot = !Self.unfinished([runEnded], seconds: 60).isEmpty
            let kept = keepRoot ? ", but it is still going: \(root) left in place" : ""
            Issue.record("the run did not finish within 120 s of the writer's end; stopped it\(kept)")
            return
        }
        let run = try #require(runOutcome.value)
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        #expect(failures.value.isEmpty, "\(failures.value.prefix(3))")
        #expect(try RunHarness.archived(root).sorted() == targets)
        let committed = try CLIHarness.git(["log", "--name-only", "--format="], in: root).split(separator: "\n")
        #expect(!committed.contains { $0.contains("/.tmp") }, "temp files committed: \(committed.filter { $0.contains("/.tmp") })")
        let dirty = try CLIHarness.git(["status", "--porcelain"], in: root).split(separator: "\n").map(String.init)
        #expect(dirty.allSatisfy { $0 == " M .task-golem/tasks.jsonl" }, "dirty after the run: \(dirty)")
        #expect(try TaskStore(root: root).loadActive().items.first?.title == "churn-\(rewrites.value - 1)")
        print("temp-files-not-staged: \(rewrites.value) raw rewrites during a \(targets.count)-target run, \(RunHarness.agentLog(root).count) phases")
    }

    // MARK: Writers

    /// `phase-golem add`, one process after another.
    static func cliAdds(_ plan: Plan, root: String, journal: Locked<Journal>, running: Locked<Bool>, gate: Locked<Bool>) {
        for index in 0..<plan.cliAdds {
            if index == holdPoint(plan.cliAdds) { wait(for: gate) }
            if journal.value.abandoned { return }
            let title = String(format: "cli-add-%05d", index)
            let before = running.value
            let (outcome, retries) = Self.runRetryingLockTimeouts(["add", title], in: root)
            let during = before && running.value
            journal.withLock { state in
                state.cliAddsDone += 1
                state.lockRetries += retries
                state.count(during: during)
                switch outcome {
                case .success(let output) where output.succeeded:
                    // "Added WRK-1a2b3: title"
                    let line = output.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
                    let id = line.dropFirst("Added ".count).prefix { $0 != ":" }
                    if line == "Added \(id): \(title)" {
                        state.cliAdded[String(id)] = title
                    } else {
                        state.failures.append("add \(title) printed: \(line)")
                    }
                case .success(let output):
                    state.failures.append("add \(title) exited \(output.status): \(output.stderrText)")
                case .failure(let error):
                    state.failures.append("add \(title): \(error)")
                }
            }
        }
    }

    /// `phase-golem unblock` on each blocked item that is not a target.
    static func cliUnblocks(_ ids: [String], root: String, journal: Locked<Journal>, running: Locked<Bool>, gate: Locked<Bool>) {
        for (index, id) in ids.enumerated() {
            if index == holdPoint(ids.count) { wait(for: gate) }
            if journal.value.abandoned { return }
            let before = running.value
            let (outcome, retries) = Self.runRetryingLockTimeouts(["unblock", id, "--notes", "from the test"], in: root)
            let during = before && running.value
            journal.withLock { state in
                state.unblocksDone += 1
                state.lockRetries += retries
                state.count(during: during)
                switch outcome {
                case .success(let output) where output.succeeded:
                    state.unblocked.append(id)
                case .success(let output):
                    state.failures.append("unblock \(id) exited \(output.status): \(output.stderrText)")
                case .failure(let error):
                    state.failures.append("unblock \(id): \(error)")
                }
            }
            // Spread the unblocks over the run instead of bunching them at its start.
            usleep(30_000)
        }
    }

    /// Runs our CLI; a 5 s lock timeout (nothing written, exit 1, a message saying so) is tried
    /// again, up to 3 attempts. Sustained contention can cause one: polling with sleeps of up
    /// to 500 ms can keep missing a lock that other writers take back to back.
    static func runRetryingLockTimeouts(_ arguments: [String], in root: String)
        -> (Result<ProcessRunner.Output, any Error>, retries: Int) {
        var retries = 0
        while true {
            let outcome = Result { try ProcessRunner.run(CLIHarness.binary, arguments, in: root) }
            guard case .success(let output) = outcome, !output.succeeded,
                  output.stderrText.contains("Lock timeout after 5s"), retries < 2 else {
                return (outcome, retries)
            }
            retries += 1
        }
    }

    /// The raw writer: new items (sorted in by id) and title edits, evenly interleaved.
    static func rawWrites(_ plan: Plan, editable: [String], root: String, journal: Locked<Journal>, running: Locked<Bool>,
                          gate: Locked<Bool>) {
        let writer = RawStoreWriter(root: root)
        let operations = plan.rawAdds + plan.rawEdits
        var adds = 0
        var edits = 0
        for step in 0..<operations {
            if step == holdPoint(operations) { wait(for: gate) }
            if journal.value.abandoned { return }
            let isAdd = step * plan.rawAdds / operations != (step + 1) * plan.rawAdds / operations
            let id = isAdd ? String(format: "RAW-%05x", adds + 1) : editable[edits % editable.count]
            let title = isAdd ? "raw-add-\(adds)" : "raw-edit-\(edits)-\(id)"
            let before = running.value
            var outcome: Result<Void, any Error> = .success(())
            var retries = 0
            // A lock timeout writes nothing and says so (task-golem exits 2); like phase-golem's
            // own store operations, try up to 3 times. Back-to-back `add`s committing under
            // the lock after the run can keep a poller with 500 ms sleeps out for 5 s.
            for attempt in 1...3 {
                outcome = Result {
                    try writer.transaction { lines in
                        if isAdd {
                            try RawStoreWriter.insertSorted(RawStoreWriter.newItemLine(id: id, title: title), into: &lines)
                        } else {
                            try RawStoreWriter.setTitle(title, of: id, in: &lines)
                        }
                    }
                }
                guard case .failure(let error as RawStoreWriter.Failure) = outcome, error.isLockTimeout, attempt < 3 else { break }
                retries += 1
            }
            let during = before && running.value
            journal.withLock { state in
                state.rawDone += 1
                state.lockRetries += retries
                state.count(during: during)
                switch outcome {
                case .success where isAdd:
                    state.rawAdded[id] = title
                case .success:
                    state.rawTitles[id] = title
                    state.rawEdits += 1
                case .failure(let error):
                    state.failures.append("raw \(isAdd ? "add" : "edit") \(id): \(error)")
                }
            }
            if isAdd { adds += 1 } else { edits += 1 }
            usleep(12_000)
        }
    }

    // MARK: Checks

    /// Every way the final store can disagree with what the writers and the run did.
    static func lostUpdates(root: String, journal: Journal, targets: [String]) throws -> [String] {
        var problems: [String] = []
        // Independently of our parser: the header, whole lines, ids strictly increasing (so sorted and unique).
        let text = String(decoding: try CLIHarness.read(root + "/.task-golem/tasks.jsonl"), as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.first != RawStoreWriter.header || lines.last != "" {
            problems.append("tasks.jsonl lacks its header or its final newline")
        } else {
            lines.removeFirst()
            lines.removeLast()
        }
        let ids = lines.map { RawStoreWriter.id(of: $0).map(String.init) ?? "?" }
        for (previous, next) in zip(ids, ids.dropFirst()) where !previous.utf8.lexicographicallyPrecedes(next.utf8) {
            problems.append("ids out of order or repeated: \(previous) then \(next)")
        }
        // Strictly, with our parser: a file task-golem and phase-golem both accept.
        let items = Dictionary(try TaskStore(root: root).loadActive().items.map { ($0.id, $0) }) { first, _ in first }
        for target in targets where items[target] != nil {
            problems.append("target \(target) is still active")
        }
        for (id, title) in journal.cliAdded.sorted(by: { $0.key < $1.key }) where items[id]?.title != title {
            problems.append("CLI add \(id) '\(title)' lost (found: \(items[id]?.title ?? "nothing"))")
        }
        for (id, title) in journal.rawAdded.sorted(by: { $0.key < $1.key }) where items[id]?.title != title {
            problems.append("raw add \(id) '\(title)' lost (found: \(items[id]?.title ?? "nothing"))")
        }
        for (id, title) in journal.rawTitles.sorted(by: { $0.key < $1.key }) where items[id]?.title != title {
            problems.append("raw edit of \(id) to '\(title)' lost (found: \(items[id]?.title ?? "nothing"))")
        }
        // No target is blocked, so the run has no reason to touch these items.
        for id in journal.unblocked where items[id]?.pgStatus != .ready {
            problems.append("unblock of \(id) lost (status: \(items[id].map { $0.pgStatus.debugName } ?? "missing"))")
        }
        return problems
    }

    // MARK: Plumbing

    /// Where a writer of `total` operations waits for the gate.
    static func holdPoint(_ total: Int) -> Int {
        total * 9 / 10
    }

    static func wait(for gate: Locked<Bool>) {
        let deadline = Date().addingTimeInterval(240)
        while !gate.value, Date() < deadline { usleep(5_000) }
    }

    /// Runs `body` on a thread of its own (writers block on processes and locks, which must not
    /// tie up the few threads of Swift's cooperative pool); the semaphore is signalled at its end.
    static func thread(_ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            body()
            done.signal()
        }
        thread.start()
        return done
    }

    /// A failure of the harness itself, with its description.
    struct HarnessFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

extension ConcurrentWritersTests.Journal {
    mutating func count(during: Bool) {
        operations += 1
        if during { duringRun += 1 }
    }
}
