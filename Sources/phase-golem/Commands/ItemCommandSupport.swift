import PhaseGolemCore

/// Shared reporting for the store-editing commands.
enum ItemCommandSupport {
    /// Runs `operation`, prints its message to stdout and its warnings to stderr.
    static func perform(logger: Logger, _ operation: () throws -> ItemOperations.Result) throws {
        let result: ItemOperations.Result
        do {
            result = try operation()
        } catch {
            throw CLIError(error)
        }
        for warning in result.warnings { logger.warn(warning) }
        Output.stdout(result.message)
        if let warning = result.commit?.warning { logger.warn(warning) }
    }
}
