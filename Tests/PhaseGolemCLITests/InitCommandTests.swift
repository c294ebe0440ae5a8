import Foundation
import Testing
import PhaseGolemCore

@Suite("init command", .processSlot)
struct InitCommandTests {
    @Test("creates a valid empty store, the config, folders and .gitignore entry, and commits them")
    func initFresh() throws {
        let root = try CLIHarness.makeTemporaryDirectory()
        defer { CLIHarness.remove(root) }
        try CLIHarness.git(["init", "-q"], in: root)
        try CLIHarness.git(["config", "user.email", "t@example.com"], in: root)
        try CLIHarness.git(["config", "user.name", "T"], in: root)
        let result = try CLIHarness.run(["init", "--prefix", "ACME"], in: root)
        #expect(result.status == 0, "\(result.stderr)")
        // The original's four lines unchanged, ours after them.
        #expect(result.stdout.hasPrefix("Initialized phase-golem in .\n  Created: _ideas/, _worklog/, changes/, .phase-golem/\n"
            + "  Config: phase-golem.toml\n  Updated: .gitignore\n  Created store: .task-golem/ (empty)\n  Committed: "), "\(result.stdout)")
        #expect(try String(contentsOfFile: root + "/.task-golem/tasks.jsonl", encoding: .utf8) == "{\"schema_version\":1}\n")
        #expect(try String(contentsOfFile: root + "/.task-golem/archive.jsonl", encoding: .utf8) == "{\"schema_version\":1}\n")
        #expect(FileManager.default.fileExists(atPath: root + "/.task-golem/tasks.lock"))
        for folder in ["_ideas", "_worklog", "changes", ".phase-golem"] {
            var isDirectory: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: root + "/" + folder, isDirectory: &isDirectory) && isDirectory.boolValue)
        }
        let config = try String(contentsOfFile: root + "/phase-golem.toml", encoding: .utf8)
        #expect(config.contains("prefix = \"ACME\""))
        #expect(try String(contentsOfFile: root + "/.gitignore", encoding: .utf8) == ".phase-golem/\n")
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
        // The new project works: add uses the prefix, status reads it.
        let add = try CLIHarness.run(["add", "First"], in: root)
        #expect(add.stdout.hasPrefix("Added ACME-"))
    }

    @Test("never touches an existing store or config")
    func initKeepsExisting() throws {
        let root = try CLIHarness.makeProject(config: "[project]\nprefix = \"OLD\"\n")
        defer { CLIHarness.remove(root) }
        try CLIHarness.copyFixtureStore("phase-golem-store", to: root)
        let before = try CLIHarness.read(root + "/.task-golem/tasks.jsonl")
        let result = try CLIHarness.run(["init", "--prefix", "NEW"], in: root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try CLIHarness.read(root + "/.task-golem/tasks.jsonl") == before)
        #expect(try String(contentsOfFile: root + "/phase-golem.toml", encoding: .utf8) == "[project]\nprefix = \"OLD\"\n")
        #expect(result.stdout == "Initialized phase-golem in .\n  Created: _ideas/, _worklog/, changes/, .phase-golem/\n"
            + "  Config: phase-golem.toml\n  Updated: .gitignore\n  Kept: phase-golem.toml (it existed; never overwritten)\n")
    }

    @Test("a .gitignore that excludes tasks.lock: the rest is committed, with no warning")
    func ignoredLockFile() throws {
        let root = try CLIHarness.makeTemporaryDirectory()
        defer { CLIHarness.remove(root) }
        try CLIHarness.git(["init", "-q"], in: root)
        try CLIHarness.git(["config", "user.email", "t@example.com"], in: root)
        try CLIHarness.git(["config", "user.name", "T"], in: root)
        try CLIHarness.write(".task-golem/tasks.lock\n", to: root + "/.gitignore")
        let result = try CLIHarness.run(["init"], in: root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "", "\(result.stderr)")
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "")
        #expect(try CLIHarness.git(["ls-files"], in: root).contains(".task-golem/tasks.jsonl"))
    }

    @Test("refuses a bad prefix and a directory that is not a git repository")
    func initErrors() throws {
        let root = try CLIHarness.makeTemporaryDirectory()
        defer { CLIHarness.remove(root) }
        var result = try CLIHarness.run(["init", "--prefix", "A/B"], in: root)
        #expect(result.status == 1)
        #expect(result.stderr == "Error: Prefix must contain only alphanumeric characters, hyphens, and underscores\n")
        result = try CLIHarness.run(["init"], in: root)
        #expect(result.status == 1)
        #expect(result.stderr == "Error: Not a git repository. Run `git init` first.\n")
        #expect(!FileManager.default.fileExists(atPath: root + "/.task-golem"))
    }
}
