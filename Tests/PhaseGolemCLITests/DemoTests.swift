import Foundation
import Testing
import PhaseGolemCore

/// `phase-golem demo` end to end in plain mode: a real run on the throw-away project.
///
/// Serialized: a demo without `--dir` makes its project under `/tmp`, and a test that cannot
/// tell from the output which one is its own removes the ones that appeared while it ran.
@Suite("demo", .serialized, .processSlot)
struct DemoTests {
    /// Runs a demo without `--dir` in `/tmp`; returns the result and the project it created,
    /// found in the output. When the output does not say, removes the demo projects that
    /// appeared meanwhile and fails the test.
    static func runTemporary(_ arguments: [String]) throws -> (CLIHarness.Result, String) {
        func demoProjects() -> Set<String> {
            Set(((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []).filter { $0.hasPrefix("phase-golem-demo-") })
        }
        let before = demoProjects()
        let result = try CLIHarness.run(["demo"] + arguments, in: "/tmp", environment: ["PHASE_GOLEM_DEMO_SPEED": "0"])
        guard let root = createdPath(result.stderr) else {
            for name in demoProjects().subtracting(before) { CLIHarness.remove("/tmp/" + name) }
            throw CLIHarness.HarnessError("the demo did not say where it created its project: \(result.stderr.suffix(2000))")
        }
        return (result, root)
    }

    @Test("demo --no-tui --auto-advance: two targets complete, the legal one blocks, exit 0, history committed")
    func plainDemo() throws {
        let parent = try CLIHarness.makeTemporaryDirectory("demo")
        defer { CLIHarness.remove(parent) }
        let root = parent + "/project"
        let result = try CLIHarness.run(["demo", "--no-tui", "--auto-advance", "--dir", root], in: parent,
                                        environment: ["PHASE_GOLEM_DEMO_SPEED": "0"])
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        let summary = RunHarness.summaryLines(result.stderr)
        #expect(summary.first == "--- Run Summary ---")
        #expect(summary.contains { $0.hasPrefix("Items completed: ") && $0.split(separator: ",").count == 2 })
        #expect(summary.contains { $0.hasPrefix("Items blocked: ") })
        #expect(summary.last == "Halt reason: TargetCompleted")
        #expect(result.stderr.contains("The demo project is in \(root)"))
        #expect(result.stderr.contains("[demo-agent] design 1/4"))
        // The agent says what it is, in what it leaves behind.
        let items = try TaskStore(root: root).loadActive().items
        let blocked = try #require(items.first { $0.pgStatus == .blocked })
        #expect(blocked.title.contains("legal"))
        #expect(blocked.blockedReason?.contains("Demo agent (scripted)") == true)
        let archived = try TaskStore(root: root).loadArchive().items
        #expect(archived.count == 2)
        let log = try CLIHarness.git(["log", "--format=%s"], in: root)
        #expect(log.contains("Demo: build notes for"))
        #expect(log.contains("[phase-golem] Save task state: \(blocked.id) blocked"))
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
        let status = try CLIHarness.run(["status"], in: root)
        #expect(status.stdout.contains("blocked"))
    }

    @Test("without auto-advance the demo halts at the blocked target and exits 1")
    func haltsWithoutAutoAdvance() throws {
        let parent = try CLIHarness.makeTemporaryDirectory("demo")
        defer { CLIHarness.remove(parent) }
        let result = try CLIHarness.run(["demo", "--no-tui", "--dir", parent + "/p"], in: parent,
                                        environment: ["PHASE_GOLEM_DEMO_SPEED": "0"])
        #expect(RunHarness.summaryLines(result.stderr).last == "Halt reason: TargetBlocked")
        #expect(result.status == 0, "the first target completes before the blocked one: something completed")
        // Right after the summary: how to see the same run auto-advance, on a hint line.
        #expect(result.stderr.contains("\nHalt reason: TargetBlocked\nhint: the run halted at the blocked target; to see the same run "
            + "go on past it, run `phase-golem demo --no-tui --auto-advance` (or press `a` on the launch screen of `phase-golem demo`)\n"),
            "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: parent + "/p/.phase-golem/demo-summary.json"))
    }

    @Test("with auto-advance the demo gives no auto-advance hint")
    func noHintWithAutoAdvance() throws {
        let (result, root) = try Self.runTemporary(["--no-tui", "--auto-advance"])
        defer { CLIHarness.remove(root) }
        #expect(RunHarness.summaryLines(result.stderr).last == "Halt reason: TargetCompleted")
        #expect(!result.stderr.contains("hint:"), "\(result.stderr)")
    }

    @Test("by default the temporary project is kept, with its history, and the end says where it is")
    func keepsByDefault() throws {
        let (result, root) = try Self.runTemporary(["--no-tui", "--auto-advance"])
        defer { CLIHarness.remove(root) }
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        #expect(result.stderr.contains("The demo project is in \(root). Look around:"))
        #expect(!result.stderr.contains("--no-keep"))
        let log = try CLIHarness.git(["log", "--format=%s"], in: root)
        #expect(log.contains("Demo project: backlog, pipeline and workflows"))
        #expect(log.contains("[phase-golem]"))
    }

