import ArgumentParser
import PhaseGolemCore
import PhaseGolemTUI
#if canImport(Glibc)
import Glibc
#endif

/// `phase-golem watch [RUN-ID]`: the run screen of a run started elsewhere (plain, nohup,
/// detached or another terminal's TUI), from its journal (docs/journal.md).
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Open the run screen of a run going on elsewhere (or a past run's final state).",
        discussion: """
            Without RUN-ID, watches the run holding the project's runtime lock. Any number of \
            watchers may watch at once; they only read the run's journal and logs. q leaves and \
            never affects the run; s asks, then stops the run gracefully (SIGTERM to its process). \
            On a finished run, opens its summary; l browses its log.

            Examples:
              phase-golem watch
              phase-golem watch 20261206T160000Z-4242
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("A run id from `phase-golem runs` (default: the run going on now).", valueName: "run-id"))
    var runID: String?

    func run() throws {
        let root = global.root
        let level = try global.level()
        guard isatty(0) == 1, isatty(1) == 1 else {
            throw CLIError("watch needs a terminal (standard input and output). For a plain view use `phase-golem runs show RUN-ID`.")
        }
        let id = try runID ?? Self.activeRun(root: root)
        guard !id.contains("/"), FileIO.isDirectory(RunHistory.runDirectory(root: root, runID: id)) else {
            throw CLIError("No run \(id) in \(RunHistory.directory(root: root)). `phase-golem runs` lists the runs kept there.")
        }
        _ = try Self.watch(root: root, runID: id, level: level)
    }

    /// The watcher on run `runID` until the operator leaves; `s` sends SIGTERM to the run's
    /// PID (its journal header names it). Says so when the run ended with an error.
    static func watch(root: String, runID: String, level: LogLevel) throws -> WatchApp.Outcome {
        let header = try Self.header(root: root, runID: runID)
        let useColor = (ProcessEnvironment.all["NO_COLOR"] ?? "").isEmpty
        let pid = header.pid
        let outcome = try WatchApp(root: root, runID: runID, header: header, useColor: useColor, logLevel: level).run {
            if RunHistory.isAlive(pid) { kill(pid, SIGTERM) }
        }
        if let failure = outcome.runFailure {
            Output.stderr("The watched run \(runID) ended with an error: \(failure)")
        }
        return outcome
    }

    /// The run holding the runtime lock; waits a few seconds for a run still starting up.
    static func activeRun(root: String) throws -> String {
        for _ in 0..<50 {
            if let id = RunHistory.activeRunID(root: root) { return id }
            guard RunHistory.isAlive(Self.lockHolder(root: root) ?? 0) else { break }
            MonotonicClock.sleep(.milliseconds(100))
        }
        throw CLIError("No run is going on in \(root) (no process holds the runtime lock, or it has not started a run yet). "
            + "`phase-golem runs` lists past runs; `phase-golem watch RUN-ID` opens one.")
    }

    static func lockHolder(root: String) -> Int32? {
        (try? FileIO.readText(RuntimeLock.pidPath(root: root))).flatMap { $0 }.flatMap { Int32($0.trimmed()) }
    }

    static func header(root: String, runID: String) throws -> JournalHeader {
        let reader = JournalReader(path: RunHistory.journalPath(root: root, runID: runID))
        if case .header(let header)? = reader.poll().first?.record { return header }
        throw CLIError("The journal of run \(runID) has no readable header (\(reader.path)); it cannot be watched.")
    }
}
