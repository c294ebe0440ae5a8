import PhaseGolemCore
#if canImport(Glibc)
import Glibc
#endif

// phase-golem-bench: measures the release `phase-golem` binary as a whole process.
//
//   swift build -c release && .build/release/phase-golem-bench store [--runs N]
//
// Numbers are wall-clock medians over several runs and the peak resident set size
// (getrusage of the child), for realistic stores of 1k, 10k and 100k items.

struct Measurement {
    var seconds: [Double] = []
    var peakKB: Int = 0

    var median: Double {
        let sorted = seconds.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    var minimum: Double { seconds.min() ?? 0 }
}

enum Bench {
    static func fail(_ message: String) -> Never {
        Logger.writeLine("phase-golem-bench: \(message)", to: 2)
        exit(1)
    }

    /// The `phase-golem` binary built beside this one.
    static func binaryPath() -> String {
        let selfPath = resolveSelf()
        let candidate = FileIO.join(FileIO.parentDirectory(of: selfPath), "phase-golem")
        guard FileIO.exists(candidate) else {
            fail("\(candidate) not found. Build it first: swift build -c release")
        }
        return candidate
    }

    static func resolveSelf() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Runs the binary once; returns wall seconds and the child's peak RSS in KB.
    static func runOnce(_ binary: String, _ arguments: [String], in directory: String) -> (Double, Int) {
        let start = StoreLockClock.now()
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = [binary, "--root", directory] + arguments
        let pointers: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        let result = posix_spawn(&pid, binary, &actions, nil, pointers, environ)
        posix_spawn_file_actions_destroy(&actions)
        guard result == 0 else { fail("cannot start \(binary): \(String(cString: strerror(result)))") }
        var status: Int32 = 0
        var usage = rusage()
        wait4(pid, &status, 0, &usage)
        let elapsed = StoreLockClock.now() - start
        if status != 0 { fail("\(argv.joined(separator: " ")) exited with status \(status)") }
        return (elapsed, usage.ru_maxrss)
    }

    static func measure(_ binary: String, runs: Int, in directory: String, _ arguments: (Int) -> [String]) -> Measurement {
        var measurement = Measurement()
        for run in 0..<runs {
            let (seconds, peak) = runOnce(binary, arguments(run), in: directory)
            measurement.seconds.append(seconds)
            measurement.peakKB = max(measurement.peakKB, peak)
        }
        return measurement
    }

    static func format(_ seconds: Double) -> String {
        let ms = seconds * 1000
        return ms < 10 ? String(Int((ms * 100).rounded())).leftPadDecimal(2) + " ms" : String(Int(ms.rounded())) + " ms"
    }

    static func storeBenchmark(runs: Int) {
        let binary = binaryPath()
        let base = "/tmp/phase-golem-bench-\(getpid())"
        defer { _ = try? ProcessRunner.run("rm", ["-rf", base]) }

        let empty = FileIO.join(base, "empty")
        _ = try? StoreGenerator.write(root: empty, count: 0, blocked: 0)
        let startup = measure(binary, runs: runs * 3, in: empty) { _ in ["status"] }
        print("startup (status, empty store): median \(format(startup.median)), min \(format(startup.minimum)), peak \(startup.peakKB / 1024) MB")

        for count in [1_000, 10_000, 100_000] {
            let root = FileIO.join(base, "s\(count)")
            let bytes: Int
            do {
                bytes = try StoreGenerator.write(root: root, count: count, blocked: runs)
            } catch {
                fail("cannot generate the store: \(error)")
            }
            let repeats = count >= 100_000 ? max(3, runs / 3) : runs
            let status = measure(binary, runs: repeats, in: root) { _ in ["status"] }
            let unblock = measure(binary, runs: runs, in: root) { run in ["unblock", StoreGenerator.blockedID(run)] }
            let mb = Double(bytes) / 1_048_576
            print("\(count) items (\(Int(mb.rounded())) MB): status median \(format(status.median)) (min \(format(status.minimum))), "
                + "peak \(status.peakKB / 1024) MB; unblock median \(format(unblock.median)) (min \(format(unblock.minimum))), peak \(unblock.peakKB / 1024) MB")
        }
    }
}

/// A monotonic clock in seconds.
enum StoreLockClock {
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

extension String {
    func leftPadDecimal(_ decimals: Int) -> String {
        let padded = count <= decimals ? String(repeating: "0", count: decimals - count + 1) + self : self
        let split = padded.index(padded.endIndex, offsetBy: -decimals)
        return String(padded[..<split]) + "." + String(padded[split...])
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
var runs = 10
if let index = arguments.firstIndex(of: "--runs"), index + 1 < arguments.count, let value = Int(arguments[index + 1]), value > 0 {
    runs = value
}
switch arguments.first {
case "store":
    Bench.storeBenchmark(runs: runs)
case "generate":
    // Leaves a store behind for profiling: phase-golem-bench generate COUNT DIR
    guard arguments.count == 3, let count = Int(arguments[1]) else {
        Bench.fail("usage: phase-golem-bench generate COUNT DIR")
    }
    do {
        let bytes = try StoreGenerator.write(root: arguments[2], count: count, blocked: min(count, 100))
        print("wrote \(count) items, \(bytes) bytes, to \(arguments[2])/.task-golem")
    } catch {
        Bench.fail("\(error)")
    }
default:
    Logger.writeLine("usage: phase-golem-bench store [--runs N] | generate COUNT DIR", to: 2)
    exit(2)
}
