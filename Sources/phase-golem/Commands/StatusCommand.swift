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
        try Self.execute(global: global.settings, json: json)
    }

    /// The command's work, shared with the fast path that skips argument parsing.
    static func execute(global: GlobalSettings, json: Bool) throws {
        let logger = try global.logger()
        _ = try global.loadConfig()
        // Streamed: only the rows stay in memory, so a 100k-item store costs little.
        var rows: [StatusReport.Row] = []
        var objects: [JSONValue] = []
        let store = global.store()
        guard FileIO.isDirectory(store.directory) else {
            // The original reads a missing store as an empty backlog; its line stays, and the
            // likely cause (wrong folder, or no `init` yet) follows on a hint line.
            if json { Output.stdout(StatusReport.json(entries: [])) } else { Output.stdout(bytes: StatusReport.tableBytes(rows: [])) }
            Output.stderr("hint: no \(store.directory)/ store here: run `phase-golem init` in the project root, or pass --root")
            return
        }
        do {
            if !json {
                // The table needs a few fields of each line, not whole items.
                rows = try StatusReport.rows(path: store.activePath) { logger.warn($0) }
            } else {
                try StoreFileFormat.scan(path: store.activePath, strict: true) { item in
                    for warning in item.phaseGolemWarnings() { logger.warn(warning) }
                    rows.append(StatusReport.Row(item))
                    objects.append(StatusReport.jsonObject(item))
                }
            }
        } catch {
            // The original's wording, which scripts match; the store error says the recovery.
            throw CLIError("Failed to load task-golem store: \(error)")
        }
        if json {
            Output.stdout(StatusReport.json(entries: Array(zip(rows, objects)).map { (row: $0.0, object: $0.1) }))
        } else {
            Output.stdout(bytes: StatusReport.tableBytes(rows: rows))
        }
    }
}
