import Foundation
import Testing
import PhaseGolemCore

/// The README's release build, from a clean clone: a static binary that runs the demo.
///
/// It builds the whole package again in release mode (a few minutes), so it runs only when
/// `CI_FRESH_CLONE_TEST=1`, which `.ci/run` sets. The debug build from a fresh clone needs no
/// test of its own: `.ci/run` runs the whole suite in a fresh clone placed alone in an empty
/// folder, and `DemoTests` run the demo with that build.
@Suite("fresh clone", .enabled(if: ProcessInfo.processInfo.environment["CI_FRESH_CLONE_TEST"] == "1"), .processSlot)
struct FreshCloneTests {
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
