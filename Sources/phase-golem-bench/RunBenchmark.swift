import PhaseGolemCore
#if canImport(Glibc)
import Glibc
#endif

/// `phase-golem-bench run`: the engine's cost per phase with an agent that answers at once,
/// against the floor of a shell loop doing the same spawn + `git add` + `git commit`.
enum RunBenchmark {
    /// An agent that writes an artifact and its result and exits: dash builtins only, about 1 ms.
    static let instantAgent = """
        #!/bin/sh
        [ "$1" = "--version" ] && exit 0
        printf 'artifact %s %s\\n' "$PHASE_GOLEM_ITEM_ID" "$PHASE_GOLEM_PHASE" >> "$PHASE_GOLEM_CHANGE_FOLDER/notes.md"
        [ -n "$BENCH_AGENT_LINES" ] && seq -f 'agent output line %.0f of a chatty agent' 1 "$BENCH_AGENT_LINES"
        printf '{"item_id":"%s","phase":"%s","result":"phase_complete","summary":"done"}' \\
            "$PHASE_GOLEM_ITEM_ID" "$PHASE_GOLEM_PHASE" > "$PHASE_GOLEM_RESULT_PATH"

        """

    /// An agent that prints Claude's stream-json as the real CLI does for a short phase (init,
    /// text, a tool call and its result, the final text, the result line), then does what
    /// `instantAgent` does. With `BENCH_STREAM_LINES`, it first prints that many pairs of a
    /// `Bash` tool call and a 1 KB tool result (about 1.25 KB per line).
    static let streamAgent = """
        #!/bin/sh
        [ "$1" = "--version" ] && exit 0
        printf '{"type":"system","subtype":"init","cwd":"%s","session_id":"081e1187-f96d-4e43-a894-b303a57272ad","model":"claude-opus-5-5","tools":["Task","Bash","Edit","Read","Write"],"claude_code_version":"2.1.327"}\n' "$PWD"
        printf '{"type":"assistant","message":{"id":"m1","model":"claude-opus-5-5","content":[{"type":"text","text":"I will write the result."}],"usage":{"input_tokens":2000,"cache_creation_input_tokens":1000,"cache_read_input_tokens":5000,"output_tokens":1}},"parent_tool_use_id":null}\n'
        if [ -n "$BENCH_STREAM_LINES" ]; then
            pad=$(head -c 1000 /dev/zero | tr '\\0' x)
            call='{"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"swift test --filter Benchmark"}}]},"parent_tool_use_id":null}'
            result='{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t1","content":"'"$pad"'"}]}}'
            printf '%s\n%s\n' "$call" "$result" > .phase-golem/stream-pair.txt
            yes "$(cat .phase-golem/stream-pair.txt)" | head -n $((BENCH_STREAM_LINES * 2))
        fi
        printf '{"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","id":"t2","name":"Write","input":{"file_path":"%s/notes.md","content":"artifact"}}]},"parent_tool_use_id":null}\n' "$PWD"
        printf '{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t2","content":"File created successfully"}]}}\n'
        printf 'artifact %s %s\n' "$PHASE_GOLEM_ITEM_ID" "$PHASE_GOLEM_PHASE" >> "$PHASE_GOLEM_CHANGE_FOLDER/notes.md"
        printf '{"item_id":"%s","phase":"%s","result":"phase_complete","summary":"done"}' \
            "$PHASE_GOLEM_ITEM_ID" "$PHASE_GOLEM_PHASE" > "$PHASE_GOLEM_RESULT_PATH"
        printf '{"type":"assistant","message":{"id":"m2","content":[{"type":"text","text":"Wrote the result."}],"usage":{"input_tokens":2000,"cache_creation_input_tokens":1000,"cache_read_input_tokens":5000,"output_tokens":1}},"parent_tool_use_id":null}\n'
        printf '{"type":"result","subtype":"success","is_error":false,"num_turns":2,"duration_ms":242,"total_cost_usd":0.04,"usage":{"input_tokens":4000,"cache_creation_input_tokens":2000,"cache_read_input_tokens":10000,"output_tokens":600},"session_id":"081e1187-f96d-4e43-a894-b303a57272ad","result":"Wrote the result.","terminal_reason":"completed","api_error_status":null}\n'

        """

