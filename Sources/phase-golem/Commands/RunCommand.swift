import ArgumentParser
import PhaseGolemCore

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

    @Flag(name: .customLong("auto-advance"), help: "When a target is blocked, go on to the next target instead of halting.")
    var autoAdvance = false

    @Flag(name: .customLong("no-auto-advance"), help: "Halt when a target is blocked, whatever execution.auto_advance says.")
    var noAutoAdvance = false

    @Option(name: .customLong("summary-json"), help: ArgumentHelp(
        "Also write the run summary (completed, blocked with reasons, skipped, halt reason, exit code) as JSON to this file.",
        valueName: "path"))
    var summaryJSON: String?

    func validate() throws {
        if !targets.isEmpty && !only.isEmpty {
            throw ValidationError("Cannot combine --target and --only flags. Use one or the other.")
        }
        if autoAdvance && noAutoAdvance {
            throw ValidationError("--auto-advance and --no-auto-advance contradict each other. Use one.")
        }
        if let cap, cap < 0 {
            throw ValidationError("--cap must be 0 or more, got \(cap).")
        }
    }

    func run() async throws {
        let level = try global.level()
        let options = RunOptions(
            root: global.root, configPath: global.config, targets: targets, only: only, cap: cap,
            autoAdvance: autoAdvance ? true : (noAutoAdvance ? false : nil))
        let plumbing = SessionPlumbing(options: options, level: level)
        let outcome: Result<RunSummary, any Error>
        do {
            let prepared = try plumbing.session.prepare()
            outcome = .success(try await plumbing.session.execute(prepared))
        } catch {
            outcome = .failure(error)
        }
        await plumbing.finish()

        let summary: RunSummary
        switch outcome {
        case .failure(let error):
            throw CLIError(error)
        case .success(let value):
            summary = value
        }
        if level >= .info {
            for line in summary.plainLines { Output.stderr(line) }
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
    }
}
