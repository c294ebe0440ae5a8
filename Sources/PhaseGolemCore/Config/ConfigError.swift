/// Why a configuration could not be loaded; `description` is the complete user-facing message.
public enum ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An explicit `--config` path that does not exist.
    case fileNotFound(path: String)
    /// The file exists but could not be read as UTF-8 text.
    case unreadable(path: String, reason: String)
    /// The file is not valid TOML.
    case syntax(path: String, message: String, line: Int, column: Int)
    /// The TOML is well-formed but wrong: bad types, unknown keys, failed validation.
    case invalid(problems: [String])

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            "Config file not found: \(path)"
        case .unreadable(let path, let reason):
            "Failed to read \(path): \(reason)"
        case .syntax(let path, let message, let line, let column):
            "Failed to parse \(path): \(message) (line \(line), column \(column))"
        case .invalid(let problems):
            (["Config validation failed:"] + problems.map { "  - \($0)" }).joined(separator: "\n")
        }
    }
}
