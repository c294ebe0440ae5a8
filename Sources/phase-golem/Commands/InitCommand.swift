import ArgumentParser
import PhaseGolemCore

/// `phase-golem init`: set a git project up for phase-golem.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Set up phase-golem in a git project: config, folders, store and .gitignore entry.",
        discussion: """
            Creates _ideas/, _worklog/, changes/ and .phase-golem/; writes phase-golem.toml from a \
            template unless one exists; creates an empty .task-golem/ store unless one exists; adds \
            .phase-golem/ to .gitignore; and commits what it created. Existing files are never overwritten.

            Example:
              phase-golem init --prefix WRK
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("ID prefix for items phase-golem creates (letters, digits, '-' and '_').", valueName: "prefix"))
    var prefix: String = "WRK"

    func run() throws {
        _ = try global.level()
        let initializer = ProjectInitializer(root: global.root, prefix: prefix)
        let report: ProjectInitializer.Report
        do {
            report = try initializer.run()
        } catch {
            throw CLIError(error)
        }
        // The original's four lines, unchanged (it prints them even when nothing changed);
        // what ours adds goes on lines of its own after them.
        var lines = ["Initialized phase-golem in \(global.root)", "  Created: _ideas/, _worklog/, changes/, .phase-golem/",
                     "  Config: phase-golem.toml", "  Updated: .gitignore"]
        if report.createdStore { lines.append("  Created store: .task-golem/ (empty)") }
        if !report.wroteConfig { lines.append("  Kept: phase-golem.toml (it existed; never overwritten)") }
        let git = Git(root: global.root)
        let wanted = ["phase-golem.toml", ".gitignore", ".task-golem/tasks.jsonl", ".task-golem/archive.jsonl", ".task-golem/tasks.lock"]
        if report.createdStore || report.wroteConfig || report.updatedGitignore {
            do {
                // A path the project's .gitignore excludes (some ignore tasks.lock) is not ours to force in.
                let ignored = Set(try git.runAllowingFailure(["check-ignore", "--"] + wanted).stdoutText
                    .split(separator: "\n").map { String($0) })
                let paths = wanted.filter { !ignored.contains($0) }
                if let sha = try git.commitOnly(paths: paths, message: "[phase-golem] Initialize phase-golem") {
                    lines.append("  Committed: \(String(sha.prefix(12)))")
                }
            } catch {
                Output.stderr("Warning: the files were created but not committed: \(error). Commit them before `phase-golem run`.")
            }
        }
        Output.stdout(lines.joined(separator: "\n"))
    }
}
