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
        let created = report.createdStore ? "_ideas/, _worklog/, changes/, .phase-golem/, .task-golem/" : "_ideas/, _worklog/, changes/, .phase-golem/"
        var lines = ["Initialized phase-golem in \(global.root)", "  Created: \(created)",
                     "  Config: phase-golem.toml" + (report.wroteConfig ? "" : " (kept the existing file)"),
                     "  Updated: .gitignore"]
        let paths = ["phase-golem.toml", ".gitignore", ".task-golem/tasks.jsonl", ".task-golem/archive.jsonl", ".task-golem/tasks.lock"]
        if report.createdStore || report.wroteConfig || report.updatedGitignore {
            do {
                if let sha = try Git(root: global.root).commitOnly(paths: paths, message: "[phase-golem] Initialize phase-golem") {
                    lines.append("  Committed: \(String(sha.prefix(12)))")
                }
            } catch {
                Output.stderr("Warning: the files were created but not committed: \(error). Commit them before `phase-golem run`.")
            }
        }
        Output.stdout(lines.joined(separator: "\n"))
    }
}
