#if canImport(Glibc)
import Glibc
#endif

/// Runs blocking work on a thread of its own, outside Swift's cooperative pool.
///
/// An agent run blocks in `poll(2)` and `waitpid(2)` for up to its timeout. On the
/// cooperative pool (one thread per core) two concurrent agents would starve every other
/// task; Dispatch's global queues are bounded too. A plain pthread per run costs nothing
/// in comparison to the agent it supervises.
public enum BlockingThread {
    private final class Work {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Starts `body` on a new detached thread; runs it on the calling thread if none can be made.
    public static func start(_ body: @escaping @Sendable () -> Void) {
        let work = Unmanaged.passRetained(Work(body))
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            let work = Unmanaged<Work>.fromOpaque(context).takeRetainedValue()
            work.body()
            return nil
        }, work.toOpaque())
        if result == 0 {
            pthread_detach(thread)
        } else {
            work.takeRetainedValue().body()
        }
    }

    /// Runs `body` on its own thread and suspends the caller until it returns.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            start { continuation.resume(returning: body()) }
        }
    }
}
