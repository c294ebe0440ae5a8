/// Why a configuration could not be loaded; `description` is the complete user-facing message.
public enum ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An explicit `--config` path that does not exist.
    case fileNotFound(path: String)
    /// The file exists but could not be read as UTF-8 text.
    case unreadable(path: String, reason: String)
    /// The file is not valid TOML.
    case syntax(path: String, message: String, line: Int, column: Int)
    /// The TOML is well-formed and every value has the right type, but validation failed.
    case invalid(problems: [String])
    /// Values of the wrong type, unknown keys, missing required keys: what the original's
    /// deserializer rejected as `Failed to parse {path}: …`; validation problems found in the
    /// same file follow in the original's validation block, so one run reports everything.
    case schema(path: String, problems: [String], validation: [String])

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            "Config file not found: \(path)"
        case .unreadable(let path, let reason):
            "Failed to read \(path): \(reason)"
        case .syntax(let path, let message, let line, let column):
            "Failed to parse \(path): \(message) (line \(line), column \(column))"
        case .invalid(let problems):
            Self.validationBlock(problems)
        case .schema(let path, let problems, let validation):
            // The original's first line (`Failed to parse {path}: …`) keeps its shape; its
            // detail is the TOML crate's own wording, which differs (docs/compatibility.md#configuration).
            (problems.count == 1
                ? "Failed to parse \(path): \(problems[0])"
                : (["Failed to parse \(path):"] + problems.map { "  - \($0)" }).joined(separator: "\n"))
                + (validation.isEmpty ? "" : "\n" + Self.validationBlock(validation))
        }
    }

    private static func validationBlock(_ problems: [String]) -> String {
        (["Config validation failed:"] + problems.map { "  - \($0)" }).joined(separator: "\n")
    }
}
