import ArgumentParser
import PhaseGolemCore

/// `phase-golem status`: the backlog as a table (or JSON).
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the backlog: every active item with its status, phase and assessments.",
        discussion: """
            Items are sorted in-progress first, then blocked, ready, scoping, new and done; within a \
            status by impact. Reads the store without locking and changes nothing.

            Examples:
              phase-golem status
              phase-golem status --json | jq '.[] | select(.status == "blocked") | .id'
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the items as a JSON array instead of the table.")
    var json = false

    func run() throws {
        let logger = try global.logger()
        _ = try global.loadConfig()
        let contents: StoreFileFormat.Contents
        do {
            contents = try global.store().loadActive()
        } catch {
            throw CLIError(error)
        }
        for item in contents.items {
            for warning in item.phaseGolemWarnings() { logger.warn(warning) }
        }
        Output.stdout(json ? StatusReport.json(contents.items) : StatusReport.table(contents.items))
    }
}
