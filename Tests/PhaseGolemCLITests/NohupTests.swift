import Foundation
import Testing
import PhaseGolemCore

/// A run started with `nohup` keeps going when its terminal hangs up: a signal ignored from
/// the start stays ignored.
@Suite("run: under nohup", .processSlot)
struct NohupTests {
    @Test("SIGHUP to a run started with nohup changes nothing; the run completes")
    func hangupIgnored() throws {
        let id = "WRK-00001"
        let root = try RunHarness.project(items: [RunHarness.item(id, "Only item", status: .inProgress, phase: "review", pool: .main)])
        defer { CLIHarness.remove(root) }
        try CLIHarness.write("\(id) review sleep 1.5\n", to: root + "/.git/fake-agent-script")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nohup")
        process.arguments = [CLIHarness.binary, "run", "--target", id]
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        process.environment = CLIHarness.environment([
            "FAKE_AGENT_SCRIPT": root + "/.git/fake-agent-script", "FAKE_AGENT_LOG": root + "/.git/fake-agent-log",
        ])
        _ = FileManager.default.createFile(atPath: root + "/.git/run.log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: root + "/.git/run.log"))
        defer { try? log.close() }
        process.standardOutput = log
        process.standardError = log
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let deadline = Date().addingTimeInterval(20)
        while RunHarness.agentLog(root).isEmpty && process.isRunning && Date() < deadline { usleep(20_000) }
        try #require(!RunHarness.agentLog(root).isEmpty, "the agent never started")

        // nohup execs phase-golem in place, so this is phase-golem's PID.
        kill(process.processIdentifier, SIGHUP)
        process.waitUntilExit()

        let output = String(decoding: try CLIHarness.read(root + "/.git/run.log"), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(output.suffix(1500))")
        #expect(!output.contains("Received SIGHUP"))
        #expect(try RunHarness.archived(root) == [id])
    }
}
