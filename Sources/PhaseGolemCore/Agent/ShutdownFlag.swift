import Synchronization

/// "A graceful shutdown was requested": set once by a signal, read by everything that must stop.
///
/// An atomic rather than a lock, so that setting it is safe from any context, including
/// code that runs while a signal is being handled.
public final class ShutdownFlag: Sendable {
    private let requested = Atomic<Bool>(false)

    public init() {}

    /// Whether shutdown has been requested.
    public var isRequested: Bool { requested.load(ordering: .acquiring) }

    /// Requests shutdown; repeated requests are harmless.
    public func request() {
        requested.store(true, ordering: .releasing)
    }
}
