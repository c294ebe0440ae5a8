import ArgumentParser
import PhaseGolemCore

/// `phase-golem unblock`: return a blocked item to where it was, with notes for the agent.
struct UnblockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unblock",
        abstract: "Unblock an item: restore the status it had before it was blocked.",
        discussion: """
            The notes are given to the agent in every later prompt for this item, until it is \
            next unblocked. The staleness anchor (x-pg-last-phase-commit) is cleared.

            Examples:
              phase-golem unblock WRK-a1b2c
              phase-golem unblock WRK-a1b2c --notes "Use the v2 API; the v1 endpoint is gone"
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The blocked item.", valueName: "item-id"))
    var itemID: String

    @Option(help: ArgumentHelp("Context for the agent: what the human decided or clarified.", valueName: "text"))
    var notes: String?

    func run() throws {
        try Self.execute(global: global.settings, itemID: itemID, notes: notes)
    }

    /// The command's work, shared with the fast path that skips argument parsing.
    static func execute(global: GlobalSettings, itemID: String, notes: String?) throws {
        let logger = try global.logger()
        let config = try global.loadConfig().config
        try ItemCommandSupport.perform(logger: logger) {
            try ItemOperations(store: global.store(), config: config).unblock(itemID, notes: notes)
        }
    }
}
