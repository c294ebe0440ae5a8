/// A phase ended but its outcome could not be written to the store, so the run stopped.
///
/// Going on would schedule from a state that is not on disk (the item would run the same phase
/// again, or its block would be lost), so the run ends here and the next one resumes from the
/// store as it was before this phase.
public struct UnsavedOutcomeError: Error, Sendable, CustomStringConvertible {
    public let itemID: String
    public let phase: String
    /// The store failure, which names the file, the cause and the fix.
    public let cause: StoreError

    public init(itemID: String, phase: String, cause: StoreError) {
        self.itemID = itemID
        self.phase = phase
        self.cause = cause
    }

    public var description: String {
        "Stopped the run: the outcome of \(itemID)'s \(phase) phase could not be saved. \(cause). "
            + "The next run starts \(phase) again from the saved state."
    }
}
