import CSystemShims
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a short-lived program to completion and captures its output.
///
/// Used for git, whose output is small. No shell is involved: arguments go to the program
/// as they are, so an item title can never be interpreted as shell syntax.
public enum ProcessRunner {
    /// What a finished program returned.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: [UInt8]

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
    public static func run(_ program: String, _ arguments: [String], in directory: String? = nil,
                           environment: [String: String]? = nil) throws(SpawnFailure) -> Output {
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

        let argv = [program] + arguments
        let executable = resolve(program)
        let envp: [String]? = environment.map { $0.map { "\($0.key)=\($0.value)" } }
        var pid: pid_t = 0
        let spawnResult = withCStrings(argv) { argvPointers in
            SpawnAttributes.with(ownGroup: false, defaultHandlers: false) { attributes in
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
        drain(pipes.stdoutRead, pipes.stderrRead, into: &stdout, &stderr)
        close(pipes.stdoutRead)
        close(pipes.stderrRead)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return Output(status: exitCode(fromWaitStatus: status), stdout: stdout, stderr: stderr)
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
        let signal = status & 0x7F
        if signal == 0 { return (status >> 8) & 0xFF }
        return 128 + signal
    }

    private static func drain(_ outFD: Int32, _ errFD: Int32, into stdout: inout [UInt8], _ stderr: inout [UInt8]) {
        var fds = [pollfd(fd: outFD, events: Int16(POLLIN), revents: 0), pollfd(fd: errFD, events: Int16(POLLIN), revents: 0)]
        var open = 2
        var chunk = [UInt8](repeating: 0, count: 65536)
        while open > 0 {
            let ready = poll(&fds, nfds_t(fds.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            for index in fds.indices where fds[index].fd >= 0 && fds[index].revents != 0 {
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
    }

    /// Calls `body` with a NULL-terminated C array of the strings.
    static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}
