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
