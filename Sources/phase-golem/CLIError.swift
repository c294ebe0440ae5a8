/// A handled error: printed as `Error: {message}` on stderr, exit code 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }

    /// Wraps any error in its user-facing text.
    init(_ error: any Error) {
        self.description = String(describing: error)
    }
}

/// A usage error found after parsing (for example flags that conflict): exit code 2.
struct UsageError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
