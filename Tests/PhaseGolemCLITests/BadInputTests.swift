import Foundation
import Testing
import PhaseGolemCore

/// Every kind of bad input gets its documented error, exit 1, and leaves the files untouched.
@Suite("bad input loses nothing", .processSlot)
struct BadInputTests {
    static let validItem = #"{"id":"WRK-00001","title":"Blocked","status":"blocked","priority":0,"description":null,"tags":[],"dependencies":[],"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z","blocked_reason":"why","blocked_from_status":"todo","claimed_by":null,"claimed_at":null,"x-pg-blocked-from-status":"ready"}"#

    struct StoreCase: CustomTestStringConvertible, Sendable {
        let name: String
        let tasks: String
        let expected: [String]
        var testDescription: String { name }
    }

    static let storeCases: [StoreCase] = [
        StoreCase(name: "malformed JSONL line", tasks: "{\"schema_version\":1}\n\(validItem)\n{\"id\":\"WRK-2\",\n",
                  expected: ["Storage corruption: Malformed item on line 3 of ./.task-golem/tasks.jsonl", "Recovery: `git checkout .task-golem/tasks.jsonl`"]),
        StoreCase(name: "bad header", tasks: "{schema_version:1}\n\(validItem)\n",
                  expected: ["Storage corruption: Invalid header on line 1 of ./.task-golem/tasks.jsonl"]),
        StoreCase(name: "schema version 2", tasks: "{\"schema_version\":2}\n\(validItem)\n",
                  expected: ["Unsupported schema version 2 in ./.task-golem/tasks.jsonl"]),
        StoreCase(name: "unknown status value", tasks: "{\"schema_version\":1}\n" + validItem.replacingOccurrences(of: "\"status\":\"blocked\"", with: "\"status\":\"wip\"") + "\n",
                  expected: ["Malformed item on line 2", "unknown status 'wip'"]),
        StoreCase(name: "non-x- extension key", tasks: "{\"schema_version\":1}\n" + validItem.replacingOccurrences(of: "\"x-pg-blocked", with: "\"pg-blocked") + "\n",
                  expected: ["Invalid extensions on line 2", "Extension key 'pg-blocked-from-status' must start with 'x-' prefix"]),
    ]

    @Test("a broken store: unblock fails with the documented error and rewrites nothing", arguments: storeCases)
    func brokenStore(_ testCase: StoreCase) throws {
        let root = try CLIHarness.makeProject()
        defer { CLIHarness.remove(root) }
        try CLIHarness.write(testCase.tasks, to: root + "/.task-golem/tasks.jsonl")
        let before = try CLIHarness.read(root + "/.task-golem/tasks.jsonl")
        for arguments in [["unblock", "WRK-00001"], ["add", "New item"], ["status"]] {
            let result = try CLIHarness.run(arguments, in: root)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.hasPrefix("Error: "), "\(arguments)")
            for fragment in testCase.expected {
                #expect(result.stderr.contains(fragment), "\(arguments): \(result.stderr)")
            }
            #expect(try CLIHarness.read(root + "/.task-golem/tasks.jsonl") == before, "\(arguments)")
        }
    }

    struct ConfigCase: CustomTestStringConvertible, Sendable {
        let name: String
        let toml: String
        let expected: [String]
        var testDescription: String { name }
    }

    static let configCases: [ConfigCase] = [
        ConfigCase(name: "TOML syntax error", toml: "[execution]\nmax_wip = = 3\n",
                   expected: ["Failed to parse ./phase-golem.toml:", "(line 2, column"]),
        ConfigCase(name: "invalid enum value", toml: "[guardrails]\nmax_size = \"huge\"\n",
                   expected: ["Failed to parse ./phase-golem.toml: guardrails.max_size: invalid value 'huge'"]),
        ConfigCase(name: "max_wip = 0", toml: "[execution]\nmax_wip = 0\n",
                   expected: ["Config validation failed:\n  - execution.max_wip must be >= 1"]),
        ConfigCase(name: "several problems reported together", toml: "[execution]\nmax_wip = 0\nmax_concurrent = 0\n",
                   expected: ["  - execution.max_wip must be >= 1\n  - execution.max_concurrent must be >= 1"]),
    ]

    @Test("a broken config: commands fail before touching the store", arguments: configCases)
    func brokenConfig(_ testCase: ConfigCase) throws {
        let root = try CLIHarness.makeProject(storeLines: [Self.validItem])
        defer { CLIHarness.remove(root) }
        try CLIHarness.write(testCase.toml, to: root + "/phase-golem.toml")
        let before = try CLIHarness.read(root + "/.task-golem/tasks.jsonl")
        for arguments in [["unblock", "WRK-00001"], ["add", "New item"], ["status"]] {
            let result = try CLIHarness.run(arguments, in: root)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.hasPrefix("Error: "))
            for fragment in testCase.expected {
                #expect(result.stderr.contains(fragment), "\(arguments): \(result.stderr)")
            }
            #expect(try CLIHarness.read(root + "/.task-golem/tasks.jsonl") == before)
        }
    }

    /// The original reads a missing store as an empty backlog (exit 0); ours keeps that and
    /// says on a hint line which command creates the store.
    @Test("no store at all names the command that creates one")
    func missingStore() throws {
        let root = try CLIHarness.makeTemporaryDirectory()
        defer { CLIHarness.remove(root) }
        let result = try CLIHarness.run(["status"], in: root)
        #expect(result.status == 0)
        #expect(result.stdout == "No items in backlog.\n")
        #expect(result.stderr.hasPrefix("hint: ") && result.stderr.contains("phase-golem init"))
    }

    @Test("usage errors exit 2, help exits 0")
    func usage() throws {
        let root = try CLIHarness.makeProject()
        defer { CLIHarness.remove(root) }
        #expect(try CLIHarness.run(["status", "--bogus"], in: root).status == 2)
        #expect(try CLIHarness.run(["frobnicate"], in: root).status == 2)
        #expect(try CLIHarness.run(["unblock"], in: root).status == 2)
        // No subcommand: a usage error, as in the original; the help goes to stderr.
        let bare = try CLIHarness.run([], in: root)
        #expect(bare.status == 2 && bare.stdout == "" && bare.stderr.contains("SUBCOMMANDS:"), "\(bare)")
        let help = try CLIHarness.run(["status", "--help"], in: root)
        #expect(help.status == 0)
        #expect(help.stdout.contains("--json"))
        let completion = try CLIHarness.run(["--generate-completion-script", "bash"], in: root)
        #expect(completion.status == 0)
        #expect(completion.stdout.contains("phase-golem"))
        #expect(completion.stdout.contains("--auto-advance"))
        let version = try CLIHarness.run(["--version"], in: root)
        #expect(version.status == 0)
        #expect(version.stdout == PhaseGolemVersion.current + "\n")
    }
}
