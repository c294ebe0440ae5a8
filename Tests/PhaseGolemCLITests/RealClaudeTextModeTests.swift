import Foundation
import Testing
import PhaseGolemCore

/// The original's command line for wrappers that need plain text: the real CLI behind a shell
/// wrapper that prints text of its own, and phase-golem showing that text as it is.
@Suite("real Claude Code: the text-mode command line through a wrapper", .serialized, .enabled(if: RealClaudeHarness.enabled), .processSlot)
struct RealClaudeTextModeTests {
    @Test("a plain-text wrapper gets exactly `--dangerously-skip-permissions --model M -p PROMPT`, its lines are shown, the run completes")
    func plainTextWrapper() throws {
        let sandbox = try RealClaudeRunTests.sandbox(config: RealClaudeHarness.config(model: "claude-opus-5-5", agentExtra: RealClaudeHarness.textOutputSetting))
        defer { sandbox.remove() }
        // The wrapper stands where `claude` is found on PATH: it records its arguments, prints a
        // line of its own, and runs the real CLI with what it was given.
        let real = try RealClaudeHarness.binary()
        try FileManager.default.removeItem(atPath: sandbox.bin + "/claude")
        let wrapper = """
            #!/bin/sh
            if [ "$1" = "--version" ]; then exec '\(real)' --version; fi
            printf '%s\\n' "$@" > '\(sandbox.base)/wrapper-args'
            echo "wrapper: handing over to Claude Code"
            exec '\(real)' "$@"

            """
        try CLIHarness.write(wrapper, to: sandbox.bin + "/claude")
        chmod(sandbox.bin + "/claude", 0o755)
        let api = try sandbox.startAPI(RealClaudeRunTests.defaultConversations)
        defer { api.stop() }
        let result = try sandbox.run(["--target", RealClaudeRunTests.b], api: api)
        #expect(result.status == 0, "\(result.stderr)")
        let output = result.stdout + result.stderr
        #expect(output.contains("wrapper: handing over to Claude Code\n"))
        // Text mode: the CLI's final sentence is all it prints.
        #expect(output.contains("Counted the words in notes.txt.\n"))
        #expect(!output.contains("{\"type\":"))
        let arguments = try String(contentsOfFile: sandbox.base + "/wrapper-args", encoding: .utf8)
            .split(separator: "\n", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
        #expect(Array(arguments.prefix(4)) == ["--dangerously-skip-permissions", "--model", "claude-opus-5-5", "-p"])
        #expect(arguments.last?.contains("## Structured Output") == true)
        #expect(try RunHarness.archived(sandbox.root) == [RealClaudeRunTests.b])
        #expect(try CLIHarness.git(["show", "HEAD:word-count.txt"], in: sandbox.root).trimmingCharacters(in: .whitespacesAndNewlines) == "9")
    }
}
