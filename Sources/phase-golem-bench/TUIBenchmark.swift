import PhaseGolemCore
#if canImport(Glibc)
import Glibc
#endif

/// `phase-golem-bench tui`: the full-screen UI under an agent printing 50,000 lines a second
/// for ten seconds (frame rate, key latency, memory, engine time against plain mode) and at
/// rest (CPU). Runs the real binary in tmux.
enum TUIBenchmark {
    /// Prints `rate` lines per second for `seconds` seconds, then writes its result.
    static let floodAgent = """
        #!/bin/sh
        [ "$1" = "--version" ] && exit 0
        i=0
        while [ $i -lt ${BENCH_SECONDS:-10} ]; do
          start=$(date +%s%N)
          seq -f "flood line %.0f: the agent is thinking out loud about the build" 1 ${BENCH_RATE:-50000}
          elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
          [ $elapsed -lt 1000 ] && sleep "0.$(printf '%03d' $((1000 - elapsed)))"
          i=$((i+1))
        done
        printf '{"item_id":"%s","phase":"%s","result":"phase_complete","summary":"done"}' \\
            "$PHASE_GOLEM_ITEM_ID" "$PHASE_GOLEM_PHASE" > "$PHASE_GOLEM_RESULT_PATH"

        """

    static func tmux(_ arguments: [String]) -> String {
        (try? ProcessRunner.run("tmux", arguments))?.stdoutText ?? ""
    }

    static func waitForScreen(_ session: String, _ text: String, timeout: Double) -> Double? {
        let start = StoreLockClock.now()
        while StoreLockClock.now() - start < timeout {
            if tmux(["capture-pane", "-t", session, "-p"]).contains(text) { return StoreLockClock.now() - start }
            usleep(5_000)
        }
        return nil
    }

    /// utime + stime of a process, in seconds.
    static func cpuSeconds(_ pid: String) -> Double {
        guard let stat = (try? FileIO.readText("/proc/\(pid)/stat")) ?? nil,
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func peakRSSMB(_ pid: String) -> Int {
        guard let status = (try? FileIO.readText("/proc/\(pid)/status")) ?? nil else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
        }
        return 0
    }

    static func programPID(_ session: String) -> String? {
        let shell = tmux(["list-panes", "-t", session, "-F", "#{pane_pid}"]).trimmed()
        let children = (try? ProcessRunner.run("pgrep", ["-P", shell, "-f", "phase-golem"]))?.stdoutText ?? ""
        return children.split(separator: "\n").first.map(String.init)
    }

    /// A watcher following the flood run: frame stats, key latency, and the run's time.
    /// Key latency under load, the same way for the run's TUI and a watcher: `?` opens the help
    /// overlay in the `pgbench` session; the seconds until the screen shows it, five times.
    static func keyLatencies() -> [Double] {
        var latencies: [Double] = []
        for _ in 0..<5 {
            _ = tmux(["send-keys", "-t", "pgbench", "?"])
            if let seen = waitForScreen("pgbench", "Keys", timeout: 5) { latencies.append(seen) }
            _ = tmux(["send-keys", "-t", "pgbench", "?"])
            usleep(300_000)
        }
        return latencies
    }

    static func watch(binary: String, base: String, plainSeconds: Double) {
        defer { _ = tmux(["kill-session", "-t", "pgrun"]) }
        let root = FileIO.join(base, "watch")
        let targets = RunBenchmark.makeProject(at: root, ready: 0, targets: 1, others: 0, agent: floodAgent)
        let statsPath = FileIO.join(base, "watch-stats.json")
        let runDone = FileIO.join(base, "watch-run-done")
        _ = tmux(["kill-session", "-t", "pgrun"])
        let start = StoreLockClock.now()
        _ = tmux(["-u", "new-session", "-d", "-s", "pgrun", "-x", "120", "-y", "40",
                  "cd '\(root)' && '\(binary)' run --no-tui --cap 1 --target \(targets[0]) 2>/dev/null; touch '\(runDone)'; sleep 600"])
        while RunHistory.activeRunID(root: root) == nil, StoreLockClock.now() - start < 20 { usleep(20_000) }
        _ = tmux(["-u", "new-session", "-d", "-s", "pgbench", "-x", "120", "-y", "40",
                  "cd '\(root)' && env -u CI LANG=C.UTF-8 TERM=tmux-256color PHASE_GOLEM_TUI_STATS='\(statsPath)' "
                  + "'\(binary)' watch; sleep 600"])
        guard waitForScreen("pgbench", "flood line", timeout: 20) != nil else {
            Bench.fail("the watcher did not show the flood; screen:\n" + tmux(["capture-pane", "-t", "pgbench", "-p"]))
        }
        usleep(2_000_000)
        let latencies = keyLatencies()
        while !FileIO.exists(runDone), StoreLockClock.now() - start < 90 { usleep(20_000) }
        let runSeconds = StoreLockClock.now() - start
        _ = waitForScreen("pgbench", "Run summary", timeout: 20)
        _ = tmux(["send-keys", "-t", "pgbench", "x"])
        usleep(500_000)
        let stats = ((try? FileIO.readText(statsPath)) ?? nil)?.trimmed() ?? "{}"
        print("watch: the plain run being watched took \(Format.tenths(runSeconds)) s (\(Format.tenths((runSeconds / plainSeconds - 1) * 100))% vs unwatched plain)")
        print("watch: key to screen under load (tmux round trip included): worst \(Int((latencies.max() ?? -1) * 1000)) ms over \(latencies.count) presses")
        print("watch: frame stats \(stats)")
    }

