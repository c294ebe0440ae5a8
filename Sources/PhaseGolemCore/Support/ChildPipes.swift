import CSystemShims
#if canImport(Glibc)
import Glibc
#endif

/// The stdout and stderr pipes of a child process, and the spawn file actions every child of
/// ours gets: stdin from /dev/null, output to the pipes, the given working directory.
///
/// The pipes are close-on-exec, so no other child inherits them and holds their ends open.
struct ChildPipes: ~Copyable {
    let stdoutRead: Int32
    let stderrRead: Int32
    private let stdoutWrite: Int32
    private let stderrWrite: Int32

    /// `pipe2` failed with this errno.
    struct Failure: Error {
        let code: Int32
    }

    /// Opens both pipes.
    init() throws(Failure) {
        var out: [Int32] = [-1, -1]
        var err: [Int32] = [-1, -1]
        guard pg_pipe_cloexec(&out) == 0 else { throw Failure(code: errno) }
        guard pg_pipe_cloexec(&err) == 0 else {
            let code = errno
            close(out[0]); close(out[1])
            throw Failure(code: code)
        }
        (stdoutRead, stdoutWrite, stderrRead, stderrWrite) = (out[0], out[1], err[0], err[1])
    }

    /// Adds stdin-from-/dev/null, the two output redirections and the working directory.
    func configure(_ actions: inout posix_spawn_file_actions_t, directory: String?) {
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutWrite, 1)
        posix_spawn_file_actions_adddup2(&actions, stderrWrite, 2)
        // Nothing else of ours reaches git or its hooks: a descriptor opened elsewhere without
        // close-on-exec (a library's file being written, say) would otherwise stay open for as
        // long as a hook runs, keeping that file "busy" for exec (ETXTBSY) or a lock held.
        pg_spawn_file_actions_addclosefrom(&actions, 3)
        if let directory { pg_spawn_file_actions_addchdir(&actions, directory) }
    }

    /// After the spawn: the parent keeps only the read ends; on failure, closes those too.
    func closeWriteEnds(spawned: Bool) {
        close(stdoutWrite)
        close(stderrWrite)
        if !spawned {
            close(stdoutRead)
            close(stderrRead)
        }
    }
}
