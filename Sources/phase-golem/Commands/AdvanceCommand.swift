import ArgumentParser
import PhaseGolemCore

/// `phase-golem advance`: move an in-progress item to another main phase by hand.
struct AdvanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "advance",
        abstract: "Move an in-progress item to its next main phase, or to the phase given with --to.",
        discussion: """
            The change is made under the store lock and committed to git (unless a run is in \
            progress, which then commits it).

            Examples:
              phase-golem advance WRK-a1b2c
              phase-golem advance WRK-a1b2c --to build
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The item to advance.", valueName: "item-id"))
    var itemID: String

    @Option(help: ArgumentHelp("A main phase of the item's pipeline to jump to.", valueName: "phase"))
    var to: String?

    func run() throws {
        try Self.execute(global: global.settings, itemID: itemID, to: to)
    }

    /// The command's work, shared with the fast path that skips argument parsing.
    static func execute(global: GlobalSettings, itemID: String, to: String?) throws {
        let logger = try global.logger()
        let config = try global.loadConfig().config
        try ItemCommandSupport.perform(logger: logger) {
            try ItemOperations(store: global.store(), config: config).advance(itemID, to: to)
        }
    }
}