    @Test("--no-keep deletes the temporary project at the end, with the same exit code and a message saying so")
    func noKeepTemporary() throws {
        let (result, root) = try Self.runTemporary(["--no-tui", "--auto-advance", "--no-keep"])
        defer { CLIHarness.remove(root) }
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        #expect(RunHarness.summaryLines(result.stderr).last == "Halt reason: TargetCompleted")
        #expect(!FileManager.default.fileExists(atPath: root))
        #expect(result.stderr.hasSuffix("The demo project in \(root) was removed (--no-keep).\n"))
        #expect(!result.stderr.contains("Look around"))
        // Halting at the blocked target exits as it does when the project is kept.
        let (halted, haltedRoot) = try Self.runTemporary(["--no-tui", "--no-keep"])
        defer { CLIHarness.remove(haltedRoot) }
        #expect(RunHarness.summaryLines(halted.stderr).last == "Halt reason: TargetBlocked")
        #expect(halted.status == 0)
        #expect(!FileManager.default.fileExists(atPath: haltedRoot))
    }

    @Test("--no-keep with --dir deletes only what the demo made: a new folder and its new parents, an empty folder's contents")
    func noKeepDirs() throws {
        let parent = try CLIHarness.makeTemporaryDirectory("demo")
        defer { CLIHarness.remove(parent) }
        let environment = ["PHASE_GOLEM_DEMO_SPEED": "0"]
        // A new folder two levels below an existing one: both new levels go.
        var result = try CLIHarness.run(["demo", "--no-tui", "--auto-advance", "--no-keep", "--dir", "new/demo"], in: parent,
                                        environment: environment)
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).isEmpty)
        // An empty folder the user made: emptied, kept.
        try FileManager.default.createDirectory(atPath: parent + "/empty", withIntermediateDirectories: false)
        result = try CLIHarness.run(["demo", "--no-tui", "--auto-advance", "--no-keep", "--dir", parent + "/empty"], in: parent,
                                    environment: environment)
        #expect(result.status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent + "/empty").isEmpty)
        #expect(result.stderr.contains("the folder itself was kept, as it existed before the demo"))
    }

    @Test("--no-keep never deletes a --dir that held files before the demo")
    func noKeepSparesExistingFiles() throws {
        let parent = try CLIHarness.makeTemporaryDirectory("demo")
        defer { CLIHarness.remove(parent) }
        let root = parent + "/mine"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: false)
        try CLIHarness.write("my notes\n", to: root + "/notes.txt")
        let result = try CLIHarness.run(["demo", "--no-tui", "--auto-advance", "--no-keep", "--dir", root], in: parent,
                                        environment: ["PHASE_GOLEM_DEMO_SPEED": "0"])
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        #expect(result.stderr.contains("Not removed: \(root) held files before the demo, so --no-keep leaves it alone."))
        #expect(result.stderr.contains("The demo project is in \(root). Look around:"))
        #expect(String(decoding: try CLIHarness.read(root + "/notes.txt"), as: UTF8.self) == "my notes\n")
        #expect(FileManager.default.fileExists(atPath: root + "/.git"))
    }

    @Test("--no-keep also deletes the project when the run is interrupted (SIGTERM: graceful halt)")
    func noKeepInterrupted() throws {
        let parent = try CLIHarness.makeTemporaryDirectory("demo")
        defer { CLIHarness.remove(parent) }
        let root = parent + "/demo"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIHarness.binary)
        process.arguments = ["demo", "--no-tui", "--auto-advance", "--no-keep", "--dir", root]
        process.currentDirectoryURL = URL(fileURLWithPath: parent)
        var environment = ProcessInfo.processInfo.environment
        environment["PHASE_GOLEM_DEMO_SPEED"] = "0.5"
        process.environment = environment
        let logPath = parent + "/stderr.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardError = log
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Interrupt once the agent is at work on the first target.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, process.isRunning,
              !String(decoding: (try? CLIHarness.read(logPath)) ?? Data(), as: UTF8.self).contains("[demo-agent]") {
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        try log.close()
        let stderr = String(decoding: try CLIHarness.read(logPath), as: UTF8.self)
        #expect(stderr.contains("Halt reason: ShutdownRequested"), "\(stderr.suffix(2000))")
        #expect(stderr.contains("The demo project in \(root) was removed (--no-keep)."))
        #expect(!FileManager.default.fileExists(atPath: root))
    }

    /// The project path from the demo's `Demo project created in PATH (targets: …)` line.
    static func createdPath(_ stderr: String) -> String? {
        guard let line = stderr.split(separator: "\n").first(where: { $0.hasPrefix("Demo project created in ") }),
              let end = line.range(of: " (targets: ") else { return nil }
        return String(line[line.index(line.startIndex, offsetBy: "Demo project created in ".count)..<end.lowerBound])
    }

    @Test("an occupied --dir is refused before anything is written")
    func occupiedDir() throws {
        let root = try CLIHarness.makeProject()
        defer { CLIHarness.remove(root) }
        let before = try CLIHarness.git(["rev-parse", "HEAD"], in: root)
        let result = try CLIHarness.run(["demo", "--no-tui", "--dir", root], in: root)
        #expect(result.status == 1)
        #expect(result.stderr.contains("already holds a project"))
        #expect(try CLIHarness.git(["rev-parse", "HEAD"], in: root) == before)
    }
}
