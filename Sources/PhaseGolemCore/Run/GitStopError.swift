/// The run ended because a git command hung past its deadline or was killed by a forced stop.
///
/// The run commits nothing more (the same hook would wait again); the store keeps the state,
/// and the hint lines say how to find what waits and how to change the deadline.
public struct GitStopError: Error, Sendable, CustomStringConvertible {
    public let failure: Git.Failure
    public let root: String

    public init(failure: Git.Failure, root: String) {
        self.failure = failure
        self.root = root
    }

    public var description: String {
        let lines = [failure.description] + Git.Failure.stopHints(root: root, command: failure.stoppedCommand ?? "git")
        return lines.joined(separator: "\n")
    }
}
