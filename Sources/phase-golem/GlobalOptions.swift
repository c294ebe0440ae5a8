import ArgumentParser
import PhaseGolemCore

/// Options every command accepts: where the project is, which config, how much to log.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Project root: the git top-level holding .task-golem/.", valueName: "path"))
    var root: String = "."

    @Option(name: .long, help: ArgumentHelp(
        "Config file to use instead of {root}/phase-golem.toml; relative workflow paths then resolve against its directory.",
        valueName: "path"))
    var config: String?

    @Option(name: .customLong("log-level"), help: ArgumentHelp("How much to log: error, warn, info or debug.", valueName: "level"))
    var logLevel: String = "info"

    static let names = ["--root", "--config", "--log-level"]

    /// Moves global options written before the subcommand (`phase-golem --root X status`, the
    /// original's syntax) to just after it, where the subcommand's option group parses them.
    static func movingLeadingGlobals(_ arguments: [String]) -> [String] {
        var globals: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if names.contains(argument), index + 1 < arguments.count {
                globals += [argument, arguments[index + 1]]
                index += 2
            } else if names.contains(where: { argument.hasPrefix($0 + "=") }) {
                globals.append(argument)
                index += 1
            } else {
                break
            }
        }
        guard !globals.isEmpty, index < arguments.count, !arguments[index].hasPrefix("-") else { return arguments }
        return [arguments[index]] + globals + arguments[(index + 1)...]
    }

    /// The values, as a plain struct the commands' logic can take.
    var settings: GlobalSettings {
        GlobalSettings(root: root, config: config, logLevel: logLevel)
    }

    func level() throws -> LogLevel { try settings.level() }
    func logger() throws -> Logger { try settings.logger() }
    func store() -> TaskStore { settings.store() }
    func loadConfig() throws -> LoadedConfig { try settings.loadConfig() }
}

/// `--root`, `--config` and `--log-level` once parsed.
struct GlobalSettings {
    var root = "."
    var config: String?
    var logLevel = "info"

    /// The parsed level, or the original's error for an unknown one.
    func level() throws -> LogLevel {
        guard let level = LogLevel(parsing: logLevel) else {
            throw CLIError("Invalid log level '\(logLevel)': expected error, warn, info, or debug")
        }
        return level
    }

    func logger() throws -> Logger {
        Logger(level: try level())
    }

    func store() -> TaskStore {
        TaskStore(root: root)
    }

    func loadConfig() throws -> LoadedConfig {
        do {
            return try ConfigLoader.load(root: root, explicitPath: config)
        } catch {
            throw CLIError(error)
        }
    }
}
