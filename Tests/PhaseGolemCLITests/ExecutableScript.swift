#if canImport(Glibc)
import Glibc
#endif
import PhaseGolemCore

/// Writes scripts that a test then executes.
///
/// Exec fails with ETXTBSY ("Text file busy") while any process holds the file open for
/// writing. Foundation's writers open it without close-on-exec, so a child that another test
/// forks at that moment inherits the write descriptor and keeps it for as long as it runs (an
/// agent sleeping for minutes, say). `FileIO.writeAtomically` writes a close-on-exec temporary
/// file, closes it and renames it into place, so no descriptor for writing the script survives.
enum ExecutableScript {
    static func write(_ text: String, to path: String) throws {
        try FileIO.writeAtomically(path, chunks: [Array(text.utf8)])
        guard chmod(path, 0o755) == 0 else { throw ChmodFailed(path: path, errno: errno) }
    }

    struct ChmodFailed: Error {
        let path: String
        let errno: Int32
    }
}
