import Foundation
import Testing
@testable import PhaseGolemCore

@Suite("preflight")
struct PreflightTests {
    static let clock = Timestamp(seconds: 1_767_225_600, nanoseconds: 0)
    /// A normal user: the tests run as root, which Claude Code refuses (checked on its own below).
    static let user = ClaudeRootRule.Host(userID: 1000)

    /// A project folder with a store directory and the workflow files named by `config`.
    static func makeRoot(workflows: [String] = []) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pf-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root + "/.task-golem", withIntermediateDirectories: true)
        for path in workflows {
            let full = root + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data("# wf".utf8).write(to: URL(fileURLWithPath: full))
        }
        return root
    }

    static func config(_ pipelines: [String: PipelineConfig], maxWip: Int = 1) -> PhaseGolemConfig {
        var config = PhaseGolemConfig()
        config.pipelines = pipelines
        config.execution.maxWip = maxWip
        return config
    }

    static let simple = PipelineConfig(
        prePhases: [PhaseConfig(name: "research", workflows: ["wf/research.md"])],
        phases: [PhaseConfig(name: "build", workflows: ["wf/build.md"], isDestructive: true)])

    static func item(_ id: String, _ status: PGStatus, phase: String? = nil, pool: PhasePool? = nil, type: String? = nil,
                     dependencies: [String] = []) -> StoreItem {
        var item = StoreItem(id: id, title: id, now: clock)
        item.setPGStatus(status, now: clock)
        if let phase { item.setPhase(phase, now: clock) }
        if let pool { item.setPhasePool(pool, now: clock) }
        if let type { item.setPipelineType(type, now: clock) }
        item.dependencies = dependencies
        return item
    }

    static func check(_ items: [StoreItem], config: PhaseGolemConfig = config(["feature": simple]), archived: Set<String> = [],
                      workflows: [String] = ["wf/research.md", "wf/build.md"]) throws -> [String] {
        let root = try makeRoot(workflows: workflows)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let loaded = LoadedConfig(config: config, path: nil, baseDirectory: root)
        return Preflight(loaded: loaded, root: root, host: Self.user).check(items: items, archivedIDs: archived).map(\.condition)
    }

    @Test("a coherent project passes")
    func passes() throws {
        #expect(try Self.check([Self.item("WRK-1", .scoping, phase: "research", pool: .pre)]).isEmpty)
    }

    @Test("a missing store directory is the only error, with a fix")
    func missingStore() throws {
        let root = try Self.makeRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.removeItem(atPath: root + "/.task-golem")
        let errors = Preflight(loaded: LoadedConfig(config: Self.config(["feature": Self.simple]), path: nil, baseDirectory: root), root: root, host: Self.user)
            .check(items: [], archivedIDs: [])
        #expect(errors.count == 1)
        #expect(errors.first?.condition == ".task-golem/ directory not found")
        #expect(errors.first?.fix.contains("init") == true)
        #expect(errors.first?.description.hasPrefix("Preflight error: .task-golem/ directory not found\n  Config: ") == true)
    }

    @Test("missing workflow files are listed, sorted")
    func workflows() throws {
        #expect(try Self.check([], workflows: []) == ["Workflow file not found: wf/build.md", "Workflow file not found: wf/research.md"])
    }

    @Test("in-flight items must reference a known pipeline, phase and the right pool")
    func items() throws {
        let errors = try Self.check([
            Self.item("WRK-1", .inProgress, phase: "build", pool: .main, type: "bugfix"),
            Self.item("WRK-2", .inProgress, phase: "deploy", pool: .main),
            Self.item("WRK-3", .scoping, phase: "build", pool: .pre),
            Self.item("WRK-4", .ready, phase: "nonsense"),
        ])
        #expect(errors == [
            "Item WRK-1 references unknown pipeline type \"bugfix\"",
            "Item WRK-2 references unknown phase \"deploy\" in pipeline \"feature\"",
            "Item WRK-3 has phase_pool Pre but phase \"build\" is in Main",
        ])
    }

    @Test("duplicate ids are reported with their indices in load order")
    func duplicates() throws {
        let errors = try Self.check([Self.item("WRK-1", .new), Self.item("WRK-2", .new), Self.item("WRK-1", .new), Self.item("WRK-1", .new)])
        #expect(errors == ["Duplicate item ID \"WRK-1\" found at indices [0, 2, 3]"])
    }

    @Test("D3: a dependency on an archived item is met; a missing one is dangling")
    func archivedDependency() throws {
        let items = [Self.item("WRK-1", .new, dependencies: ["WRK-9", "WRK-8"])]
        #expect(try Self.check(items, archived: ["WRK-9"]) == ["Item 'WRK-1' depends on 'WRK-8' which does not exist in the backlog"])
        #expect(try Self.check(items, archived: ["WRK-9", "WRK-8"]).isEmpty)
    }

    @Test("dependency cycles among unfinished items, including a self-dependency")
    func cycles() throws {
        let errors = try Self.check([
            Self.item("WRK-1", .new, dependencies: ["WRK-2"]),
            Self.item("WRK-2", .new, dependencies: ["WRK-1"]),
            Self.item("WRK-3", .new, dependencies: ["WRK-3"]),
            Self.item("WRK-4", .done, dependencies: ["WRK-5"]),
            Self.item("WRK-5", .new, dependencies: ["WRK-4"]),
        ])
        #expect(errors == ["Circular dependency detected: WRK-1 → WRK-2 → WRK-1", "Circular dependency detected: WRK-3 → WRK-3"])
    }

    @Test("a 50,000-long dependency chain is checked without overflowing the stack")
    func longChain() throws {
        var items: [StoreItem] = []
        for index in 0..<50_000 {
            items.append(Self.item("WRK-\(index)", .new, dependencies: index + 1 < 50_000 ? ["WRK-\(index + 1)"] : []))
        }
        #expect(Preflight.cycles(in: items).isEmpty)
    }

    @Test("structural problems suppress the workflow and item stages")
    func structural() throws {
        let bad = PipelineConfig(prePhases: [PhaseConfig(name: "x", isDestructive: true)], phases: [])
        let errors = try Self.check([Self.item("WRK-1", .inProgress, phase: "ghost", pool: .main)],
                                    config: Self.config(["feature": bad]), workflows: [])
        #expect(errors == ["Pipeline \"feature\" has no main phases", "Pre-phase \"x\" in pipeline \"feature\" cannot be destructive"])
    }

    /// D16: the original runs with a zero timeout and every agent times out at once; ours
    /// stops before anything runs, in the preflight's own three-line form.
    @Test("D16: a zero phase timeout is a preflight error, in the three-line form")
    func zeroTimeout() throws {
        let root = try Self.makeRoot(workflows: ["wf/research.md", "wf/build.md"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        var config = Self.config(["feature": Self.simple])
        // Not claude: as root without IS_SANDBOX, preflight would add its refusal of claude.
        config.agent = AgentConfig(cli: .command, command: ["true"])
        config.execution.phaseTimeoutMinutes = 0
        let loaded = LoadedConfig(config: config, path: nil, baseDirectory: root)
        #expect(Preflight(loaded: loaded, root: root, host: Self.user).check(items: [], archivedIDs: []).map(\.description) == [
            "Preflight error: phase_timeout_minutes is 0: every agent would time out at once\n"
                + "  Config: phase-golem.toml → execution.phase_timeout_minutes\n"
                + "  Fix: Set execution.phase_timeout_minutes to the minutes a phase may take (default 30)",
        ])
        config.execution.phaseTimeoutMinutes = 0.5
        #expect(Preflight(loaded: LoadedConfig(config: config, path: nil, baseDirectory: root), root: root, host: Self.user)
            .check(items: [], archivedIDs: []).isEmpty)
    }

    @Test("a ~/ workflow path resolves under the home directory")
    func homePaths() throws {
        let loaded = LoadedConfig(config: PhaseGolemConfig(), path: nil, baseDirectory: "/project")
        #expect(loaded.resolve(workflowPath: "~/.claude/wf.md", home: "/home/me") == "/home/me/.claude/wf.md")
        #expect(loaded.resolve(workflowPath: "wf.md", home: "/home/me") == "/project/wf.md")
        #expect(loaded.resolve(workflowPath: "/abs/wf.md", home: "/home/me") == "/abs/wf.md")
    }

    /// Scripts match these lines: each is the original's text, word for word (recorded from the
    /// original binary), including its legacy `BACKLOG.yaml` locations.
    @Test("every error prints the original's three lines, byte for byte")
    func originalLines() throws {
        let root = try Self.makeRoot(workflows: ["wf/research.md"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let loaded = LoadedConfig(config: Self.config(["feature": Self.simple]), path: nil, baseDirectory: root)
        let items = [
            Self.item("WRK-1", .inProgress, phase: "build", pool: .main, type: "bogus"),
            Self.item("WRK-2", .inProgress, phase: "nope", pool: .main),
            Self.item("WRK-3", .scoping, phase: "build", pool: .pre),
            Self.item("WRK-4", .inProgress, phase: "research", pool: .main),
            Self.item("WRK-5", .new, dependencies: ["WRK-9"]),
            Self.item("WRK-6", .new, dependencies: ["WRK-7"]),
            Self.item("WRK-7", .new, dependencies: ["WRK-6"]),
            Self.item("WRK-5", .new),
        ]
        let lines = Preflight(loaded: loaded, root: root, host: Self.user).check(items: items, archivedIDs: []).map(\.description)
        #expect(lines == [
            "Preflight error: Workflow file not found: wf/build.md\n  Config: phase-golem.toml → pipelines → workflows\n"
                + "  Fix: Create the workflow file at wf/build.md or update the path",
            "Preflight error: Item WRK-1 references unknown pipeline type \"bogus\"\n  Config: items → WRK-1 → pipeline_type\n"
                + "  Fix: Add a [pipelines.bogus] section to phase-golem.toml or update the item's pipeline_type",
            "Preflight error: Item WRK-2 references unknown phase \"nope\" in pipeline \"feature\"\n  Config: items → WRK-2 → phase\n"
                + "  Fix: Update the item's phase to a valid phase name in the \"feature\" pipeline",
            "Preflight error: Item WRK-3 has phase_pool Pre but phase \"build\" is in Main\n  Config: items → WRK-3 → phase_pool\n"
                + "  Fix: Update phase_pool to Main to match the phase's location in the pipeline",
            "Preflight error: Item WRK-4 has phase_pool Main but phase \"research\" is in Pre\n  Config: items → WRK-4 → phase_pool\n"
                + "  Fix: Update phase_pool to Pre to match the phase's location in the pipeline",
            "Preflight error: Duplicate item ID \"WRK-5\" found at indices [4, 7]\n  Config: BACKLOG.yaml → items\n"
                + "  Fix: Remove or rename the duplicate item so each ID is unique",
            "Preflight error: Item 'WRK-5' depends on 'WRK-9' which does not exist in the backlog\n  Config: items → WRK-5 → dependencies\n"
                + "  Fix: Remove 'WRK-9' from WRK-5's dependencies, or add the missing item to the backlog",
            "Preflight error: Circular dependency detected: WRK-6 → WRK-7 → WRK-6\n  Config: BACKLOG.yaml → items → dependencies\n"
                + "  Fix: Remove one dependency in the cycle to break it: WRK-6, WRK-7",
        ])
        try FileManager.default.removeItem(atPath: root + "/.task-golem")
        #expect(Preflight(loaded: loaded, root: root, host: Self.user).check(items: [], archivedIDs: []).map(\.description) == [
            "Preflight error: .task-golem/ directory not found\n  Config: \(root)/.task-golem\n  Fix: Run `tg init` to initialize the task-golem store",
        ])
    }

    // MARK: Claude Code refuses root (docs/decisions.md D14)

    static func rootCheck(_ host: ClaudeRootRule.Host, cli: AgentCLI = .claude) throws -> [String] {
        let root = try makeRoot(workflows: ["wf/research.md", "wf/build.md"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        var config = config(["feature": simple])
        config.agent.cli = cli
        if cli == .command { config.agent.command = ["my-agent"] }
        let loaded = LoadedConfig(config: config, path: nil, baseDirectory: root)
        return Preflight(loaded: loaded, root: root, host: host).check(items: [], archivedIDs: []).map(\.description)
    }

    @Test("claude as root without IS_SANDBOX: a preflight error with the cause and both fixes, in the three-line form")
    func rootRefused() throws {
        #expect(try Self.rootCheck(ClaudeRootRule.Host(userID: 0)) == [
            "Preflight error: Claude CLI refuses to run as root: phase-golem starts it with --dangerously-skip-permissions, "
                + "which it rejects for the root user unless IS_SANDBOX=1 is set\n"
                + "  Config: phase-golem.toml → agent.cli\n"
                + "  Fix: Run phase-golem as a normal (non-root) user; or, if this machine is a sandbox (a container or a throwaway VM), "
                + "set IS_SANDBOX=1 in the environment yourself (phase-golem never sets it for you)",
        ])
        // Anything but exactly `1` is refused, as the CLI does.
        #expect(try Self.rootCheck(ClaudeRootRule.Host(userID: 0, environment: ["IS_SANDBOX": "true"])).count == 1)
        #expect(try Self.rootCheck(ClaudeRootRule.Host(userID: 0, environment: ["IS_SANDBOX": ""])).count == 1)
    }

    @Test("root passes with IS_SANDBOX=1 or bubblewrap; a normal user passes; other agents are not checked")
    func rootAccepted() throws {
        #expect(try Self.rootCheck(ClaudeRootRule.Host(userID: 0, environment: ["IS_SANDBOX": "1"])).isEmpty)
        #expect(try Self.rootCheck(ClaudeRootRule.Host(userID: 0, environment: ["CLAUDE_CODE_BUBBLEWRAP": "1"])).isEmpty)
        #expect(try Self.rootCheck(ClaudeRootRule.Host(userID: 501)).isEmpty)
        #expect(try Self.rootCheck(ClaudeRootRule.Host(userID: 0), cli: .command).isEmpty)
        #expect(try Self.rootCheck(ClaudeRootRule.Host(userID: 0), cli: .opencode).isEmpty)
    }

    @Test("the root error comes after the original's errors, which keep their order")
    func rootErrorLast() throws {
        let root = try Self.makeRoot(workflows: ["wf/research.md"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let loaded = LoadedConfig(config: Self.config(["feature": Self.simple]), path: nil, baseDirectory: root)
        let errors = Preflight(loaded: loaded, root: root, host: ClaudeRootRule.Host(userID: 0)).check(items: [], archivedIDs: [])
        #expect(errors.map(\.location) == ["phase-golem.toml → pipelines → workflows", "phase-golem.toml → agent.cli"])
    }
}
