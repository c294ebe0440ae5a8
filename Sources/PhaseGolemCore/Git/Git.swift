#if canImport(Glibc)
import Glibc
#endif

/// The git operations phase-golem needs, run as `git` processes in the project root.
///
/// Every command has a deadline: a hook that hangs or a prompt nobody answers (credentials, a
/// signing passphrase) must not freeze the run. In a run, the shutdown shortens it and a forced
/// stop kills the command at once.
public struct Git: Sendable {
    /// The working directory every command runs in.
    public let root: String
    public let limit: ProcessRunner.Limit

    public init(root: String, limit: ProcessRunner.Limit = Git.standardLimit()) {
        self.root = root
        self.limit = limit
    }

    /// The environment variable that sets the deadline of one git command, in seconds.
    public static let timeoutVariable = "PHASE_GOLEM_GIT_TIMEOUT"
    /// Ten minutes: generous, since a pre-commit hook may run a test suite.
    public static let defaultTimeoutSeconds = 600.0

    /// The deadline from `PHASE_GOLEM_GIT_TIMEOUT` (seconds, fractions allowed) or ten minutes,
    /// cut short by `shutdown`.
    public static func standardLimit(shutdown: ShutdownFlag? = nil) -> ProcessRunner.Limit {
        let seconds = timeoutSeconds(getenv(timeoutVariable).map { String(cString: $0) })
        return ProcessRunner.Limit(seconds: seconds, shutdown: shutdown, afterShutdownSeconds: min(seconds, 10))
    }

    /// The deadline a `PHASE_GOLEM_GIT_TIMEOUT` value asks for: a positive number of seconds;
    /// anything else (unset, empty, not a number) is the default.
    static func timeoutSeconds(_ text: String?) -> Double {
        guard let text, let value = Double(text.trimmed()), value > 0, value.isFinite else { return defaultTimeoutSeconds }
        return value
    }

    /// A git command that failed, with git's own words, or that was stopped.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
        /// Set when git was killed (it ran past its deadline, or the stop was forced): the
        /// command (`git commit`), which may hang again, so the run must not wait on git any more.
        public let stoppedCommand: String?

        public init(description: String, stoppedCommand: String? = nil) {
            self.description = description
            self.stoppedCommand = stoppedCommand
        }

        public var isStop: Bool { stoppedCommand != nil }

