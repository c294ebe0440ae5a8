#if canImport(Glibc)
import Glibc
#endif

/// The git checks a run needs before it touches anything (docs/compatibility.md#run-startup step 5, with docs/decisions.md D4),
/// and the recovery of a run that was killed.
public struct GitPreconditions {
    public let root: String
    let events: EventBus
    /// The PID of a previous `run` or `triage` that died holding the runtime lock, if any.
    let interruptedHolder: Int32?
    /// How long a git process that outlived a killed run gets to finish and drop its lock.
    static let lockWaitSeconds = 10.0
    /// The run's, so that a Ctrl-C during the startup's commits cuts a hanging git short.
    let shutdown: ShutdownFlag?

    public init(root: String, events: EventBus, interruptedHolder: Int32? = nil, shutdown: ShutdownFlag? = nil) {
        self.root = root
        self.events = events
        self.interruptedHolder = interruptedHolder
        self.shutdown = shutdown
    }

    /// Fails with the original's messages; commits uncommitted store-only changes first (docs/decisions.md D4),
    /// and the whole tree when a killed run left it dirty.
    public func check() throws {
        let git = Git(root: root, limit: Git.standardLimit(shutdown: shutdown))
        // In a linked worktree the index lives in the worktree's own git directory, the objects
        // and refs in the common one; both must be writable and both can hold stale locks.
        let probe = try git.runAllowingFailure(["rev-parse", "--git-dir", "--git-common-dir"])
        guard probe.succeeded else {
            throw OperationError("Not a git repository (or git is not installed)\nhint: run phase-golem in your repository "
                + "(or pass --root), or create one with `git init` and `phase-golem init`")
        }
        let reported = probe.stdoutText.split(separator: "\n").map { String($0).trimmed() }
        let directories = reported.map { $0.hasPrefix("/") ? $0 : FileIO.join(root, $0) }
        let gitDirectory = directories.first ?? FileIO.join(root, ".git")
        let commonDirectory = directories.count > 1 ? directories[1] : gitDirectory
        try GitDirectoryProbe.requireWritable(gitDirectory)
        if commonDirectory != gitDirectory { try GitDirectoryProbe.requireWritable(commonDirectory) }
        try clearStaleLocks(gitDirectory: gitDirectory, commonDirectory: commonDirectory)
        let dirty = try git.porcelainStatus()
        // Another writer's temporary file is its business, not dirt (and a killed writer's is gone by now).
        let paths = dirty.map { String($0.dropFirst(3)) }.filter { !Self.isStoreTemporaryFile($0) }
        let storeOnly = paths.allSatisfy { TaskStore.relativeStorePaths.contains($0) || $0 == ".task-golem/tasks.lock" }
        if !storeOnly && interruptedHolder == nil {
            let shown = paths.prefix(5).joined(separator: ", ") + (paths.count > 5 ? ", …" : "")
            throw OperationError("Working tree is not clean. Commit or stash changes before running phase-golem.\nhint: uncommitted: \(shown)")
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
        if !storeOnly, let pid = interruptedHolder {
            try saveInterruptedWork(git: git, pid: pid, paths: paths)
        } else if !paths.isEmpty {
            // docs/decisions.md D4: a previous command's store change left for a run to commit.
            let existing = (TaskStore.relativeStorePaths + [".task-golem/tasks.lock"]).filter { FileIO.exists(FileIO.join(root, $0)) }
            try git.run(["add", "--"] + existing)
            if let sha = try git.commitStaged(message: CommitMessage.preRun) {
                events.info("[pre] Committed pending task state: \(String(sha.prefix(12)))")
            }
        }
    }

    static func isStoreTemporaryFile(_ path: String) -> Bool {
        path.hasPrefix(".task-golem/") && StoreRepair.isTemporaryName(String(path.dropFirst(".task-golem/".count)))
    }

    /// Commits everything a killed run left behind, so the phase it was in can start again from
    /// a clean tree and nothing it wrote is lost.
    ///
    /// Partial agent output is committed, not stashed or reset: a retried attempt also starts on
    /// top of the previous attempt's files, and a completed phase whose commit was cut off must
    /// keep its artifacts next to the store state that says it completed.
    private func saveInterruptedWork(git: Git, pid: Int32, paths: [String]) throws {
        try git.stageAll()
        guard let sha = try git.commitStaged(message: CommitMessage.interruptedRun(pid: pid)) else { return }
        let shown = paths.prefix(5).joined(separator: ", ") + (paths.count > 5 ? ", … (\(paths.count) paths)" : "")
        events.warn("[pre] The previous run (PID \(pid)) was interrupted and left uncommitted changes: \(shown)")
        events.warn("[pre] Committed them as \(String(sha.prefix(12))) so the run can resume; "
            + "`git show \(String(sha.prefix(12)))` shows them, `git revert` undoes them")
    }

    /// Waits out a git process that is finishing; removes the locks of a killed run's git;
    /// refuses to start over anyone else's.
    private func clearStaleLocks(gitDirectory: String, commonDirectory: String) throws {
        let lockFiles = GitLockFiles(gitDirectory: gitDirectory, commonDirectory: commonDirectory)
        var locks = lockFiles.present()
        guard !locks.isEmpty else { return }
        // A git working in the main work tree (or the repository's top, above a project in a
        // subfolder) holds locks in the shared directory too.
        let workTrees = [root, FileIO.parentDirectory(of: commonDirectory)]
        let deadline = MonotonicClock.seconds() + Self.lockWaitSeconds
        while !locks.isEmpty && GitLockFiles.gitProcessRunning(in: workTrees) && MonotonicClock.seconds() < deadline {
            MonotonicClock.sleep(seconds: 0.05)
            locks = lockFiles.present()
        }
        guard !locks.isEmpty else { return }
        guard let pid = interruptedHolder, !GitLockFiles.gitProcessRunning(in: workTrees) else {
            throw OperationError("A git command is running in this repository, or one was killed: \(locks.joined(separator: ", ")) "
                + "exists. If no git command is running, remove it (rm \(locks.joined(separator: " "))) and run again.")
        }
        for lock in locks {
            guard unlink(lock) == 0 else {
                throw OperationError("Could not remove \(lock), left by the interrupted run (PID \(pid)): "
                    + "\(String(cString: strerror(errno))). Remove it by hand and run again.")
            }
            events.warn("[pre] Removed \(lock), left by the interrupted run (PID \(pid)); no git command is running here")
        }
    }
}
