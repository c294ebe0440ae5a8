#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on `.task-golem/tasks.lock`, taken the way task-golem takes it.
///
/// BSD `flock`, not `fcntl`/`lockf`: on Linux those do not exclude each other, and task-golem
/// uses `flock`. The descriptor is close-on-exec so a spawned git cannot inherit the lock.
public struct StoreLock: ~Copyable {
    private let fd: Int32

    /// How long to keep trying, and how to back off; task-golem's values by default.
    public struct Policy: Sendable {
        public var timeoutSeconds: Double
        public var initialDelaySeconds: Double
        public var maxDelaySeconds: Double

        public static let taskGolem = Policy(timeoutSeconds: 5, initialDelaySeconds: 0.010, maxDelaySeconds: 0.5)

        public init(timeoutSeconds: Double, initialDelaySeconds: Double, maxDelaySeconds: Double) {
            self.timeoutSeconds = timeoutSeconds
            self.initialDelaySeconds = initialDelaySeconds
            self.maxDelaySeconds = maxDelaySeconds
        }
    }

    /// Polls with non-blocking attempts: 10 ms doubling to 500 ms with 0–50% jitter, up to 5 s.
    public init(path: String, policy: Policy = .taskGolem) throws(StoreError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            throw .io("Failed to open lock file \(path): \(String(cString: strerror(errno)))")
        }
        let start = MonotonicClock.seconds()
        var delay = policy.initialDelaySeconds
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK else {
                close(fd)
                throw .io("Failed to lock \(path): \(String(cString: strerror(code)))")
            }
            if MonotonicClock.seconds() - start >= policy.timeoutSeconds {
                close(fd)
                throw .lockTimeout(lockPath: path, seconds: policy.timeoutSeconds)
            }
            let jittered = delay * (1 + Double.random(in: 0...0.5))
            MonotonicClock.sleep(seconds: jittered)
            delay = min(delay * 2, policy.maxDelaySeconds)
        }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
