import Foundation
import Testing
import PhaseGolemCore

/// Runs every `phase-golem …` line of the README's shell blocks, in order, in a new repository,
/// the way a newcomer would: so the README cannot rot. (`swift run phase-golem demo` and
/// `swift test` are what `.ci/run` and `FreshCloneTests` run.)
@Suite("README walkthrough", .serialized, .processSlot)
struct ReadmeWalkthroughTests {
    static var readme: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return (try? String(contentsOf: url.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
    }

    /// The `phase-golem` command lines of the README's ```sh blocks, comments removed.
    static func commandLines(_ text: String) -> [String] {
        var lines: [String] = []
        var inShell = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inShell = !inShell && line == "```sh"
                continue
            }
            guard inShell else { continue }
            // A comment starts at `#` after at least one blank, outside quotes.
            var command = ""
            var quoted = false
            var previous: Character = " "
            for character in line {
                if character == "\"" { quoted.toggle() }
                if character == "#" && !quoted && previous == " " { break }
                command.append(character)
                previous = character
            }
            let trimmed = command.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("phase-golem ") { lines.append(trimmed) }
        }
        return lines
    }

    /// Splits a command line into words: blanks separate, double quotes group.
    static func words(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        var inWord = false
        for character in line {
            if character == "\"" {
                quoted.toggle()
                inWord = true
            } else if character == " " && !quoted {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    @Test("every phase-golem command in the README runs, in order, and exits 0")
    func walkthrough() throws {
        let commands = Self.commandLines(Self.readme)
        #expect(commands.count >= 10, "the README's commands were not found: \(commands)")
        #expect(commands.contains { $0.hasPrefix("phase-golem init") } && commands.contains { $0.hasPrefix("phase-golem run") })

        let root = try CLIHarness.makeTemporaryDirectory("pg-readme")
        defer { CLIHarness.remove(root) }
        try CLIHarness.git(["init", "-q", "-b", "main"], in: root)
        try CLIHarness.git(["config", "user.email", "test@example.com"], in: root)
        try CLIHarness.git(["config", "user.name", "Test"], in: root)
        // The fake agent answers as `claude`, the default agent the config template names.
        let agentDirectory = URL(fileURLWithPath: RunHarness.fakeAgent).deletingLastPathComponent().path
        let scriptPath = root + "/.git/fake-agent-script"
        try CLIHarness.write("* triage triage small\n", to: scriptPath)
        let environment = [
            "PATH": agentDirectory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            "FAKE_AGENT_SCRIPT": scriptPath,
            "PHASE_GOLEM_DEMO_SPEED": "0",
        ]

        var succeeded = 0
        for line in commands {
            let arguments = Array(Self.words(line).dropFirst())
            let result = try CLIHarness.run(arguments, in: root, environment: environment)
            #expect(result.status == 0, "`\(line)` exited \(result.status): \(result.stderr.suffix(600))")
            if result.status == 0 { succeeded += 1 }
            if arguments.first == "init" { try Self.prepareAfterInit(root) }
        }
        #expect(FileManager.default.fileExists(atPath: root + "/summary.json"))
        #expect(try RunHarness.archived(root).contains("WRK-a1b2c"))
        print("readme-walkthrough: \(commands.count) commands from README.md ran in order, \(succeeded) exited 0")
    }

    /// What a newcomer does next: the workflow files the template names, and two items with
    /// the ids the README's examples use (one blocked, for `unblock`).
    static func prepareAfterInit(_ root: String) throws {
        let config = try String(contentsOfFile: root + "/phase-golem.toml", encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #"workflows = \["([^"]+)"\]"#)
        let range = NSRange(config.startIndex..., in: config)
        for match in pattern.matches(in: config, range: range) {
            guard let pathRange = Range(match.range(at: 1), in: config) else { continue }
            let path = root + "/" + config[pathRange]
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try CLIHarness.write("# workflow\n", to: path)
        }
        let store = root + "/.task-golem/tasks.jsonl"
        var text = try String(contentsOfFile: store, encoding: .utf8)
        // Blocked while in progress, so `unblock` puts it back in progress, where `advance` applies.
        var blocked = StoreItem(id: "WRK-a1b2c", title: "Blocked example", now: Timestamp(seconds: 1_767_225_600, nanoseconds: 0))
        blocked.setPGStatus(.inProgress, now: blocked.createdAt)
        blocked.setPhase("prd", now: blocked.createdAt)
        blocked.setPhasePool(.main, now: blocked.createdAt)
        blocked.setPipelineType("feature", now: blocked.createdAt)
        _ = blocked.block(reason: "Needs a decision", now: blocked.createdAt)
        text += blocked.canonicalLine(dialect: .v01) + "\n"
        text += RunHarness.item("WRK-d3e4f", "Second example", status: .inProgress, phase: "review", pool: .main) + "\n"
        try CLIHarness.write(text, to: store)
        try CLIHarness.git(["add", "-A"], in: root)
        try CLIHarness.git(["commit", "-q", "-m", "workflows and examples"], in: root)
    }
}