    static let config = """
        [project]
        prefix = "WRK"

        [execution]
        phase_timeout_minutes = 5
        default_phase_cap = 100
        max_retries = 0

        [agent]
        cli = "command"
        command = ["./agent.sh"]

        [pipelines.feature]
        pre_phases = [{ name = "research", workflows = [] }]
        phases = [
            { name = "spec", workflows = [] },
            { name = "build", workflows = [] },
            { name = "review", workflows = [] },
        ]

        """

    static func sh(_ script: String, in directory: String) {
        do {
            let output = try ProcessRunner.run("/bin/sh", ["-c", script], in: directory)
            if !output.succeeded { Bench.fail("setup failed: \(script): \(output.stderrText)") }
        } catch {
            Bench.fail("setup failed: \(error)")
        }
    }

    /// A git project with `ready` Ready items and, optionally, `others` bulk items and `targets` InProgress targets.
    static func makeProject(at root: String, ready: Int, targets: Int, others: Int, agent: String = instantAgent,
                            streamJSON: Bool = false) -> [String] {
        _ = try? ProcessRunner.run("rm", ["-rf", root])
        if others > 0 {
            Bench.generate(count: others, blocked: 0, root: root)
        }
        do {
            try FileIO.makeDirectories(FileIO.join(root, ".task-golem"))
            var items = others > 0 ? try TaskStore(root: root).loadActive().items : []
            var targetIDs: [String] = []
            let now = Timestamp(seconds: 1_770_000_000, nanoseconds: 0)
            for index in 0..<(ready + targets) {
                let id = Format.id(index, prefix: index < ready ? "RDY" : "TGT")
                var item = StoreItem(id: id, title: "Benchmark item \(index)", now: now)
                if index < ready {
                    item.setPGStatus(.ready, now: now)
                } else {
                    item.setPGStatus(.inProgress, now: now)
                    item.setPhase("spec", now: now)
                    item.setPhasePool(.main, now: now)
                    targetIDs.append(id)
                }
                item.setPipelineType("feature", now: now)
                items.append(item)
            }
            try FileIO.writeAtomically(FileIO.join(root, ".task-golem/tasks.jsonl"), chunks: [StoreFileFormat.serialize(items, dialect: .v01)])
            try FileIO.writeAtomically(FileIO.join(root, ".task-golem/archive.jsonl"), chunks: [StoreFileFormat.header + [0x0A]])
            try FileIO.writeAtomically(FileIO.join(root, ".task-golem/tasks.lock"), chunks: [])
            let text = streamJSON ? config.replacing("command = [\"./agent.sh\"]", with: "command = [\"./agent.sh\"]\noutput = \"stream-json\"") : config
            try FileIO.writeAtomically(FileIO.join(root, "phase-golem.toml"), chunks: [Array(text.utf8)])
            try FileIO.writeAtomically(FileIO.join(root, "agent.sh"), chunks: [Array(agent.utf8)])
            try FileIO.writeAtomically(FileIO.join(root, ".gitignore"), chunks: [Array(".phase-golem/\n".utf8)])
            chmod(FileIO.join(root, "agent.sh"), 0o755)
            sh("git init -q -b main && git config user.email bench@example.com && git config user.name Bench && git add -A && git commit -qm init", in: root)
            return targetIDs
        } catch {
            Bench.fail("cannot create the project: \(error)")
        }
    }

