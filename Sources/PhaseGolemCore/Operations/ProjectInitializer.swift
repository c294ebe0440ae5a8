/// `phase-golem init`: the folders, config template, `.gitignore` entry and (docs/decisions.md D8) an empty store.
public struct ProjectInitializer: Sendable {
    public let root: String
    public let prefix: String

    public init(root: String, prefix: String) {
        self.root = root
        self.prefix = prefix
    }

    /// What `init` did, for its report.
    public struct Report: Sendable, Equatable {
        public var createdStore: Bool
        public var wroteConfig: Bool
        public var updatedGitignore: Bool
    }

    /// Checks the prefix and that the root is in a git repository, then sets the project up.
    /// Existing files (config, store) are never overwritten.
    public func run() throws -> Report {
        guard prefix.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || $0 == "-" || $0 == "_" }) else {
            throw OperationError("Prefix must contain only alphanumeric characters, hyphens, and underscores")
        }
        guard FileIO.isDirectory(root) else {
            throw OperationError("Project root \(root) is not a directory. Create it, or pass the right --root")
        }
        guard Git(root: root).isRepository() else {
            throw OperationError("Not a git repository. Run `git init` first.")
        }
        do throws(FileIO.Failure) {
            return try setUp()
        } catch {
            throw OperationError(error.description)
        }
    }

    private func setUp() throws(FileIO.Failure) -> Report {
        var report = Report(createdStore: false, wroteConfig: false, updatedGitignore: false)
        report.createdStore = try createStoreIfMissing()
        for folder in ["_ideas", "_worklog", "changes", ".phase-golem"] {
            try FileIO.makeDirectories(FileIO.join(root, folder))
        }
        let configPath = FileIO.join(root, "phase-golem.toml")
        if !FileIO.exists(configPath) {
            try FileIO.writeAtomically(configPath, chunks: [Array(ConfigTemplate.initTemplate(prefix: prefix).utf8)])
            report.wroteConfig = true
        }
        report.updatedGitignore = try ensureGitignoreEntry()
        return report
    }

    /// docs/decisions.md D8: a valid empty store (both files with their header, the lock file) when `.task-golem/` is missing.
    private func createStoreIfMissing() throws(FileIO.Failure) -> Bool {
        let store = TaskStore(root: root)
        guard !FileIO.exists(store.directory) else { return false }
        try FileIO.makeDirectories(store.directory)
        let header = StoreFileFormat.header + [0x0A]
        try FileIO.writeAtomically(store.activePath, chunks: [header])
        try FileIO.writeAtomically(store.archivePath, chunks: [header])
        try FileIO.writeAtomically(store.lockPath, chunks: [])
        return true
    }

    /// Appends `.phase-golem/` to `.gitignore` unless a line already says so.
    private func ensureGitignoreEntry() throws(FileIO.Failure) -> Bool {
        let path = FileIO.join(root, ".gitignore")
        let existing = try FileIO.readText(path) ?? ""
        if existing.split(separator: "\n", omittingEmptySubsequences: false).contains(where: { String($0).trimmed() == ".phase-golem/" }) {
            return false
        }
        var addition = existing.isEmpty || existing.hasSuffix("\n") ? "" : "\n"
        addition += ".phase-golem/\n"
        try FileIO.append(path, Array(addition.utf8))
        return true
    }
}

extension Unicode.Scalar {
    /// ASCII letters and digits only.
    public var isASCIIAlphanumeric: Bool {
        (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
    }
}
