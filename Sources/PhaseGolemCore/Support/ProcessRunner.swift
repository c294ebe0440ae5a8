import CSystemShims
#if canImport(Glibc)
import Glibc
#endif

/// Runs a short-lived program to completion and captures its output.
///
/// Used for git, whose output is small. No shell is involved: arguments go to the program
/// as they are, so an item title can never be interpreted as shell syntax.
///
/// Written on `posix_spawn` and `poll` rather than swift-subprocess: a limited run needs the
/// child in a process group of its own (to kill a hook with its git) and a wait that also
/// watches the run's shutdown pipes, which that library does not offer.
public enum ProcessRunner {
    /// How long a program may run, and the run whose shutdown cuts it short.
    public struct Limit: Sendable {
        /// The deadline, from the start.
        public var seconds: Double
        /// Once shutdown is requested, the program gets at most this much longer; forcing the
        /// stop kills it at once. A program started after the force only has the shorter
        /// deadline: the run's last commit of its state still gets its chance.
        public var shutdown: ShutdownFlag?
        public var afterShutdownSeconds: Double

        public init(seconds: Double, shutdown: ShutdownFlag? = nil, afterShutdownSeconds: Double = 10) {
            self.seconds = seconds
            self.shutdown = shutdown
            self.afterShutdownSeconds = afterShutdownSeconds
        }
    }

    /// Why a limited program was killed before it finished.
    public enum Stop: Sendable, Equatable {
        /// It ran past `Limit.seconds` (or past the shortened deadline after a shutdown request).
        case deadline(seconds: Double, shuttingDown: Bool)
        /// The operator forced the stop.
        case forced
    }

    /// What a finished program returned.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: [UInt8]
        /// Set when the program was killed for its limit: `status` then tells nothing.
        public var stopped: Stop? = nil

        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
        public var succeeded: Bool { status == 0 }
    }

    /// Why a program could not be started.
    public struct SpawnFailure: Error, Sendable, CustomStringConvertible {
        public let program: String
        public let errno: Int32
        public var description: String { "\(program): \(String(cString: strerror(errno)))" }
    }

    /// Captured output beyond this many bytes per stream is dropped, to bound memory.
    public static let captureLimit = 16 * 1024 * 1024

    /// Runs `program` (looked up on PATH) with `arguments` in `directory`, stdin from /dev/null.
    ///
    /// With a `limit`, the program is killed when the limit says so. With the limit of a run
    /// (a shutdown flag), it also runs in a process group of its own, killed as a whole (what
    /// it started, a git hook, goes with it): the run handles Ctrl-C itself. Without one (a
    /// one-shot command) it stays in the caller's group, where a terminal's Ctrl-C reaches it.
    public static func run(_ program: String, _ arguments: [String], in directory: String? = nil,
                           environment: [String: String]? = nil, limit: Limit? = nil) throws(SpawnFailure) -> Output {

        let pipes: ChildPipes
        do throws(ChildPipes.Failure) {
            pipes = try ChildPipes()
        } catch {
            throw SpawnFailure(program: program, errno: error.code)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        pipes.configure(&actions, directory: directory)

        let ownGroup = limit?.shutdown != nil
        let argv = [program] + arguments
        let executable = resolve(program)
        let envp: [String]? = environment.map { $0.map { "\($0.key)=\($0.value)" } }
        var pid: pid_t = 0
        let spawnResult = withCStrings(argv) { argvPointers in
            SpawnAttributes.with(ownGroup: ownGroup, defaultHandlers: false) { attributes in
                if let envp {
                    return withCStrings(envp) { envPointers in
                        posix_spawnp(&pid, executable, &actions, &attributes, argvPointers, envPointers)
                    }
                }
                return posix_spawnp(&pid, executable, &actions, &attributes, argvPointers, environ)
            }
        }
        pipes.closeWriteEnds(spawned: spawnResult == 0)
        guard spawnResult == 0 else { throw SpawnFailure(program: program, errno: spawnResult) }
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        let stopped = drain(pipes.stdoutRead, pipes.stderrRead, into: &stdout, &stderr, limit: limit)
        if stopped != nil { kill(ownGroup ? -pid : pid, SIGKILL) }
        close(pipes.stdoutRead)
        close(pipes.stderrRead)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return Output(status: exitCode(fromWaitStatus: status), stdout: stdout, stderr: stderr, stopped: stopped)
    }

    private static let resolvedPrograms = Locked<[String: String]>([:])

    /// The program's path on PATH, looked up once per process: `posix_spawnp` would try
    /// every PATH entry (often eight or more failed execs) on each of the many git calls.
    static func resolve(_ program: String) -> String {
        if program.contains("/") { return program }
        if let known = resolvedPrograms.withLock({ $0[program] }) { return known }
        guard let found = AgentCommand.findExecutable(program, searchPath: AgentCommand.environmentPath) else { return program }
        resolvedPrograms.withLock { $0[program] = found }
        return found
    }

    /// The exit code of a wait status; 128 + signal for a program killed by a signal.
    public static func exitCode(fromWaitStatus status: Int32) -> Int32 {
        switch AgentExitStatus(waitStatus: status) {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        case .unknown: -1
        }
    }

    /// Reads both pipes to their end; with a limit, stops early and says why.
    private static func drain(_ outFD: Int32, _ errFD: Int32, into stdout: inout [UInt8], _ stderr: inout [UInt8],
                              limit: Limit?) -> Stop? {
        let shutdown = limit?.shutdown
        // The shutdown pipes sit after the output pipes; a negative fd is skipped by poll.
        var fds = [pollfd(fd: outFD, events: Int16(POLLIN), revents: 0), pollfd(fd: errFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: shutdown?.requestedFD ?? -1, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: shutdown?.isForced == false ? shutdown?.forcedFD ?? -1 : -1, events: Int16(POLLIN), revents: 0)]
        var deadline = limit.map { MonotonicClock.seconds() + $0.seconds }
        var shuttingDown = false
        var open = 2
        var chunk = [UInt8](repeating: 0, count: 65536)
        while open > 0 {
            if let shutdown, let limit, !shuttingDown, shutdown.isRequested {
                // The program may still finish what it is doing (a commit of the state), but not wait for ever.
                shuttingDown = true
                fds[2].fd = -1
                deadline = min(deadline ?? .infinity, MonotonicClock.seconds() + limit.afterShutdownSeconds)
            }
            if fds[3].fd >= 0, fds[3].revents != 0 { return .forced }
            var timeout: Int32 = -1
            if let deadline {
                let left = deadline - MonotonicClock.seconds()
                if left <= 0, let limit {
                    return .deadline(seconds: shuttingDown ? min(limit.seconds, limit.afterShutdownSeconds) : limit.seconds,
                                     shuttingDown: shuttingDown)
                }
                timeout = Int32(min((left * 1000).rounded(.up), Double(Int32.max)))
            }
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                return nil
            }
            for index in 0..<2 where fds[index].fd >= 0 && fds[index].revents != 0 {
                let got = chunk.withUnsafeMutableBytes { Glibc.read(fds[index].fd, $0.baseAddress, $0.count) }
                if got > 0 {
                    if index == 0 {
                        if stdout.count < captureLimit { stdout.append(contentsOf: chunk[0..<got]) }
                    } else if stderr.count < captureLimit {
                        stderr.append(contentsOf: chunk[0..<got])
                    }
                } else if got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN) {
                    fds[index].fd = -1
                    open -= 1
                }
            }
        }
        return nil
    }

    /// Calls `body` with a NULL-terminated C array of the strings.
    static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}
