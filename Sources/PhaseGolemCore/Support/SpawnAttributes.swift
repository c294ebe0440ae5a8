#if canImport(Glibc)
import Glibc
#endif

/// The `posix_spawn` attributes of our children: no blocked signals and, for agents, default
/// handlers for the signals a terminal or a shutdown sends.
///
/// A child inherits the spawning thread's signal mask and ignored signals. Test runners and
/// Dispatch threads block almost every signal, so without a fresh mask an agent would never see
/// a SIGTERM and every stop would wait out its grace and SIGKILL.
enum SpawnAttributes {
    /// Calls `body` with initialised attributes.
    ///
    /// - Parameters:
    ///   - ownGroup: put the child in a new process group (agents: out of reach of a terminal Ctrl-C).
    ///   - defaultHandlers: reset ignored INT, TERM, HUP and the like to their defaults. Agents get
    ///     that; git keeps the run's ignored INT, TERM and HUP, because a Ctrl-C reaches the run's
    ///     whole process group and a git killed mid-commit would leave `index.lock` behind just
    ///     as the run is saving its state.
    static func with<T>(ownGroup: Bool, defaultHandlers: Bool, _ body: (inout posix_spawnattr_t) -> T) -> T {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var flags = POSIX_SPAWN_SETSIGMASK
        if defaultHandlers {
            var defaults = sigset_t()
            sigemptyset(&defaults)
            for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGTSTP, SIGTTIN, SIGTTOU, SIGUSR1, SIGUSR2] {
                sigaddset(&defaults, signal)
            }
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            flags |= POSIX_SPAWN_SETSIGDEF
        }
        if ownGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        return body(&attributes)
    }
}
