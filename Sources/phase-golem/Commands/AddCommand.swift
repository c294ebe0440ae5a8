import ArgumentParser
import PhaseGolemCore

/// `phase-golem add`: create a New item without a second tool.
struct AddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a new item to the backlog (status New, to be triaged by the next run).",
        discussion: """
            The id is {prefix}-{5 hex digits}, with the prefix from phase-golem.toml. The item is \
            written under the store lock and committed to git (unless a run is in progress, which \
            then commits it).

            Examples:
              phase-golem add "Fix login timeout"
              phase-golem add "Rate-limit the API" --impact high --size medium --risk low --tag api
              phase-golem add "Ship v2 docs" --depends-on WRK-a1b2c
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("A one-line title.", valueName: "title"))
    var title: String

    @Option(help: ArgumentHelp("Impact: low, medium or high (or l, m, h).", valueName: "level"))
    var impact: String?

    @Option(help: ArgumentHelp("Size: small, medium or large (or s, m, l).", valueName: "size"))
    var size: String?

    @Option(help: ArgumentHelp("Risk: low, medium or high (or l, m, h).", valueName: "level"))
    var risk: String?

    @Option(help: ArgumentHelp("Complexity: low, medium or high (or l, m, h).", valueName: "level"))
    var complexity: String?

    @Option(name: .customLong("tag"), help: ArgumentHelp("A tag; repeat for several.", valueName: "tag"))
    var tags: [String] = []

    @Option(name: .customLong("depends-on"), help: ArgumentHelp("An item (active or archived) this one waits for; repeat for several.", valueName: "id"))
    var dependencies: [String] = []

    @Option(help: ArgumentHelp("Context for the agent, stored as the item's description.", valueName: "text"))
    var description: String?

    func validate() throws {
        _ = try assessments()
    }

    func assessments() throws -> Assessments {
        Assessments(
            size: try size.map { try Self.parse($0, flag: "size", SizeLevel.self, short: ["s": .small, "m": .medium, "l": .large]) },
            complexity: try complexity.map { try Self.dimension($0, flag: "complexity") },
            risk: try risk.map { try Self.dimension($0, flag: "risk") },
            impact: try impact.map { try Self.dimension($0, flag: "impact") })
    }

    static func dimension(_ text: String, flag: String) throws -> DimensionLevel {
        try parse(text, flag: flag, DimensionLevel.self, short: ["l": .low, "m": .medium, "h": .high])
    }

    static func parse<T: RawRepresentable & CaseIterable>(_ text: String, flag: String, _: T.Type, short: [String: T]) throws -> T
        where T.RawValue == String {
        let lowered = text.lowercased()
        if let value = T(rawValue: lowered) ?? short[lowered] { return value }
        let valid = T.allCases.map(\.rawValue).joined(separator: ", ")
        throw ValidationError("Invalid value '\(text)' for --\(flag). Valid values: \(valid)")
    }

    func run() throws {
        let logger = try global.logger()
        let config = try global.loadConfig().config
        var request = ItemOperations.NewItem(title: title)
        request.assessments = try assessments()
        request.tags = tags
        request.dependencies = dependencies
        request.description = description
        try ItemCommandSupport.perform(logger: logger) {
            try ItemOperations(store: global.store(), config: config).add(request)
        }
    }
}
