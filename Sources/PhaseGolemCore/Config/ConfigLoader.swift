/// Finds, reads, decodes and validates `phase-golem.toml` (docs/compatibility.md#configuration).
public enum ConfigLoader {
    /// The config file name looked for in the project root.
    public static let fileName = "phase-golem.toml"

    /// Loads the project's configuration.
    ///
    /// - Parameters:
    ///   - root: The project root (`--root`).
    ///   - explicitPath: The `--config` path, which must exist when given.
    /// - Returns: The configuration, the file it came from, and the config base.
    /// - Throws: `ConfigError` naming the file for a missing, unreadable or malformed file, or
    ///   listing every schema and validation problem at once.
    public static func load(root: String, explicitPath: String?) throws(ConfigError) -> LoadedConfig {
        if let explicitPath {
            guard ConfigFile.exists(explicitPath) else { throw ConfigError.fileNotFound(path: explicitPath) }
            let config = try loadFile(at: explicitPath)
            return LoadedConfig(config: config, path: explicitPath, baseDirectory: ConfigPath.parent(of: explicitPath))
        }
        let path = FileIO.join(root, fileName)
        guard ConfigFile.exists(path) else {
            // The original runs no validation on this path; the defaults are valid anyway.
            return LoadedConfig(config: .defaults, path: nil, baseDirectory: root)
        }
        return LoadedConfig(config: try loadFile(at: path), path: path, baseDirectory: root)
    }

    /// Reads and parses the file at `path` (which is known to exist).
    static func loadFile(at path: String) throws(ConfigError) -> PhaseGolemConfig {
        let text: String
        switch ConfigFile.readText(path) {
        case .success(let contents): text = contents
        case .failure(let failure): throw ConfigError.unreadable(path: path, reason: failure.reason)
        }
        return try parse(text, path: path)
    }

    /// Decodes and validates TOML `text`; `path` only names the source in error messages.
    public static func parse(_ text: String, path: String) throws(ConfigError) -> PhaseGolemConfig {
        if let nul = text.utf8.firstIndex(of: 0) {
            // TOMLKit hands the text to C++ as a C string, which would silently end at the NUL.
            let (line, column) = position(of: nul, in: text)
            throw ConfigError.syntax(path: path, message: "NUL characters are not allowed in TOML", line: line, column: column)
        }
        if let problem = TOMLPrecheck.check(text) {
            // toml++ aborts the process (an assertion) on some invalid keys instead of reporting
            // them, so those are caught first, with the same kind of message.
            let index = text.utf8.index(text.utf8.startIndex, offsetBy: problem.offset)
            let (line, column) = position(of: index, in: text)
            throw ConfigError.syntax(path: path, message: problem.message, line: line, column: column)
        }
        let root: [String: TOMLNode]
        do {
            root = try TOMLNode.parse(text)
        } catch {
            throw ConfigError.syntax(path: path, message: error.message, line: error.line, column: error.column)
        }
        var decoder = ConfigDecoder()
        var config = decoder.decode(root)
        if config.pipelines.isEmpty {
            config.pipelines[PipelineConfig.defaultName] = .defaultFeature
        }
        let validation = config.validationProblems(skippingMainPhaseCheckFor: decoder.pipelinesWithBadPhases)
        guard decoder.problems.isEmpty else {
            throw ConfigError.schema(path: path, problems: decoder.problems, validation: validation)
        }
        guard validation.isEmpty else { throw ConfigError.invalid(problems: validation) }
        return config
    }

    /// 1-based line and column (in characters) of a UTF-8 offset.
    private static func position(of index: String.UTF8View.Index, in text: String) -> (line: Int, column: Int) {
        let before = text[..<index]
        let line = before.count(where: { $0 == "\n" }) + 1
        let lineStart = before.lastIndex(of: "\n").map { before.index(after: $0) } ?? before.startIndex
        return (line, before[lineStart...].count + 1)
    }
}
