#if canImport(Glibc)
import Glibc
#endif

/// `run --detach`: the same run as a plain-mode run under `nohup`, started in a session of its
/// own so that closing the terminal cannot stop it (docs/journal.md).
public enum DetachedRun {
    /// Where the detached run's plain log goes (its journal and attempt logs are where every run's are).
    public static func outputPath(root: String) -> String { FileIO.join(RuntimeLock.directory(root: root), "detached.out") }

    /// Starts this executable with `arguments` (plain mode) in a new session, standard input
    /// from /dev/null, standard output and error to `detached.out`. Returns its PID.
    public static func spawn(arguments: [String], root: String) throws(OperationError) -> pid_t {
        do {
            try FileIO.makeDirectories(RuntimeLock.directory(root: root))
        } catch {
            throw OperationError("Cannot start a detached run: \(error)")
        }
        let output = outputPath(root: root)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let program = SelfExecutable.path
        let argv = [program] + arguments
        var pid: pid_t = 0
        let status = SpawnAttributes.with(ownGroup: false, defaultHandlers: true) { attributes -> Int32 in
            // POSIX_SPAWN_SETSID (glibc 2.26): a session of its own, so the terminal's hang-up never reaches it.
            var flags: Int16 = 0
            posix_spawnattr_getflags(&attributes, &flags)
            posix_spawnattr_setflags(&attributes, flags | 0x80)
            var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
            defer { for pointer in cArguments { free(pointer) } }
            return posix_spawn(&pid, program, &actions, &attributes, &cArguments, environ)
        }
        guard status == 0 else {
            throw OperationError("Cannot start a detached run: \(String(cString: strerror(status))). Run without --detach, under nohup.")
        }
        return pid
    }

    /// Waits until the detached run has opened its journal (its run id) or has exited (its
    /// exit status), for at most `seconds`.
    public static func awaitStart(pid: pid_t, root: String, seconds: Double = 30) -> (runID: String?, exitStatus: Int32?) {
        let deadline = MonotonicClock.seconds() + seconds
        while MonotonicClock.seconds() < deadline {
            if let id = RunHistory.runIDs(root: root).first(where: { $0.hasSuffix("-\(pid)") }) { return (id, nil) }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
                return (nil, code)
            }
            MonotonicClock.sleep(.milliseconds(50))
        }
        return (nil, nil)
    }
}
