import Dispatch

/// A serial executor that runs an actor's jobs on its own Dispatch queue, off Swift's
/// cooperative pool, so that an actor doing blocking I/O cannot starve other tasks.
public final class QueueExecutor: SerialExecutor, @unchecked Sendable {
    // DispatchQueue is thread-safe; the class holds nothing else.
    private let queue: DispatchQueue

    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async {
            unowned.runSynchronously(on: executor)
        }
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }
}
