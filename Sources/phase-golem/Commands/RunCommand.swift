import ArgumentParser
import PhaseGolemCore
import PhaseGolemTUI
#if canImport(Glibc)
import Glibc
#endif

/// `phase-golem run`: work through the backlog, or through an ordered list of targets.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Drive the agent through the backlog: triage, phases, commits, until done or halted.",
        discussion: """
            Without --target or --only, works on the whole backlog. With --target (repeatable, in \
            order), works on those items one after another; when one is blocked the run halts, \
            unless --auto-advance is on, in which case it goes on to the next target.

            Exit code: 0 when something completed or nothing was blocked; 1 when nothing completed \
            and something was blocked, or on an error; 2 for usage errors.

            Examples:
              phase-golem run
              phase-golem run --target WRK-a1b2c --target WRK-d3e4f --auto-advance
              phase-golem run --only impact=high --only size=small,medium --cap 20
              phase-golem run --target WRK-a1b2c --summary-json summary.json
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("target"), help: ArgumentHelp(
        "An item to work on; repeat for several, in run order (e.g. --target WRK-a1b2c).", valueName: "id"))
    var targets: [String] = []

    @Option(name: .customLong("only"), help: ArgumentHelp(
        "Only items matching FIELD=VALUE[,VALUE…] (status, impact, size, risk, complexity, tag, pipeline_type); repeat to combine with AND.",
        valueName: "filter"))
    var only: [String] = []

    @Option(help: ArgumentHelp("Most phases to run (default: execution.default_phase_cap, 100).", valueName: "n"))
    var cap: Int?

    @Option(name: .customLong("max-cost"), help: ArgumentHelp(
        "Stop the run once its agents have spent this many US dollars (default: execution.max_cost_usd, none).",
        valueName: "usd"))
    var maxCost: Double?

    @Flag(name: .customLong("auto-advance"), help: "When a target is blocked, go on to the next target instead of halting.")
    var autoAdvance = false

    @Flag(name: .customLong("no-auto-advance"), help: "Halt when a target is blocked, whatever execution.auto_advance says.")
    var noAutoAdvance = false

    @Option(name: .customLong("summary-json"), help: ArgumentHelp(
        "Also write the run summary (completed, blocked with reasons, skipped, halt reason, exit code) as JSON to this file.",
        valueName: "path"))
    var summaryJSON: String?

    @Flag(name: .customLong("tui"), help: "Use the full-screen UI (fails without a terminal). The default on a terminal.")
    var tui = false

    @Flag(name: .customLong("no-tui"), help: "Print the plain log even on a terminal (also PHASE_GOLEM_TUI=0).")
    var noTUI = false

    @Flag(name: .customLong("yes"), help: "Skip the TUI launch screen and start at once.")
    var yes = false

    @Flag(name: .customLong("detach"), help: "Start the run in the background (plain mode, as under nohup), print how to watch it, and return.")
    var detach = false

    /// `run` with both `--target` and `--only`: the original's argument parser's exact words
    /// (naming whichever came first), which scripts may match; nil when there is no conflict.
    /// Checked before parsing because ArgumentParser's own usage text would differ.
    static func targetOnlyConflict(_ arguments: [String]) -> String? {
        guard arguments.first == "run" else { return nil }
        var first: String?
        var sawTarget = false
        var sawOnly = false
        for argument in arguments.dropFirst() {
            if argument == "--" { break }
            if argument == "--target" || argument.hasPrefix("--target=") {
                sawTarget = true
                first = first ?? "target"
            } else if argument == "--only" || argument.hasPrefix("--only=") {
                sawOnly = true
                first = first ?? "only"
            }
        }
        guard sawTarget, sawOnly else { return nil }
        let (used, other) = first == "target" ? ("--target <TARGET>", "--only <ONLY>") : ("--only <ONLY>", "--target <TARGET>")
        return "error: the argument '\(used)' cannot be used with '\(other)'\n\nUsage: phase-golem run \(used)\n\n"
            + "For more information, try '--help'."
    }

    func validate() throws {
        if tui && noTUI {
            throw ValidationError("--tui and --no-tui contradict each other. Use one.")
        }
        if !targets.isEmpty && !only.isEmpty {
            throw ValidationError("Cannot combine --target and --only flags. Use one or the other.")
        }
        if autoAdvance && noAutoAdvance {
            throw ValidationError("--auto-advance and --no-auto-advance contradict each other. Use one.")
        }
        if let maxCost, let problem = ExecutionConfig.budgetProblem(maxCost, name: "--max-cost") {
            throw ValidationError(problem)
        }
        if detach && tui {
            throw ValidationError("--detach runs in the background without a terminal; it cannot use --tui. Watch it with `phase-golem watch`.")
        }
        if let cap, cap < 0 {
            throw ValidationError("--cap must be 0 or more, got \(cap).")
        }
    }

    func run() async throws {
        if detach {
            try startDetached()
            return
        }
        let level = try global.level()
        let environment = ProcessEnvironment.all
        let options = RunOptions(
            root: global.root, configPath: global.config, targets: targets, only: only, cap: cap,
            autoAdvance: autoAdvance ? true : (noAutoAdvance ? false : nil), maxCostUSD: maxCost)
        let outcome: Result<RunSummary, any Error>
        if try useTUI(environment: environment) {
            outcome = await runWithTUI(options: options, level: level, environment: environment)
        } else {
            let plumbing = SessionPlumbing(options: options, level: level, journal: true)
            do {
                let prepared = try plumbing.session.prepare()
                outcome = .success(try await plumbing.session.execute(prepared))
            } catch {
                outcome = .failure(error)
            }
            await plumbing.finish()
        }

        let summary: RunSummary
        switch outcome {
        case .failure(let request as DetachRequest):
            try detachAndWatch(request.params)
            return
        case .failure(let request as ExitRequest):
            throw request
        case .failure(let error):
            throw CLIError(error)
        case .success(let value):
            summary = value
        }
        if level >= .info {
            for line in summary.plainLines { Output.stderr(line) }
            if let costLine = summary.costLine { Output.stderr(costLine) }
        }
        if let path = summaryJSON {
            do {
                try FileIO.writeAtomically(path, chunks: [Array(summary.json().utf8)])
            } catch {
                Output.stderr("Warning: could not write the summary JSON: \(error)")
            }
        }
        if summary.allBlocked {
            throw CLIError(RunSummary.allBlockedMessage)
        }
        if summary.haltReason == .agentUnavailable {
            // docs/decisions.md D14: a handled error, exit 1; the summary said why and what to do.
            throw CLIError(RunSummary.agentUnavailableMessage)
        }
    }

    /// `--detach`: the same command without it, in plain mode, in the background.
    func startDetached() throws {
        let root = global.root
        let arguments = ["run"] + Array(CommandLine.arguments.dropFirst().drop { $0 != "run" }.dropFirst()).filter { $0 != "--detach" }
        let leading = Array(CommandLine.arguments.dropFirst().prefix { $0 != "run" })
        let (pid, runID) = try startInBackground(leading + arguments + ["--no-tui"])
        Output.stdout("Started run \(runID ?? "(starting)") in the background (PID \(pid)); its log: \(DetachedRun.outputPath(root: root))\n"
            + "Watch it: phase-golem\(Self.rootOption(root)) watch\n")
    }

    /// Starts `arguments` as a detached run and waits for its journal. A run that ends before
    /// it has one (a usage error, preflight) has its output printed and its exit status passed on.
    private func startInBackground(_ arguments: [String]) throws -> (pid: pid_t, runID: String?) {
        let root = global.root
        let pid = try DetachedRun.spawn(arguments: arguments, root: root)
        let (runID, exitStatus) = DetachedRun.awaitStart(pid: pid, root: root)
        if let exitStatus {
            let tail = (try? FileIO.readText(DetachedRun.outputPath(root: root))).flatMap { $0 } ?? ""
            Output.stderr(tail.hasSuffix("\n") ? String(tail.dropLast()) : tail)
            throw ExitRequest(status: exitStatus == 0 ? .success : (exitStatus == 2 ? .usage : .failure))
        }
        return (pid, runID)
    }

    private static func rootOption(_ root: String) -> String { root == "." ? "" : " --root '\(root)'" }

    /// The launch screen's `d`: the run as set up there, started in the background as
    /// `--detach` starts it, then watched in this terminal. Leaving the watcher (or losing the
    /// terminal) leaves the run going.
    func detachAndWatch(_ params: RunParams) throws {
        let root = global.root
        var arguments = ["run", "--no-tui", "--root", root, "--log-level", global.logLevel, "--cap", String(params.cap),
                         params.autoAdvance ? "--auto-advance" : "--no-auto-advance"]
        if let config = global.config { arguments += ["--config", config] }
        for target in params.targets { arguments += ["--target", target] }
        if params.targets.isEmpty, let filter = params.filter {
            for criterion in filter.criteria { arguments += ["--only", criterion.description] }
        }
        if let budget = params.maxCostUSD { arguments += ["--max-cost", NumberText.decimal(budget)] }
        if let summaryJSON { arguments += ["--summary-json", summaryJSON] }
        let (pid, started) = try startInBackground(arguments)
        let again = "phase-golem\(Self.rootOption(root)) watch"
        guard let runID = started else {
            Output.stdout("Started a run in the background (PID \(pid)); it has not opened its journal yet. Watch it: \(again)\n")
            return
        }
        // A run that ended with an error has been reported by the watcher.
        guard try WatchCommand.watch(root: root, runID: runID, level: try global.level()).runFailure == nil else { return }
        if RunHistory.isAlive(pid) {
            Output.stdout("Run \(runID) goes on in the background (PID \(pid)); its log: \(DetachedRun.outputPath(root: root))\n"
                + "Watch it again: \(again)\n")
        } else {
            Output.stdout("Run \(runID) has ended: `phase-golem\(Self.rootOption(root)) runs show \(runID)` prints its summary.\n")
        }
    }

    /// Plain mode unless a terminal is there and nothing asks for plain output; `--tui` wins
    /// over `PHASE_GOLEM_TUI=0` and `CI`.
    func useTUI(environment: [String: String]) throws -> Bool {
        let flag: Bool? = tui ? true : (noTUI ? false : nil)
        switch TerminalSupport.choose(flag: flag, environment: environment, stdinIsTTY: isatty(0) == 1, stdoutIsTTY: isatty(1) == 1) {
        case .tui: return true
        case .plain: return false
        case .unavailable(let reason):
            throw CLIError("--tui needs a terminal: \(reason). Run without --tui for the plain log.")
        }
    }

    /// The project's folder name (`RunSession.projectName`).
    static func projectName(root: String) -> String {
        RunSession.projectName(root: root)
    }

    /// The full-screen path: launch screen, live run, summary; the terminal is restored before
    /// anything is printed.
    func runWithTUI(options: RunOptions, level: LogLevel, environment: [String: String]) async -> Result<RunSummary, any Error> {
        let plumbing = SessionPlumbing(options: options, level: level, plain: false, journal: true)
        let prepared: PreparedRun
        do {
            prepared = try plumbing.session.prepare()
        } catch {
            await plumbing.finish()
            return .failure(error)
        }
        let session = plumbing.session
        let running = Locked<Task<Result<RunSummary, any Error>, Never>?>(nil)
        let projectName = Self.projectName(root: options.root)
        let useColor = (environment["NO_COLOR"] ?? "").isEmpty
        let app = TUIApp(makeInput: { colors, unicode in
            TUIInput(prepared: prepared, projectName: projectName, colors: colors, unicode: unicode)
        }, events: plumbing.uiEvents ?? AsyncStream { $0.finish() }, skipLaunch: yes,
                         useColor: useColor, leaveAfterHalt: plumbing.signalled, logLevel: level)
        let shutdown = plumbing.shutdown
        let registry = plumbing.registry
        let uiResult: Result<TUIApp.Outcome, any Error> = await BlockingThread.run {
            Result {
                try app.run(onLaunch: { params in
                    var edited = prepared
                    edited.params = params
                    let launched = edited
                    let task = Task<Result<RunSummary, any Error>, Never> {
                            do {
                                return .success(try await session.execute(launched))
                            } catch {
                                return .failure(error)
                            }
                    }
                    running.withLock { $0 = task }
                }, onShutdown: { force in
                    if force {
                        shutdown.force()
                        registry.killAllNow()
                    } else {
                        shutdown.request()
                    }
                })
            }
        }
        let runTask = running.value
        if runTask != nil, case .failure = uiResult {
            // The UI failed mid-run: stop the run gracefully, it still saves its state.
            shutdown.request()
        }
        let runResult = await runTask?.value
        await plumbing.finish()
        switch uiResult {
        case .failure(let error):
            return .failure(error)
        case .success(let outcome):
            if let params = outcome.detached, runTask == nil { return .failure(DetachRequest(params: params)) }
            // Without a launched run the UI can only have ended at the launch screen.
            guard let runResult else { return .failure(ExitRequest(status: .quitAtLaunch)) }
            return runResult
        }
    }
}

/// The launch screen asked for the run in the background (its `d`): nothing ran in this process.
struct DetachRequest: Error {
    var params: RunParams
}
