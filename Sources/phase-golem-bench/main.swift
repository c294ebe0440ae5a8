import PhaseGolemCore
#if canImport(Glibc)
import Glibc
#endif

// phase-golem-bench: measures the release `phase-golem` binary as a whole process.
//
//   swift build -c release && .build/release/phase-golem-bench store [--runs N] [--original PATH] [--sizes N,N] [--binary PATH]
//
// With --original (the original phase-golem binary, given at run time: nothing in the repository
// refers to it), every figure is measured for both binaries in alternating runs and printed with
// the ratio ours / original.
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
        let selfPath = SelfExecutable.path
        let candidate = FileIO.join(FileIO.parentDirectory(of: selfPath), "phase-golem")
        guard FileIO.exists(candidate) else {
            fail("\(candidate) not found. Build it first: swift build -c release")
        }
        return candidate
    }

    /// Runs the binary once; returns wall seconds and the child's peak RSS in KB.
    static func runOnce(_ binary: String, _ arguments: [String], in directory: String) -> (Double, Int) {
        let start = StoreLockClock.now()
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = binary == "/bin/true" ? [binary] : [binary, "--root", directory] + arguments
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

    /// Generates a store in a child process; returns the size of its tasks.jsonl.
    @discardableResult
    static func generate(count: Int, blocked: Int, root: String) -> Int {
        let output: ProcessRunner.Output
        do {
            output = try ProcessRunner.run(SelfExecutable.path, ["generate", String(count), root, String(blocked)])
        } catch {
            fail("cannot generate the store: \(error)")
        }
        guard output.succeeded else { fail("cannot generate the store: \(output.stderrText)") }
        // The size from stat: reading the file here would grow this process, and with it every
        // later child's reported peak (see the floor above).
        return FileIO.length(FileIO.join(root, ".task-golem/tasks.jsonl")) ?? 0
    }

    /// Measures two binaries in turn (A B A B ...), so drift in the machine's speed hits both alike.
    static func measurePair(_ a: (binary: String, root: String), _ b: (binary: String, root: String)?, runs: Int,
                            _ arguments: (Int) -> [String]) -> (Measurement, Measurement?) {
        var first = Measurement()
        var second = Measurement()
        for run in 0..<runs {
            let (seconds, peak) = runOnce(a.binary, arguments(run), in: a.root)
            first.seconds.append(seconds)
            first.peakKB = max(first.peakKB, peak)
            if let b {
                let (seconds, peak) = runOnce(b.binary, arguments(run), in: b.root)
                second.seconds.append(seconds)
                second.peakKB = max(second.peakKB, peak)
            }
        }
        return (first, b == nil ? nil : second)
    }

    /// One result line: ours, and with the original its figures and the ratios (ours / original).
    static func report(_ label: String, _ ours: Measurement, _ original: Measurement?) {
        var line = "\(label): ours median \(format(ours.median)) (min \(format(ours.minimum))), peak \(ours.peakKB / 1024) MB"
        if let original {
            let pairs = zip(ours.seconds, original.seconds).map { $0 / $1 }.sorted()
            let pairMedian = pairs.isEmpty ? 0 : pairs[pairs.count / 2]
            line += "; original median \(format(original.median)) (min \(format(original.minimum))), peak \(original.peakKB / 1024) MB"
            line += "; ratio of medians \(ratio(ours.median / original.median)), median of paired ratios \(ratio(pairMedian))"
        }
        print(line)
    }

    static func ratio(_ value: Double) -> String {
        String(Int((value * 100).rounded())).leftPadDecimal(2) + "x"
    }

    /// Holds the runtime lock of `root` as a run would, so our `unblock`/`advance` leave their
    /// commit to "the run" (docs/decisions.md D4) and do what the original does: the store change only.
    static func holdRuntimeLock(root: String) -> Int32 {
        let path = RuntimeLock.lockPath(root: root)
        do {
            try FileIO.makeDirectories(FileIO.parentDirectory(of: path))
        } catch {
            fail("cannot create \(path): \(error)")
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        guard fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 else { fail("cannot lock \(path)") }
        return fd
    }

    static func copyTree(_ from: String, _ to: String) {
        guard let output = try? ProcessRunner.run("cp", ["-a", from, to]), output.succeeded else { fail("cannot copy \(from) to \(to)") }
    }

    /// The id of an InProgress item of a generated store (every sixth item from the fourth on, past the blocked ones).
    static func inProgressID(blocked: Int) -> String {
        var index = 3
        while index < blocked { index += 6 }
        return "WRK-" + StoreGenerator.hex(index)
    }

    static func storeBenchmark(runs: Int, original: String?, sizes: [Int], ours: String?) {
        let binary = ours ?? binaryPath()
        if let original, !FileIO.exists(original) { fail("\(original) not found (--original takes the original phase-golem binary)") }
        let base = "/tmp/phase-golem-bench-\(getpid())"
        defer { _ = try? ProcessRunner.run("rm", ["-rf", base]) }
        print("""
            Whole-process wall time and peak RSS of `phase-golem` (ours: \(binary)\(original.map { "; original: \($0)" } ?? "")),
            runs alternating between the two on identical copies of each generated store. unblock and advance
            measure the store change only, as the original makes it: ours runs with the runtime lock held by
            this bench, so it leaves the git commit (docs/decisions.md D4) to that "run"; the line marked "with git"
            measures ours committing, in a git repository, with nothing to compare it to.
            """)

        let empty = FileIO.join(base, "empty")
        generate(count: 0, blocked: 0, root: empty)
        // A child's peak RSS includes this process's size at spawn time (Linux records the old
        // address space at exec), so the stores are generated by a child and this one stays small.
        let floor = measure("/bin/true", runs: 3, in: empty) { _ in [] }
        print("floor (peak RSS reported for /bin/true spawned by this bench): \(floor.peakKB / 1024) MB")
        let startup = measurePair((binary, empty), original.map { ($0, empty) }, runs: runs * 3) { _ in ["status"] }
        report("startup (status, empty store)", startup.0, startup.1)

        for count in sizes {
            let root = FileIO.join(base, "s\(count)")
            let bytes = generate(count: count, blocked: runs, root: root)
            let originalRoot = root + "-original"
            if original != nil { copyTree(root, originalRoot) }
            let other = original.map { ($0, originalRoot) }
            let label = count >= 1000 ? "\(count / 1000)k" : "\(count)"
            print("\(label) items (\(Int((Double(bytes) / 1_048_576).rounded())) MB):")
            let repeats = count >= 100_000 ? max(3, runs / 3) : runs
            let status = measurePair((binary, root), other, runs: repeats) { _ in ["status"] }
            report("  status \(label)", status.0, status.1)
            let lock = holdRuntimeLock(root: root)
            let unblock = measurePair((binary, root), other, runs: runs) { run in ["unblock", StoreGenerator.blockedID(run)] }
            report("  unblock \(label)", unblock.0, unblock.1)
            let target = inProgressID(blocked: runs)
            let advance = measurePair((binary, root), other, runs: runs) { run in ["advance", target, "--to", run % 2 == 0 ? "design" : "build"] }
            report("  advance \(label)", advance.0, advance.1)
            close(lock)
            if count == 10_000 {
                let repository = root + "-git"
                copyTree(root, repository)
                let git = Git(root: repository)
                do {
                    try git.run(["init", "-q"])
                    try git.run(["config", "user.name", "bench"])
                    try git.run(["config", "user.email", "bench@localhost"])
                    try git.run(["add", "-A"])
                    try git.run(["commit", "-q", "-m", "store"])
                } catch {
                    fail("cannot prepare the git repository: \(error)")
                }
                let committed = measure(binary, runs: runs, in: repository) { run in ["advance", target, "--to", run % 2 == 0 ? "build" : "design"] }
                report("  advance \(label) with git (ours, committing)", committed, nil)
            }
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
    var original: String?
    if let index = arguments.firstIndex(of: "--original"), index + 1 < arguments.count { original = arguments[index + 1] }
    var sizes = [1_000, 10_000, 100_000]
    if let index = arguments.firstIndex(of: "--sizes"), index + 1 < arguments.count {
        sizes = arguments[index + 1].split(separator: ",").compactMap { Int($0) }
    }
    // --binary measures another build of ours (an earlier commit's, for a before/after table).
    var ours: String?
    if let index = arguments.firstIndex(of: "--binary"), index + 1 < arguments.count { ours = arguments[index + 1] }
    Bench.storeBenchmark(runs: runs, original: original, sizes: sizes, ours: ours)
case "run":
    RunBenchmark.runBenchmark()
case "run-stream":
    // Only the stream-json measurements (BENCH_RUNS alternating runs, BENCH_STREAM_MB flood).
    let base = "/tmp/phase-golem-bench-stream-\(getpid())"
    defer { _ = try? ProcessRunner.run("rm", ["-rf", base]) }
    RunBenchmark.streamBenchmark(binary: Bench.binaryPath(), base: base)
case "tui":
    TUIBenchmark.run()
case "journal":
    RunBenchmark.journalBenchmark()
case "generate":
    // Leaves a store behind for profiling: phase-golem-bench generate COUNT DIR
    guard arguments.count >= 3, let count = Int(arguments[1]) else {
        Bench.fail("usage: phase-golem-bench generate COUNT DIR [BLOCKED]")
    }
    let blocked = arguments.count > 3 ? Int(arguments[3]) ?? 0 : min(count, 100)
    do {
        let bytes = try StoreGenerator.write(root: arguments[2], count: count, blocked: blocked)
        print("wrote \(count) items, \(bytes) bytes, to \(arguments[2])/.task-golem")
    } catch {
        Bench.fail("\(error)")
    }
default:
    Logger.writeLine("usage: phase-golem-bench store [--runs N] [--original PATH] [--sizes 1000,10000] [--binary PATH] | run | run-stream | tui | generate COUNT DIR [BLOCKED]", to: 2)
    exit(2)
}