        /// What to tell the operator after a stop, line by line (`hint: ` lines follow the error).
        public static func stopHints(root: String, command: String) -> [String] {
            [
                "hint: the task state is saved in .task-golem/ and _worklog, not committed; nothing was lost",
                "hint: run `\(command)` in \(root) by hand to see what waits (a hook, a credential or passphrase prompt), fix it, commit, and run again",
                "hint: \(timeoutVariable)=SECONDS sets how long one git command may take (default \(NumberText.decimal(defaultTimeoutSeconds)))",
            ]
        }
    }

    /// Runs `git {arguments}`; a non-zero exit is a `Failure` quoting git's stderr.
    @discardableResult
    public func run(_ arguments: [String]) throws(Failure) -> String {
        let output = try runAllowingFailure(arguments)
        guard output.succeeded else {
            let subcommand = arguments.first ?? ""
            let message = output.stderrText.trimmingTrailingWhitespace()
            throw Failure(description: "git \(subcommand) failed: \(message.isEmpty ? "exit code \(output.status)" : message)")
        }
        return output.stdoutText
    }

    /// Runs `git {arguments}` and returns whatever happened, but for a stop, which is thrown.
    public func runAllowingFailure(_ arguments: [String]) throws(Failure) -> ProcessRunner.Output {
        let output: ProcessRunner.Output
        do {
            output = try ProcessRunner.run("git", arguments, in: root, limit: limit)
        } catch {
            throw Failure(description: "Failed to run git \(arguments.first ?? ""): \(error). Is git installed and on PATH?")
        }
        if let stopped = output.stopped {
            let command = "git \(arguments.first ?? "")"
            switch stopped {
            case .deadline(let seconds, _):
                throw Failure(description: "\(command) did not finish within \(NumberText.decimal(seconds)) s and was stopped "
                    + "(a hook or a prompt waiting for input?)", stoppedCommand: command)
            case .forced:
                throw Failure(description: "\(command) was stopped: the run was forced to stop", stoppedCommand: command)
            }
        }
        return output
    }

    /// `git add -A` of the whole work tree, leaving out store temp files (`.task-golem/.tmpXXXXXX`).
    ///
    /// Another store writer (our `add`, task-golem) may be between writing such a file and
    /// renaming it over `tasks.jsonl` at any moment: staging it would commit a stray copy of the
    /// store, or fail the whole add when the file is renamed away between git listing it and
    /// reading it. `:/` keeps `-A`'s whole-tree reach when the project is a subfolder of the repository.
    public func stageAll() throws(Failure) {
        try run(["add", "-A", "--", ":/", ":(exclude)" + Self.storeTempFiles])
    }

    /// The pathspec of store writers' temp files, relative to the project root.
    public static let storeTempFiles = ".task-golem/.tmp*"

    /// Whether the root is inside a git work tree.
    public func isRepository() -> Bool {
        (try? runAllowingFailure(["rev-parse", "--git-dir"]).succeeded) ?? false
    }

    /// The commit HEAD points at.
    ///
    /// Read from `.git` directly when it is a plain repository (the common case, and a process
    /// spawn saved on every phase); `git rev-parse HEAD` otherwise.
    public func headSHA() throws(Failure) -> String {
        if let sha = GitRefs(root: root).headSHA() { return sha }
        return try run(["rev-parse", "HEAD"]).trimmingTrailingWhitespace()
    }

    /// Commits what is staged with `message`; nil when nothing was staged (no empty commits).
    public func commitStaged(message: String) throws(Failure) -> String? {
        let output = try runAllowingFailure(["commit", "--quiet", "-m", message])
        if !output.succeeded {
            // Asked, not read from git's message, which is translated under other locales.
            if try runAllowingFailure(["diff", "--cached", "--quiet"]).succeeded { return nil }
            let detail = output.stderrText.trimmingTrailingWhitespace()
            throw Failure(description: "git commit failed: \(detail.isEmpty ? output.stdoutText.trimmingTrailingWhitespace() : detail)")
        }
        return try headSHA()
    }

    /// `git merge-base --is-ancestor sha HEAD`: true, false, or an error for an unknown commit.
    public func isAncestorOfHead(_ sha: String) throws(Failure) -> Bool {
        guard !sha.isEmpty, sha.unicodeScalars.allSatisfy({ $0.properties.isASCIIHexDigit }) else {
            throw Failure(description: "Invalid SHA: '\(sha)'")
        }
        let output = try runAllowingFailure(["merge-base", "--is-ancestor", sha, "HEAD"])
        switch output.status {
        case 0: return true
        case 1: return false
        case 128:
            // The original's wording for git's own failure (an unknown commit); it reaches the store as a block reason.
            throw Failure(description: "git merge-base failed: \(output.stderrText.trimmingTrailingWhitespace())")
        default:
            let detail = output.stderrText.trimmingTrailingWhitespace()
            throw Failure(description: "git merge-base exited with unexpected code \(output.status): \(detail)")
        }
    }

    /// `git status --porcelain` lines, optionally limited to paths.
    public func porcelainStatus(paths: [String] = []) throws(Failure) -> [String] {
        let arguments = ["status", "--porcelain"] + (paths.isEmpty ? [] : ["--"] + paths)
        return try run(arguments).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// Commits exactly `paths` (whatever else is staged stays staged), or returns nil when
    /// they hold no change.
    public func commitOnly(paths: [String], message: String) throws(Failure) -> String? {
        let existing = paths.filter { FileIO.exists(FileIO.join(root, $0)) }
        guard !existing.isEmpty else { return nil }
        try run(["add", "--"] + existing)
        let staged = try runAllowingFailure(["diff", "--cached", "--quiet", "--"] + existing)
        if staged.succeeded { return nil }
        try run(["commit", "--quiet", "--only", "-m", message, "--"] + existing)
        return try headSHA()
    }
}

extension String {
    /// The string without trailing spaces, tabs and newlines.
    public func trimmingTrailingWhitespace() -> String {
        var end = endIndex
        while end > startIndex, let last = self[index(before: end)].unicodeScalars.first,
              last == " " || last == "\n" || last == "\r" || last == "\t" {
            end = index(before: end)
        }
        return String(self[..<end])
    }

    /// The string without leading and trailing whitespace.
    public func trimmed() -> String {
        var start = startIndex
        while start < endIndex, self[start] == " " || self[start] == "\t" || self[start] == "\n" || self[start] == "\r" {
            start = index(after: start)
        }
        return String(self[start...]).trimmingTrailingWhitespace()
    }
}
