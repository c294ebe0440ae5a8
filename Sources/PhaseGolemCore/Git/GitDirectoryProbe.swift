#if canImport(Glibc)
import Glibc
#endif

/// Checks before any work that git can write its directory: phase-golem commits every state
/// change, so a read-only `.git` would otherwise turn each commit of a long run into a warning.
///
/// Root ignores permission bits, so asking `access(2)` is not enough; the probe creates and
/// removes a uniquely named file, which also catches read-only mounts and full quotas.
public enum GitDirectoryProbe {
    /// The git directory cannot be written.
    public struct NotWritable: Error, Sendable, Equatable, CustomStringConvertible {
        public let gitDirectory: String
        public let errno: Int32

        public var description: String {
            "The git directory \(gitDirectory) is not writable (\(String(cString: strerror(errno)))). "
                + "phase-golem commits every state change; make it writable and run again."
        }
    }

    /// Throws unless a file can be created (and removed) in `gitDirectory`.
    public static func requireWritable(_ gitDirectory: String) throws(NotWritable) {
        let name = ".phase-golem-write-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let path = FileIO.join(gitDirectory, name)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure(gitDirectory) }
        close(fd)
        guard unlink(path) == 0 else { throw failure(gitDirectory) }
    }

    /// The error for the current `errno`, read before anything else can change it.
    private static func failure(_ gitDirectory: String) -> NotWritable {
        let code = errno
        return NotWritable(gitDirectory: displayPath(gitDirectory), errno: code)
    }

    /// The absolute path, so the message points at the right `.git` whatever the working directory.
    private static func displayPath(_ path: String) -> String {
        FileIO.realPath(path) ?? path
    }
}
