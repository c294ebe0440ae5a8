/// The git operations phase-golem needs, run as `git` processes in the project root.
public struct Git: Sendable {
    /// The working directory every command runs in.
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// A git command that failed, with git's own words.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
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

    /// Runs `git {arguments}` and returns whatever happened.
    public func runAllowingFailure(_ arguments: [String]) throws(Failure) -> ProcessRunner.Output {
        do {
            return try ProcessRunner.run("git", arguments, in: root)
        } catch {
            throw Failure(description: "Failed to run git \(arguments.first ?? ""): \(error). Is git installed and on PATH?")
        }
    }

    /// Whether the root is inside a git work tree.
    public func isRepository() -> Bool {
        (try? runAllowingFailure(["rev-parse", "--git-dir"]).succeeded) ?? false
    }

    /// The commit HEAD points at.
    public func headSHA() throws(Failure) -> String {
        try run(["rev-parse", "HEAD"]).trimmingTrailingWhitespace()
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