    static func run() {
        let binary = Bench.binaryPath()
        let base = "/tmp/phase-golem-bench-tui-\(getpid())"
        defer {
            _ = tmux(["kill-session", "-t", "pgbench"])
            _ = try? ProcessRunner.run("rm", ["-rf", base])
        }

        // Plain mode: the engine's time for the same run.
        let plainRoot = FileIO.join(base, "plain")
        let targets = RunBenchmark.makeProject(at: plainRoot, ready: 0, targets: 1, others: 0, agent: floodAgent)
        let (plainSeconds, _) = RunBenchmark.timeRun(binary, ["run", "--no-tui", "--cap", "1", "--target", targets[0]], in: plainRoot)
        print("plain: 500,000 lines over 10 s: run took \(Format.tenths(plainSeconds)) s")

        // TUI mode, in a 120x40 tmux pane.
        let tuiRoot = FileIO.join(base, "tui")
        let tuiTargets = RunBenchmark.makeProject(at: tuiRoot, ready: 0, targets: 1, others: 0, agent: floodAgent)
        let statsPath = FileIO.join(base, "tui-stats.json")
        _ = tmux(["kill-session", "-t", "pgbench"])
        _ = tmux(["-u", "new-session", "-d", "-s", "pgbench", "-x", "120", "-y", "40",
                  "cd '\(tuiRoot)' && env -u CI LANG=C.UTF-8 TERM=tmux-256color PHASE_GOLEM_TUI_STATS='\(statsPath)' "
                  + "'\(binary)' run --yes --cap 1 --target \(tuiTargets[0]); sleep 600"])
        let start = StoreLockClock.now()
        guard waitForScreen("pgbench", "flood line", timeout: 20) != nil, let pid = programPID("pgbench") else {
            Bench.fail("the TUI did not start; screen:\n" + tmux(["capture-pane", "-t", "pgbench", "-p"]))
        }
        usleep(2_000_000)
        let latencies = keyLatencies()
        guard waitForScreen("pgbench", "Run summary", timeout: 60) != nil else {
            Bench.fail("the run did not finish; screen:\n" + tmux(["capture-pane", "-t", "pgbench", "-p"]))
        }
        let tuiSeconds = StoreLockClock.now() - start
        let peak = peakRSSMB(pid)
        _ = tmux(["send-keys", "-t", "pgbench", "x"])
        usleep(500_000)
        let stats = ((try? FileIO.readText(statsPath)) ?? nil)?.trimmed() ?? "{}"
        let worst = latencies.max() ?? -1
        print("tui: same run took \(Format.tenths(tuiSeconds)) s (\(Format.tenths((tuiSeconds / plainSeconds - 1) * 100))% vs plain, "
            + "includes UI start-up); peak RSS \(peak) MB")
        print("tui: key to screen under load (tmux round trip included): worst \(Int(worst * 1000)) ms over \(latencies.count) presses")
        print("tui: frame stats \(stats)")

        // watch: the same flood run in plain mode in one session, `phase-golem watch` in another.
        _ = tmux(["kill-session", "-t", "pgbench"])
        watch(binary: binary, base: base, plainSeconds: plainSeconds)

        // Idle: the launch screen, untouched, for 5 seconds.
        _ = tmux(["kill-session", "-t", "pgbench"])
        let idleRoot = FileIO.join(base, "idle")
        let idleTargets = RunBenchmark.makeProject(at: idleRoot, ready: 0, targets: 1, others: 0, agent: floodAgent)
        _ = tmux(["-u", "new-session", "-d", "-s", "pgbench", "-x", "120", "-y", "40",
                  "cd '\(idleRoot)' && env -u CI LANG=C.UTF-8 TERM=tmux-256color '\(binary)' run --target \(idleTargets[0]); sleep 600"])
        guard waitForScreen("pgbench", "Enter launch", timeout: 20) != nil, let idlePID = programPID("pgbench") else {
            Bench.fail("the launch screen did not appear")
        }
        let before = cpuSeconds(idlePID)
        usleep(5_000_000)
        let idle = (cpuSeconds(idlePID) - before) / 5 * 100
        print("tui: idle on the launch screen: \(Format.tenths(idle))% of one core")
    }
}
