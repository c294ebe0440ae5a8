/// A configuration together with where it came from.
public struct LoadedConfig: Sendable, Equatable {
    public var config: PhaseGolemConfig
    /// The file that was read, or `nil` when no file existed and defaults were used.
    public var path: String?
    /// The directory relative workflow paths resolve against (docs/compatibility.md#command-line): the project
    /// root, or the parent of an explicit `--config` path (empty when it has no directory part).
    public var baseDirectory: String

    public init(config: PhaseGolemConfig, path: String?, baseDirectory: String) {
        self.config = config
        self.path = path
        self.baseDirectory = baseDirectory
    }

    /// Where a workflow path points, joined like the original's `Path::join`.
    ///
    /// Absolute paths stay as they are and an empty base leaves the path as written. Unlike the
    /// original, a leading `~/` means the home directory: real configs (task-golem's own) keep
    /// their workflows under `~/.claude/`, which the original's preflight could never find.
    public func resolve(workflowPath: String, home: String? = ConfigPath.homeDirectory()) -> String {
        if workflowPath.hasPrefix("~/"), let home, !home.isEmpty {
            return FileIO.join(home, String(workflowPath.dropFirst(2)))
        }
        return FileIO.join(baseDirectory, workflowPath)
    }
}
