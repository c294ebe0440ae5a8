#if canImport(Glibc)
import Glibc
#endif

/// The one-instance-per-project lock: `flock` on `.phase-golem/phase-golem.lock`, plus a PID file
/// for the error message (docs/compatibility.md#the-runtime-lock).
public final class RuntimeLock: @unchecked Sendable {
    // Only touched by init and deinit; the object is immutable in between.
    private let fd: Int32
    private let pidPath: String
    /// The PID a previous holder left in the PID file: that holder ended without releasing
    /// the lock (killed, or the machine went down), so its work may be half done.
    public let interruptedHolder: Int32?

    /// Why the lock could not be taken.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public static func directory(root: String) -> String { FileIO.join(root, ".phase-golem") }
    public static func lockPath(root: String) -> String { FileIO.join(directory(root: root), "phase-golem.lock") }
    public static func pidPath(root: String) -> String { FileIO.join(directory(root: root), "phase-golem.pid") }

    /// Takes the lock without waiting and records our PID.
    public init(root: String) throws(Failure) {
        let lockPath = Self.lockPath(root: root)
        let pidPath = Self.pidPath(root: root)
        do {
            try FileIO.makeDirectories(Self.directory(root: root))
        } catch {
            throw Failure(description: error.description)
        }
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            throw Failure(description: "Failed to open \(lockPath): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw Self.heldFailure(lockPath: lockPath, pidPath: pidPath)
        }
        self.fd = fd
        self.pidPath = pidPath
        // Every clean exit deletes the PID file, so one still there while the lock was free
        // belongs to a holder that died.
        let leftover = (try? FileIO.readText(pidPath)).flatMap { $0 }.flatMap { Int32($0.trimmed()) }
        self.interruptedHolder = leftover == getpid() ? nil : leftover
        try? FileIO.writeAtomically(pidPath, chunks: [Array(String(getpid()).utf8)])
    }

    deinit {
        unlink(pidPath)
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// Whether another process holds the lock right now (a `run` or `triage` in progress).
    public static func isHeldByAnotherProcess(root: String) -> Bool {
        let fd = open(lockPath(root: root), O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }

    private static func heldFailure(lockPath: String, pidPath: String) -> Failure {
        let text = (try? FileIO.readText(pidPath)).flatMap { $0 }?.trimmed() ?? ""
        guard let pid = Int32(text) else {
            return Failure(description: "Another phase-golem instance holds the lock. If this is stale, remove \(lockPath)")
        }
        if kill(pid, 0) == 0 || errno == EPERM {
            return Failure(description: "Another phase-golem instance is running (PID \(pid))\nhint: wait for it to finish, or stop it first")
        }
        return Failure(description: "Lock file is held but recorded PID \(pid) is not alive. Remove \(lockPath) and \(pidPath) to recover")
    }
}
