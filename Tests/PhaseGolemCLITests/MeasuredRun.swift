import Foundation
import PhaseGolemCore

/// Runs the binary and measures it: its peak resident memory, and its stderr counted rather
/// than kept (an agent that prints a gigabyte is echoed to stderr in plain mode).
///
/// The peak is `VmHWM` from `/proc/PID/status`, sampled while the binary runs and once more
/// when its summary has been printed. Not `wait4`'s `ru_maxrss`: posix_spawn starts the child
/// in the test runner's address space, and exec records that address space's peak, so the
/// figure would be the test runner's size whenever that is larger.
struct MeasuredRun {
    var status: Int32
    var peakRSSBytes: Int
    var seconds: Double
    var stderrBytes: Int
    /// The first and last 64 KiB of stderr: the startup lines and the summary.
    var stderrHead: String
    var stderrTail: String

    static let keep = 64 * 1024

    /// Runs `phase-golem ARGUMENTS` in `root` with `environment` added.
    static func run(_ arguments: [String], in root: String, environment: [String: String]) throws -> MeasuredRun {
        var pipe: [Int32] = [-1, -1]
        guard Glibc.pipe(&pipe) == 0 else { throw CLIHarness.HarnessError("pipe: \(String(cString: strerror(errno)))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 2)
        posix_spawn_file_actions_addclose(&actions, pipe[0])
        posix_spawn_file_actions_addclose(&actions, pipe[1])
        // `sh` changes directory and then execs the binary, which keeps the pid wait4 measures.
        let argv = ["/bin/sh", "-c", "cd \"$1\" && shift && exec \"$@\"", "sh", root, CLIHarness.binary] + arguments
        let env = CLIHarness.environment(environment)
        let envp = env.map { "\($0.key)=\($0.value)" }
        let start = Date()
        var pid: pid_t = 0
        let spawned = withCStringArray(argv) { argvPointers in
            withCStringArray(envp) { envPointers in
                posix_spawn(&pid, "/bin/sh", &actions, nil, argvPointers, envPointers)
            }
        }
        close(pipe[1])
        defer { close(pipe[0]) }
        guard spawned == 0 else { throw CLIHarness.HarnessError("spawn: \(String(cString: strerror(spawned)))") }

        var head: [UInt8] = []
        var tail: [UInt8] = []
        var total = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var peak = 0
        var sampledAt = Date.distantPast
        var summarySampled = false
        let summaryEnd = Array("Halt reason: ".utf8)
        while true {
            let got = buffer.withUnsafeMutableBytes { Glibc.read(pipe[0], $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { break }
            total += got
            if head.count < keep { head += buffer[0..<min(got, keep - head.count)] }
            tail += buffer[max(0, got - keep)..<got]
            if tail.count > 2 * keep { tail.removeFirst(tail.count - keep) }
            // The last sample comes after the summary, when all the work is done.
            let atSummary = !summarySampled && tail.suffix(4096).firstRange(of: summaryEnd) != nil
            if atSummary || Date().timeIntervalSince(sampledAt) > 0.02 {
                peak = max(peak, highWaterMark(pid) ?? 0)
                sampledAt = Date()
                summarySampled = summarySampled || atSummary
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let seconds = Date().timeIntervalSince(start)
        // Exit code when exited normally, 128 + signal otherwise (as a shell reports it).
        let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return MeasuredRun(status: code, peakRSSBytes: peak, seconds: seconds, stderrBytes: total,
                           stderrHead: String(decoding: head, as: UTF8.self),
                           stderrTail: String(decoding: tail.suffix(keep), as: UTF8.self))
    }

    /// `VmHWM` of a live process, in bytes; nil once it has exited.
    static func highWaterMark(_ pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.dropFirst("VmHWM:".count).filter(\.isNumber)) else { return nil }
        return kilobytes * 1024
    }

    private static func withCStringArray<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}