    static func timeRun(_ binary: String, _ arguments: [String], in root: String, environment: [String: String] = [:]) -> (Double, Int) {
        let start = StoreLockClock.now()
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, FileIO.join(root, ".git/bench-run.log"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = [binary, "--root", root] + arguments
        // Overrides replace inherited values: posix_spawn would pass both, and getenv finds the first.
        let inherited = environ.toStrings().filter { entry in
            guard let equals = entry.firstIndex(of: "=") else { return true }
            return environment[String(entry[..<equals])] == nil
        }
        let envp = inherited + environment.map { "\($0.key)=\($0.value)" }
        let argvC: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let envC: [UnsafeMutablePointer<CChar>?] = envp.map { strdup($0) } + [nil]
        defer {
            argvC.forEach { free($0) }
            envC.forEach { free($0) }
        }
        let result = posix_spawn(&pid, binary, &actions, nil, argvC, envC)
        posix_spawn_file_actions_destroy(&actions)
        guard result == 0 else { Bench.fail("cannot start \(binary)") }
        var status: Int32 = 0
        var usage = rusage()
        wait4(pid, &status, 0, &usage)
        if status != 0 {
            let log = ((try? FileIO.readText(FileIO.join(root, ".git/bench-run.log"))) ?? nil) ?? ""
            Bench.fail("\(argv.joined(separator: " ")) exited with status \(status):\n\(log.split(separator: "\n").suffix(15).joined(separator: "\n"))")
        }
        return (StoreLockClock.now() - start, usage.ru_maxrss)
    }

    static func commits(_ root: String) -> Int {
        let output = try? ProcessRunner.run("git", ["rev-list", "--count", "HEAD"], in: root)
        return Int(output?.stdoutText.trimmed() ?? "") ?? 0
    }

    /// `phase-golem-bench journal`: the 20-item pipeline with and without the run journal
    /// (`PHASE_GOLEM_JOURNAL=0`), alternating, so both see the same machine load.
    static func journalBenchmark(pairs: Int = 5) {
        let binary = Bench.binaryPath()
        let base = "/tmp/phase-golem-bench-journal-\(getpid())"
        defer { _ = try? ProcessRunner.run("rm", ["-rf", base]) }
        var with: [Double] = []
        var without: [Double] = []
        for pair in 0..<(pairs * 2) {
            let on = pair % 2 == 0
            let root = FileIO.join(base, "p\(pair)")
            _ = makeProject(at: root, ready: 20, targets: 0, others: 0)
            let (seconds, _) = timeRun(binary, ["run"], in: root, environment: on ? [:] : ["PHASE_GOLEM_JOURNAL": "0"])
            if on { with.append(seconds) } else { without.append(seconds) }
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        print("journal: 20 items x 3 phases, median of \(pairs) alternating runs: with \(Int((median(with) * 1000).rounded())) ms, "
            + "without \(Int((median(without) * 1000).rounded())) ms (\(Format.tenths((median(with) / median(without) - 1) * 100)) %)")
    }

    static func runBenchmark() {
        let binary = Bench.binaryPath()
        let base = "/tmp/phase-golem-bench-run-\(getpid())"
        defer { _ = try? ProcessRunner.run("rm", ["-rf", base]) }

        // 1. 20 Ready items × 3 phases, nothing else in the store.
        let small = FileIO.join(base, "pipeline")
        _ = makeProject(at: small, ready: 20, targets: 0, others: 0)
        let (seconds, peak) = timeRun(binary, ["run"], in: small)
        let phases = 60
        print("pipeline: 20 items x 3 phases: \(Int((seconds * 1000).rounded())) ms total, "
            + "\(Format.tenths(seconds * 1000 / Double(phases))) ms per phase, peak \(peak / 1024) MB, \(commits(small)) commits")

        // The floor: the same number of agent spawns, git add and git commit, in a shell loop.
        let floorDirectory = FileIO.join(base, "floor")
        _ = makeProject(at: floorDirectory, ready: 0, targets: 0, others: 0)
        sh("mkdir -p .phase-golem changes/x", in: floorDirectory)
        let loop = """
            i=0; while [ $i -lt \(phases) ]; do
              PHASE_GOLEM_ITEM_ID=WRK-$i PHASE_GOLEM_PHASE=spec PHASE_GOLEM_CHANGE_FOLDER=changes/x \
              PHASE_GOLEM_RESULT_PATH=.phase-golem/r.json ./agent.sh prompt
              git add -A && git commit -qm "phase $i"; i=$((i+1))
            done
            """
        let floorStart = StoreLockClock.now()
        sh(loop, in: floorDirectory)
        let floor = StoreLockClock.now() - floorStart
        print("floor: shell loop of agent + git add + git commit: \(Format.tenths(floor * 1000 / Double(phases))) ms per phase "
            + "(engine/floor = \(Format.tenths(seconds / floor))x)")

        // 2. 5 targets in a store that also holds 10,000 other items.
        let big = FileIO.join(base, "targets")
        let targets = makeProject(at: big, ready: 0, targets: 5, others: 10_000)
        let size = ((try? FileIO.read(FileIO.join(big, ".task-golem/tasks.jsonl"))) ?? nil)?.count ?? 0
        let (bigSeconds, bigPeak) = timeRun(binary, ["run"] + targets.flatMap { ["--target", $0] }, in: big)
        print("targets: 5 targets x 3 phases in a \(size / 1_048_576) MB store of 10,005 items: "
            + "\(Format.tenths(bigSeconds * 1000 / 15)) ms per phase, peak \(bigPeak / 1024) MB")

        // 3. One phase whose agent prints 1,000,000 lines.
        let chatty = FileIO.join(base, "chatty")
        let chattyTargets = makeProject(at: chatty, ready: 0, targets: 1, others: 0)
        let (chattySeconds, chattyPeak) = timeRun(binary, ["run", "--target", chattyTargets[0], "--cap", "1"], in: chatty,
                                                  environment: ["BENCH_AGENT_LINES": "1000000"])
        var logged = 0
        if let found = try? ProcessRunner.run("/bin/sh", ["-c", "cat .phase-golem/logs/*/*spec_1.log | wc -l"], in: chatty) {
            logged = Int(found.stdoutText.trimmed()) ?? 0
        }
        print("output: 1,000,000 agent lines in one phase: \(Format.tenths(chattySeconds)) s, peak \(chattyPeak / 1024) MB, "
            + "\(logged) lines in the log file")
        streamBenchmark(binary: binary, base: base)
    }

    /// 4. The 20-item pipeline with a stream-json agent against the same with a text agent,
    /// alternating runs; 5. one phase streaming about 1 GB of stream-json (`BENCH_STREAM_MB`).
    static func streamBenchmark(binary: String, base: String) {
        let runs = getenv("BENCH_RUNS").flatMap { Int(String(cString: $0)) } ?? 3
        var text: [Double] = []
        var stream: [Double] = []
        var peaks: [Int] = []
        for _ in 0..<runs {
            let textRoot = FileIO.join(base, "pipeline-text")
            _ = makeProject(at: textRoot, ready: 20, targets: 0, others: 0)
            text.append(timeRun(binary, ["run"], in: textRoot).0)
            let streamRoot = FileIO.join(base, "pipeline-stream")
            _ = makeProject(at: streamRoot, ready: 20, targets: 0, others: 0, agent: streamAgent, streamJSON: true)
            let (seconds, peak) = timeRun(binary, ["run"], in: streamRoot)
            stream.append(seconds)
            peaks.append(peak)
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        print("stream-json: 20 items x 3 phases, \(runs) alternating runs: text agent median \(Int((median(text) * 1000).rounded())) ms "
            + "(\(text.map { String(Int(($0 * 1000).rounded())) }.joined(separator: ", "))), stream-json agent median "
            + "\(Int((median(stream) * 1000).rounded())) ms (\(stream.map { String(Int(($0 * 1000).rounded())) }.joined(separator: ", "))), "
            + "ratio \(Format.tenths(median(stream) / median(text) * 100) )%, peak \(peaks.max().map { $0 / 1024 } ?? 0) MB")

        let megabytes = getenv("BENCH_STREAM_MB").flatMap { Int(String(cString: $0)) } ?? 1024
        let flood = FileIO.join(base, "stream-flood")
        let floodTargets = makeProject(at: flood, ready: 0, targets: 1, others: 0, agent: streamAgent, streamJSON: true)
        // A call line and a result line together are about 1,250 bytes.
        let pairs = megabytes * 1_048_576 / 1_250
        let (floodSeconds, floodPeak) = timeRun(binary, ["run", "--target", floodTargets[0], "--cap", "1"], in: flood,
                                                environment: ["BENCH_STREAM_LINES": String(pairs)])
        var bytes = 0
        var lines = 0
        if let found = try? ProcessRunner.run("/bin/sh", ["-c", "cat .phase-golem/logs/*/*spec_1.log | wc -c; cat .phase-golem/logs/*/*spec_1.log | wc -l"], in: flood) {
            let numbers = found.stdoutText.split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            bytes = numbers.first ?? 0
            lines = numbers.dropFirst().first ?? 0
        }
        let expectedLines = pairs * 2 + 6
        print("stream-json flood: \(pairs * 2) lines in one phase: \(Format.tenths(floodSeconds)) s, peak \(floodPeak / 1024) MB, "
            + "\(bytes / 1_048_576) MB and \(lines) lines in the log file (expected \(expectedLines) lines)")
    }
}

enum Format {
    /// `PREFIX-0000a`: a 5-hex-digit id.
    static func id(_ value: Int, prefix: String) -> String {
        let hex = String(value, radix: 16)
        return prefix + "-" + String(repeating: "0", count: max(0, 5 - hex.utf8.count)) + hex
    }

    /// One decimal place.
    static func tenths(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }
}

extension UnsafeMutablePointer where Pointee == UnsafeMutablePointer<CChar>? {
    func toStrings() -> [String] {
        var result: [String] = []
        var cursor = self
        while let entry = cursor.pointee {
            result.append(String(cString: entry))
            cursor += 1
        }
        return result
    }
}
