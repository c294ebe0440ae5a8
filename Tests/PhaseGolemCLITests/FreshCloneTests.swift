import Foundation
import Testing
import PhaseGolemCore

/// The README's first command on a fresh clone: it builds, and the demo runs in plain mode.
///
/// It builds the whole package again (about a minute), so it runs only when
/// `CI_FRESH_CLONE_TEST=1`, which `.ci/run` sets. (The README's second command,
/// `swift test`, is what CI itself runs.)
@Suite("fresh clone", .enabled(if: ProcessInfo.processInfo.environment["CI_FRESH_CLONE_TEST"] == "1"))
struct FreshCloneTests {
    @Test("swift run phase-golem demo --no-tui --yes --auto-advance: exit 0, summary, committed history")
    func demoFromFreshClone() throws {
        var repository = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { repository.deleteLastPathComponent() }
        let parent = try CLIHarness.makeTemporaryDirectory("clone")
        defer { CLIHarness.remove(parent) }
        let clone = parent + "/phase-golem"
        try CLIHarness.git(["clone", "-q", repository.path, clone], in: parent)
        let demo = parent + "/demo-project"
        let result = try ProcessRunner.run(
            "swift", ["run", "phase-golem", "demo", "--no-tui", "--yes", "--auto-advance", "--dir", demo], in: clone,
            environment: ProcessInfo.processInfo.environment.merging(["PHASE_GOLEM_DEMO_SPEED": "0"]) { _, new in new })
        let stderr = result.stderrText
        #expect(result.status == 0, "\(stderr.suffix(3000))")
        let summary = RunHarness.summaryLines(stderr)
        #expect(summary.first == "--- Run Summary ---")
        #expect(summary.last == "Halt reason: TargetCompleted")
        #expect(summary.contains { $0.hasPrefix("Items blocked: DEMO-") })
        let log = try CLIHarness.git(["log", "--format=%s"], in: demo)
        #expect(log.contains("Demo: review notes for"))
        #expect(log.contains("Demo project: backlog, pipeline and workflows"))
        #expect(try CLIHarness.git(["status", "--porcelain"], in: demo) == "")
    }

    /// The README's install command, taken from the README itself, builds a fully static binary
    /// that runs the demo.
    @Test("the README's release build: a static executable that runs the demo")
    func staticReleaseBuild() throws {
        var repository = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { repository.deleteLastPathComponent() }
        let readme = try String(contentsOf: repository.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "`swift build -c release"))
        let command = String(readme[start.upperBound...].prefix { $0 != "&" && $0 != "`" })
        let arguments = ["build", "-c", "release"] + command.split(separator: " ").map(String.init)
        #expect(arguments.contains("-static-executable"), "\(arguments)")

        let parent = try CLIHarness.makeTemporaryDirectory("clone-release")
        defer { CLIHarness.remove(parent) }
        let clone = parent + "/phase-golem"
        try CLIHarness.git(["clone", "-q", repository.path, clone], in: parent)
        let build = try ProcessRunner.run("swift", arguments, in: clone)
        #expect(build.status == 0, "swift \(arguments.joined(separator: " ")): \(build.stderrText.suffix(3000))")
        let binary = clone + "/.build/release/phase-golem"
        // No program interpreter: nothing is loaded at start, which is where the time went.
        let headers = try ProcessRunner.run("readelf", ["-l", binary])
        #expect(headers.succeeded && !headers.stdoutText.contains("INTERP"), "\(headers.stdoutText.prefix(2000))")

        let demo = parent + "/demo-project"
        let result = try ProcessRunner.run(
            binary, ["demo", "--no-tui", "--yes", "--auto-advance", "--dir", demo], in: parent,
            environment: ProcessInfo.processInfo.environment.merging(["PHASE_GOLEM_DEMO_SPEED": "0"]) { _, new in new })
        #expect(result.status == 0, "\(result.stderrText.suffix(3000))")
        #expect(RunHarness.summaryLines(result.stderrText).last == "Halt reason: TargetCompleted")
    }
}
