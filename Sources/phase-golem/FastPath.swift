import PhaseGolemCore

/// Runs `status`, `unblock` and `advance` without the general argument parser when their
/// arguments are the simple kind.
///
/// These are what scripts and prompts call most, and building ArgumentParser's command tree
/// (reflection and protocol-conformance lookups over a binary that carries Foundation) costs
/// more than `status` on a small store, and about as much as `unblock`'s whole scan of a large
/// one. Anything unusual (help, unknown flags, repeated options, `--`, a value that looks like
/// an option) returns nil and goes through the full parser, which reports it.
enum FastPath {
    /// The command's exit status, or nil to use the full parser.
    static func run(_ arguments: [String]) -> Int32? {
        guard let parsed = parse(arguments) else { return nil }
        do {
            switch parsed.command {
            case "status":
                guard parsed.positional == nil else { return nil }
                try StatusCommand.execute(global: parsed.global, json: parsed.flag)
            case "unblock":
                guard let itemID = parsed.positional, !parsed.flag else { return nil }
                try UnblockCommand.execute(global: parsed.global, itemID: itemID, notes: parsed.option)
            default:
                guard let itemID = parsed.positional, !parsed.flag else { return nil }
                try AdvanceCommand.execute(global: parsed.global, itemID: itemID, to: parsed.option)
            }
            return ExitStatus.success.rawValue
        } catch {
            Output.stderr("Error: \(error)")
            return ExitStatus.failure.rawValue
        }
    }

    /// What the simple forms can hold: globals, the subcommand, at most one positional, the
    /// subcommand's one flag (`status --json`) or one valued option (`--notes`, `--to`).
    struct Parsed {
        var global = GlobalSettings()
        var command = ""
        var positional: String?
        var flag = false
        var option: String?
    }

    /// The option each subcommand takes: a flag for `status`, a valued option for the others.
    private static let commandOptions: [(command: String, option: String, takesValue: Bool)] = [
        ("status", "--json", false), ("unblock", "--notes", true), ("advance", "--to", true),
    ]

    static func parse(_ arguments: [String]) -> Parsed? {
        var parsed = Parsed()
        var commandOption: (option: String, takesValue: Bool)?
        // An array, not a Set: a Set's first insert instantiates its generic metadata through a
        // conformance lookup over the whole binary, which costs more than this parsing.
        var seen: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if commandOption == nil {
                if let entry = commandOptions.first(where: { $0.command == argument }) {
                    parsed.command = argument
                    commandOption = (entry.option, entry.takesValue)
                    continue
                }
            } else if !argument.hasPrefix("-") {
                guard parsed.positional == nil else { return nil }
                parsed.positional = argument
                continue
            }
            let (name, inlineValue) = split(argument)
            guard !seen.contains(name) else { return nil }
            seen.append(name)
            if let commandOption, name == commandOption.option {
                if !commandOption.takesValue {
                    guard inlineValue == nil else { return nil }
                    parsed.flag = true
                    continue
                }
            } else if !GlobalOptions.names.contains(name) {
                return nil
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count, !arguments[index].hasPrefix("-") else { return nil }
                value = arguments[index]
                index += 1
            }
            switch name {
            case "--root": parsed.global.root = value
            case "--config": parsed.global.config = value
            case "--log-level": parsed.global.logLevel = value
            default: parsed.option = value
            }
        }
        return commandOption == nil ? nil : parsed
    }

    private static func split(_ argument: String) -> (String, String?) {
        guard let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") else { return (argument, nil) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }
}
