/// The git checks a run needs before it touches anything (behavior.md §6 step 5, with D4).
public struct GitPreconditions {
    public let root: String
    let events: EventBus

    public init(root: String, events: EventBus) {
        self.root = root
        self.events = events
    }

    /// Fails with the original's messages; commits uncommitted store-only changes first (D4).
    public func check() throws {
        let git = Git(root: root)
        let probe = try git.runAllowingFailure(["rev-parse", "--git-dir"])
        guard probe.succeeded else {
            throw OperationError("Not a git repository (or git is not installed). Run phase-golem in your repository "
                + "(or pass --root), or create one with `git init` and `phase-golem init`")
        }
        let reported = probe.stdoutText.trimmed()
        let gitDirectory = reported.hasPrefix("/") ? reported : FileIO.join(root, reported)
        try GitDirectoryProbe.requireWritable(gitDirectory)
        let dirty = try git.porcelainStatus()
        if !dirty.isEmpty {
            let paths = dirty.map { String($0.dropFirst(3)) }
            let storeOnly = paths.allSatisfy { TaskStore.relativeStorePaths.contains($0) || $0 == ".task-golem/tasks.lock" }
            guard storeOnly else {
                let shown = paths.prefix(5).joined(separator: ", ") + (paths.count > 5 ? ", …" : "")
                throw OperationError("Working tree is not clean. Commit or stash changes before running phase-golem. (Dirty: \(shown))")
            }
        }
        if !(try git.runAllowingFailure(["symbolic-ref", "--quiet", "HEAD"]).succeeded) {
            throw OperationError("Detached HEAD state detected. Check out a branch before running phase-golem.")
        }
        if FileIO.exists(FileIO.join(gitDirectory, "rebase-merge")) || FileIO.exists(FileIO.join(gitDirectory, "rebase-apply")) {
            throw OperationError("Rebase in progress. Complete or abort the rebase before running phase-golem.")
        }
        if FileIO.exists(FileIO.join(gitDirectory, "MERGE_HEAD")) {
            throw OperationError("Merge in progress. Complete or abort the merge before running phase-golem.")
        }
        if !dirty.isEmpty {
            // D4: a previous command's store change left for a run to commit.
            let existing = (TaskStore.relativeStorePaths + [".task-golem/tasks.lock"]).filter { FileIO.exists(FileIO.join(root, $0)) }
            try git.run(["add", "--"] + existing)
            if let sha = try git.commitStaged(message: CommitMessage.preRun) {
                events.info("[pre] Committed pending task state: \(String(sha.prefix(12)))")
            }
        }
    }
}
