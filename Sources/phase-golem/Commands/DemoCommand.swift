import ArgumentParser
import PhaseGolemCore
#if canImport(Glibc)
import Glibc
#endif

/// `phase-golem demo`: a real multi-target run on a throw-away project, no AI account needed.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Try phase-golem on a throw-away project with a scripted agent (no AI account needed).",
        discussion: """
            Creates a git project with six backlog items and a four-phase pipeline, configured with \
            the bundled scripted agent, and runs three of its items as targets. One of them needs a \
            human decision and blocks: press `a` on the launch screen to turn auto-advance on and \
            watch the run go on to the next target. Real processes, real result files, real commits. \
            By default the project is kept and its path printed at the end, so you can look at it \
            with `git log` and `phase-golem status`; with --no-keep it is deleted when the demo ends.

            Examples:
              phase-golem demo
              phase-golem demo --no-tui
              phase-golem demo --no-tui --auto-advance --no-keep
              phase-golem demo --dir /tmp/my-demo --auto-advance --yes
            """)

    @Option(help: ArgumentHelp("Create the demo project here (an empty or new folder) instead of a new temporary folder.", valueName: "path"))
    var dir: String?

    @Flag(name: .customLong("no-tui"), help: "Print the plain log instead of the full-screen UI; exits with the run's exit code.")
    var noTUI = false

    @Flag(name: .customLong("yes"), help: "Skip the launch screen.")
    var yes = false

    @Flag(name: .customLong("auto-advance"), help: "Start with auto-advance on (it can still be toggled with `a`).")
    var autoAdvance = false

    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "Keep the demo project when the demo ends and print how to look at it (the default). --no-keep "
            + "deletes it instead, however the demo ends (after the summary or the UI, on a failed or "
            + "interrupted run too); a --dir that already held files is never deleted, and one that existed "
            + "empty is emptied but kept."))
    var keep = true

    func validate() throws {
        if let dir, dir.isEmpty {
            throw ValidationError("--dir needs a path. Give a new or empty folder, e.g. --dir /tmp/my-demo")
        }
    }

    func run() async throws {
        let folder: DemoFolder
        if let dir {
            // Surveyed before anything is written: --no-keep deletes only what the demo made.
            folder = DemoFolder.survey(dir)
        } else {
            var template = Array("/tmp/phase-golem-demo-XXXXXX".utf8CString)
            let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
                guard let base = buffer.baseAddress, let path = mkdtemp(base) else { return nil }
                return String(cString: path)
            }
            guard let made else {
                throw CLIError("Cannot create a temporary folder for the demo. Pass --dir PATH")
            }
            folder = DemoFolder(path: made, ownership: .created)
        }
        let root = folder.path
        let targets: [String]
        do {
            targets = try DemoProject(root: root).create(agent: [SelfExecutable.path, "demo-agent"])
        } catch {
            // A half-made project in a folder the demo owns goes; a refused --dir is not the demo's.
            if !keep && folder.ownership != .existedWithFiles { Self.remove(folder) }
            throw CLIError(error)
        }
        Output.stderr("Demo project created in \(root) (targets: \(targets.joined(separator: ", ")))")
        var arguments = ["--root", root] + targets.flatMap { ["--target", $0] }
        if noTUI { arguments.append("--no-tui") }
        if yes { arguments.append("--yes") }
        if autoAdvance { arguments.append("--auto-advance") }
        // A plain demo without auto-advance stops at the blocked target, which hides the
        // feature it exists to show; its summary (git-ignored, read once, then removed) tells
        // whether that is how it ended, so the hint below is only given when it is true.
        let summaryPath = FileIO.join(RuntimeLock.directory(root: root), "demo-summary.json")
        let hintsAutoAdvance = noTUI && !autoAdvance
        if hintsAutoAdvance { arguments += ["--summary-json", summaryPath] }
        // Runs on every way out of the run below (a summary, the UI closing, an error, a
        // signal-driven halt): the run's exit code is thrown past it unchanged.
        defer {
            if hintsAutoAdvance && Self.haltedAtBlockedTarget(summaryPath: summaryPath) {
                Output.stderr(Self.autoAdvanceHint)
            }
            Output.stderr("")
            if keep {
                Self.printWhereToLook(root)
            } else {
                Self.remove(folder)
            }
        }
        let run = try RunCommand.parse(arguments)
        try await run.run()
    }

    /// Said after the summary of a plain demo that halted at its blocked target.
    static let autoAdvanceHint = "hint: the run halted at the blocked target; to see the same run go on past it, "
        + "run `phase-golem demo --no-tui --auto-advance` (or press `a` on the launch screen of `phase-golem demo`)"

    /// Whether the run's summary says `TargetBlocked`; the file is removed once read.
    static func haltedAtBlockedTarget(summaryPath: String) -> Bool {
        defer { unlink(summaryPath) }
        guard let text = (try? FileIO.readText(summaryPath)) ?? nil, let summary = try? JSONParser.parse(text) else { return false }
        return summary["halt_reason"] == .string(HaltReason.targetBlocked.rawValue)
    }

    static func printWhereToLook(_ root: String) {
        Output.stderr("The demo project is in \(root). Look around:")
        Output.stderr("  cd \(root) && git log --oneline && phase-golem status")
        Output.stderr("Remove it with: rm -rf \(root)")
    }

    /// `--no-keep`: deletes what the demo created and says so; a failure is a warning, never a
    /// change of the exit code.
    static func remove(_ folder: DemoFolder) {
        do {
            switch try folder.removeDemoFiles() {
            case .removed:
                Output.stderr("The demo project in \(folder.path) was removed (--no-keep).")
            case .emptied:
                Output.stderr("The demo project in \(folder.path) was removed (--no-keep); the folder itself was kept, "
                    + "as it existed before the demo.")
            case .keptPreexisting:
                Output.stderr("Not removed: \(folder.path) held files before the demo, so --no-keep leaves it alone.")
                printWhereToLook(folder.path)
            }
        } catch {
            Output.stderr("Warning: could not remove the demo project: \(error). Remove it with: rm -rf \(folder.path)")
        }
    }
}
