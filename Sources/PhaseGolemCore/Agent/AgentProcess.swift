import CSystemShims
#if canImport(Glibc)
import Glibc
#endif

/// How an agent process ended.
public enum AgentExitStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)
    /// The status could not be collected (someone else reaped the process).
    case unknown

    /// Decodes a `waitpid` status.
    public init(waitStatus status: Int32) {
        let signal = status & 0x7F
        self = signal == 0 ? .exited((status >> 8) & 0xFF) : .signaled(signal)
    }

    public var isSuccess: Bool { self == .exited(0) }

    /// The status alone, for the original's `(status=…)` debug line: `0`, `3`, `signal 9`
    /// where the original printed `Some(0)`, `Some(3)`, `None` (docs/decisions.md D11).
    public var plainValue: String {
        switch self {
        case .exited(let code): "\(code)"
        case .signaled(let signal): "signal \(signal)"
        case .unknown: "unknown"
        }
    }

    /// `zero exit`, `exit code 3` or `signal 9`: plain values, never `Some(3)` (docs/decisions.md D11).
    public var description: String {
        switch self {
        case .exited(0): "zero exit"
        case .exited(let code): "exit code \(code)"
        case .signaled(let signal): "signal \(signal)"
        case .unknown: "unknown exit status"
        }
    }
}

/// A spawned agent: its pid (also its process group id) and the read ends of its output pipes.
///
/// Hand-written on `posix_spawn` rather than swift-subprocess: the run's kill paths (a second
/// Ctrl-C from a signal queue, the end of the run, the sweep of a killed run's leftovers) need
/// the group id the moment the child exists, from any thread, and the output is read on a
/// thread of its own with back-pressure into the event bus; swift-subprocess ties a child's
/// lifetime and I/O to the async closure that runs it.
struct AgentProcess {
    let pid: pid_t
    let stdoutFD: Int32
    let stderrFD: Int32

    /// Starts `argv` in `directory` as the leader of a new process group.
    ///
    /// stdin is /dev/null: in its own group the agent is a background job, and reading the
    /// terminal would stop it with SIGTTIN. Signal dispositions are reset to default and the
    /// mask cleared, because ignored signals survive exec and phase-golem's own signal
    /// handling must not make an agent immune to the SIGTERM that stops it. Descriptors other
    /// than 0–2 are closed so an agent cannot hold another agent's or git's pipe open.
    static func spawn(argv: [String], environment: [String], directory: String) throws(AgentError) -> AgentProcess {
        let pipes: ChildPipes
        do throws(ChildPipes.Failure) {
            pipes = try ChildPipes()
        } catch {
            throw spawnError(error.code)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        pipes.configure(&actions, directory: directory)
        pg_spawn_file_actions_addclosefrom(&actions, 3)

        var pid: pid_t = 0
        let result = ProcessRunner.withCStrings(argv) { argvPointers in
            ProcessRunner.withCStrings(environment) { envPointers in
                SpawnAttributes.with(ownGroup: true, defaultHandlers: true) { attributes in
                    posix_spawnp(&pid, argv.first ?? "", &actions, &attributes, argvPointers, envPointers)
                }
            }
        }
        pipes.closeWriteEnds(spawned: result == 0)
        guard result == 0 else { throw spawnError(result) }
        return AgentProcess(pid: pid, stdoutFD: pipes.stdoutRead, stderrFD: pipes.stderrRead)
    }

    private static func spawnError(_ code: Int32) -> AgentError {
        AgentError("Failed to spawn subprocess: \(String(cString: strerror(code)))", cause: .couldNotStart)
    }

    /// Whether the process has exited, without reaping it.
    ///
    /// Leaving the zombie in place keeps its pid, and so the group id, from being reused
    /// while the group is still registered and may be signalled.
    func hasExited() -> Bool {
        var info = siginfo_t()
        while true {
            let result = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
            if result == 0 { return info._sifields._sigchld.si_pid == pid }
            if errno == EINTR { continue }
            // ECHILD: someone else reaped it; it has certainly exited.
            return true
        }
    }

    /// Waits for the process and reaps it.
    func reap() -> AgentExitStatus {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return .unknown }
        }
        return AgentExitStatus(waitStatus: status)
    }

    func closePipes() {
        close(stdoutFD)
        close(stderrFD)
    }
}
